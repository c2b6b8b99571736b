package org.ksmlab.engine.sksm;

import java.util.Map;
import org.ksmlab.engine.cost.CostModel;
import org.ksmlab.engine.cost.WorkCounts;
import org.ksmlab.engine.memory.PageCompare;
import org.ksmlab.engine.memory.PageStore;
import org.ksmlab.engine.mm.Kernel;
import org.ksmlab.engine.mm.Merger;
import org.ksmlab.engine.mm.MergerServices;
import org.ksmlab.engine.mm.PageTable;
import org.ksmlab.engine.mm.Process;
import org.ksmlab.engine.mm.Vma;
import org.ksmlab.engine.mm.VmFlags;

/**
 * SKSM's synchronous MADV_MERGE (RFC 2025-02-28, mm/sksm.c), over a {@link ChecksumTable}.
 * {@code sksm} uses the RFC's static chained table, {@code sksm-resizable} the growing
 * open-addressing one; {@link SksmAged} adds the user-space agent.
 *
 * <p>Opt-in: MADV_MERGEABLE keeps the kernel's flag logic and then merges the range at once,
 * standing for the application's own MADV_MERGE on it (see the package documentation).
 *
 * <p>Modelled CPU ({@code cpu_ns}): per MADV_MERGE call one LRU drain; per examined page one
 * write-protect (when the pte was writable), one checksum, the chain entries walked, the bytes
 * compared, and a merge or a table insert; per freed table page one table removal; per write
 * to a merged page the COW copy it forces.
 *
 * @see "RFC mm/sksm.c: sksm_merge_range (summarised in docs/kernel-behaviour.md, SKSM)"
 */
class Sksm implements Merger {
    private final String name;
    /** Where unmatched pages wait for their twins. */
    final ChecksumTable table;
    private final PageHasher hasher;
    private final CostModel cost;
    /** Work done so far, turned into {@code cpu_ns} by {@link #cost}. */
    final WorkCounts work = new WorkCounts();
    /** The page-table changes the kernel model lets a merger make. */
    private MergerServices services;
    PageStore store;

    /** MADV_MERGE calls handled (including ones on incompatible or empty ranges). */
    private long madviseCalls;
    /** Present anonymous, not yet merged pages examined by MADV_MERGE (each checksummed). */
    private long pagesExamined;
    /** Ptes replaced by a table page (zero-page merges included); cumulative. */
    private long pagesMerged;
    /** Of {@link #pagesMerged}, merges with the zero page. */
    private long zeroMerged;
    /** Ptes currently mapping the zero page because of a merge (KSM_ZERO ptes). */
    private long zeroPtes;
    /** Pages write-protected and added to the table because nothing matched; cumulative. */
    private long wpNoMatch;
    /** Write faults that had to copy a merged page (merge-then-break); cumulative. */
    private long cowAfterMerge;
    /** What pagesSharing() last walked, and at which mapcount and table changes. */
    private long sharing;
    private long sharingAtMapcountChanges = -1;
    private long sharingAtTableChanges = -1;

    Sksm(String name, ChecksumTable table, PageHasher hasher, CostModel cost) {
        this.name = name;
        this.table = table;
        this.hasher = hasher;
        this.cost = cost;
    }

    @Override
    public String name() {
        return name;
    }

    /** The RFC inserts the zero page into the table at boot. */
    @Override
    public void attach(Kernel k) {
        this.services = k.mergerServices();
        this.store = k.store();
        table.insert(hasher.hash64(store, PageStore.ZERO_FRAME), PageStore.ZERO_FRAME);
    }

    /**
     * The kernel's flag logic (as {@link Merger}'s default), then {@link #optedIn} for a
     * compatible range made MERGEABLE.
     */
    @Override
    public long madviseMergeable(Process p, Vma vma, long start, long end, int advice) {
        if (advice == VmFlags.MADV_MERGEABLE) {
            if (!VmFlags.ksmCompatible(vma.flags())) {
                return vma.flags();
            }
            optedIn(p, start, end);
            return vma.flags() | VmFlags.VM_MERGEABLE;
        }
        return vma.flags() & ~VmFlags.VM_MERGEABLE;
    }

    /** User space opted {@code [start, end)} in: plain SKSM merges it now (the program's MADV_MERGE). */
    void optedIn(Process p, long start, long end) {
        madviseMerge(p, start, end);
    }

    /**
     * MADV_MERGE on an aligned, mapped range (the kernel checked EINVAL and ENOMEM). VMAs that
     * KSM could not merge are skipped silently; every present anonymous page of the others is
     * merged or added to the table.
     */
    @Override
    public void madviseMerge(Process p, long start, long end) {
        madviseCalls++;
        work.lruDrains++; // lru_add_drain_all(): once per call, whatever the range
        PageTable pt = p.pageTable();
        for (Vma v : p.vmas()) {
            if (v.end() <= start || v.start() >= end || !VmFlags.ksmCompatible(v.flags())) {
                continue;
            }
            long from = Math.max(start, v.start()) >>> PageStore.PAGE_SHIFT;
            long to = Math.min(end, v.end()) >>> PageStore.PAGE_SHIFT;
            pt.forEachPresent(from, to, vpn -> mergePage(p, pt, vpn));
        }
    }

    /** One page of MADV_MERGE: write-protect, checksum, walk the bucket, replace or insert. */
    private void mergePage(Process p, PageTable pt, long vpn) {
        long pte = pt.get(vpn);
        int frame = PageTable.frame(pte);
        if (frame == PageStore.ZERO_FRAME) {
            return; // already the zero page (a read fault, or an earlier merge)
        }
        int flags = store.flags(frame);
        if ((flags & PageStore.F_ANON) == 0 || (flags & (PageStore.F_SKSM | PageStore.F_KSM)) != 0) {
            return; // page cache (an unwritten private file page) or already a table page
        }
        pagesExamined++;
        // Write-protect before the checksum, as the RFC: from here a write faults and copies,
        // so the checksum and the compare see the contents that get merged.
        if (PageTable.writable(pte)) {
            services.writeProtect(p, vpn);
            work.writeProtects++;
        }
        long hash = hasher.hash64(store, frame);
        work.pagesChecksummed++;
        int match = table.findIdentical(hash, frame, store, work);
        if (match >= 0) {
            boolean zero = match == PageStore.ZERO_FRAME;
            // A zero-page merge marks the pte like KSM's replace_page (pte_mkdirty+special: is_ksm_zero_pte).
            services.replacePage(p, vpn, match, zero ? PageTable.KSM_ZERO : 0);
            work.merges++;
            pagesMerged++;
            if (zero) {
                zeroMerged++;
                zeroPtes++;
            }
        } else {
            // No twin: the page itself joins the table and stays write-protected until freed.
            table.insert(hash, frame);
            store.setFlag(frame, PageStore.F_SKSM);
            work.tableUpdates++;
            wpNoMatch++;
        }
    }

    /** A table page's last reference went: it leaves the table. */
    @Override
    public void frameFreed(int frame, int flags) {
        if ((flags & PageStore.F_SKSM) != 0) {
            table.remove(hasher.hash64(store, frame), frame); // its contents are unchanged: the hash it went in with
            work.tableUpdates++;
        }
    }

    @Override
    public void mergedPageCopied(Process p, long vpn, int oldFrame) {
        broken(p, vpn);
    }

    /**
     * A KSM_ZERO pte went away: zapped (the pte is now none) or copied by a write fault (the pte
     * now maps a fresh writable frame: a merge-then-break like {@link #mergedPageCopied}).
     */
    @Override
    public void ksmZeroPteRemoved(Process p, long vpn) {
        zeroPtes--;
        long pte = p.pageTable().get(vpn);
        if (PageTable.present(pte) && PageTable.writable(pte) && PageTable.frame(pte) != PageStore.ZERO_FRAME) {
            broken(p, vpn);
        }
    }

    private void broken(Process p, long vpn) {
        cowAfterMerge++;
        work.cowCopies++;
        onBreak(p, vpn);
    }

    /** Hook for policies that watch merge-then-break ({@link SksmAged}). */
    void onBreak(Process p, long vpn) {
    }

    /** fork copied KSM_ZERO ptes into the child: count them, so zaps in the child balance. */
    @Override
    public void forked(Process parent, Process child) {
        PageTable pt = child.pageTable();
        for (Vma v : child.vmas()) {
            pt.forEachPresent(v.start() >>> PageStore.PAGE_SHIFT, v.end() >>> PageStore.PAGE_SHIFT, vpn -> {
                if ((pt.get(vpn) & PageTable.KSM_ZERO) != 0) {
                    zeroPtes++;
                }
            });
        }
    }

    /**
     * Counters, sysfs-like; {@code _milli} values are ×1000 (longs carry no fraction).
     * {@code sksm_pages_sharing}: ptes mapping a table page beyond its first mapping, plus
     * {@code sksm_zero_pages}: the pages merging saves right now.
     */
    @Override
    public void counters(Map<String, Long> into) {
        into.put("sksm_madvise_calls", madviseCalls);
        into.put("sksm_pages_examined", pagesExamined);
        into.put("sksm_pages_per_call_milli", madviseCalls == 0 ? 0 : pagesExamined * 1000 / madviseCalls);
        into.put("sksm_pages_merged", pagesMerged);
        into.put("sksm_zero_merged", zeroMerged);
        into.put("sksm_zero_pages", zeroPtes);
        into.put("sksm_pages_sharing", pagesSharing() + zeroPtes);
        into.put("sksm_wp_no_match", wpNoMatch);
        into.put("sksm_cow_after_merge", cowAfterMerge);
        into.put("sksm_table_entries", (long) table.entries());
        into.put("sksm_table_slots", table.slots());
        into.put("sksm_table_resizes", table.resizes());
        into.put("sksm_chain_max", table.chainMax());
        into.put("sksm_chain_mean_milli", table.chainMeanMilli());
        into.put("sksm_checksum_collisions", table.checksumCollisions());
        into.put("cpu_ns", cost.cpuNanos(work));
    }

    /**
     * Mappings of table pages beyond their first. A walk of the whole table, so it is kept while
     * no mapcount and no table entry changed since the last walk (at 1 TiB the table holds
     * 50 million entries and a run samples 600 times; most samples fall where nothing moved).
     */
    private long pagesSharing() {
        if (sharingAtMapcountChanges == store.mapcountChanges() && sharingAtTableChanges == table.changes()) {
            return sharing;
        }
        sharing = walkPagesSharing();
        sharingAtMapcountChanges = store.mapcountChanges();
        sharingAtTableChanges = table.changes();
        return sharing;
    }

    long walkPagesSharing() {
        long[] n = {0};
        table.forEachEntry(f -> {
            if (f != PageStore.ZERO_FRAME) {
                n[0] += Math.max(0, store.mapcount(f) - 1);
            }
        });
        return n[0];
    }
}
