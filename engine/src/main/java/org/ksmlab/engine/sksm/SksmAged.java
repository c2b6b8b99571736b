package org.ksmlab.engine.sksm;

import java.util.Map;
import org.ksmlab.engine.cost.CostModel;
import org.ksmlab.engine.memory.PageStore;
import org.ksmlab.engine.mm.Kernel;
import org.ksmlab.engine.mm.PageTable;
import org.ksmlab.engine.mm.Process;
import org.ksmlab.engine.mm.Vma;
import org.ksmlab.engine.mm.VmFlags;
import org.ksmlab.engine.mm.Daemon;
import org.roaringbitmap.longlong.Roaring64Bitmap;

/**
 * {@code sksm-aged}: the RFC's MADV_MERGE driven by the user-space policy proposed in its
 * review. MADV_MERGEABLE only registers a range with the agent (the VMA flag is the
 * registration). Every {@code scan_ms} the agent reads and clears the soft-dirty bits of the
 * registered ranges (PAGEMAP_SCAN / clear_refs style) and issues MADV_MERGE, one call per run
 * of consecutive pages, on pages left unwritten for {@code age_ms}; a page COW'd after merging
 * more than {@code max_breaks} times is never nominated again.
 *
 * <p>Ages are counted in scans: a page is old enough when it was clean in the last
 * {@code K = max(1, ceil(age_ms / scan_ms))} scans, so its last write is at least
 * {@code K·scan_ms >= age_ms} old. A page the agent sees for the first time counts as written
 * in that scan (the agent cannot know its history). A page nominated and not written since is
 * not nominated again.
 *
 * <p>Per-process state, all {@link Roaring64Bitmap}s of vpns (35-bit numbers below
 * {@link Kernel#MMAP_BASE}, hence the 64-bit variant of RoaringBitmap): the last K scans' written pages (a ring), the pages present at
 * the last scan, the pages nominated since their last write, and break counts as nested
 * levels ({@code breaks[i]} holds the pages broken at least {@code i+1} times).
 *
 * <p>Cost: every present pte the scan visits is charged as a page visit
 * ({@code page_visit_ns}); the MADV_MERGE calls are charged as in {@link Sksm}.
 */
final class SksmAged extends Sksm implements Daemon {
    /** Scan period, virtual nanoseconds. */
    private final long scanNanos;
    /** Scans a page must stay clean for before it is nominated (age_ms rounded up to scans, >= 1). */
    private final int ageScans;
    /** Breaks (COWs after a merge) a page may take; one more and it is not nominated again. */
    private final int maxBreaks;
    private long nextWakeNanos;
    private long scans;
    /** Pages visited by all scans; cumulative. */
    private long pagesVisited;
    /** Pages nominated (sent to MADV_MERGE); cumulative. */
    private long nominated;
    /** Pages that reached more than max_breaks breaks; cumulative over all processes. */
    private long blocked;
    /**
     * Pages that a scan found clean but not yet old enough, summed over scans (cumulative).
     * It grows while pages are waiting to come of age, so a run is not "stable" in that wait.
     */
    private long agingPageScans;

    /** The agent's view of one process. */
    private static final class AgentState {
        final Roaring64Bitmap[] written;
        Roaring64Bitmap present = new Roaring64Bitmap();
        final Roaring64Bitmap nominated = new Roaring64Bitmap();
        final Roaring64Bitmap[] breaks;

        AgentState(int ageScans, int maxBreaks) {
            written = new Roaring64Bitmap[ageScans];
            for (int i = 0; i < ageScans; i++) written[i] = new Roaring64Bitmap();
            breaks = new Roaring64Bitmap[maxBreaks + 1];
            for (int i = 0; i <= maxBreaks; i++) breaks[i] = new Roaring64Bitmap();
        }

        Roaring64Bitmap blocked() {
            return breaks[breaks.length - 1];
        }
    }

    SksmAged(ChecksumTable table, PageHasher hasher, CostModel cost, long scanMs, long ageMs, int maxBreaks) {
        super("sksm-aged", table, hasher, cost);
        if (scanMs <= 0) throw new IllegalArgumentException("scan_ms=" + scanMs + ": expected > 0");
        if (ageMs < 0) throw new IllegalArgumentException("age_ms=" + ageMs + ": expected >= 0");
        if (maxBreaks < 0) throw new IllegalArgumentException("max_breaks=" + maxBreaks + ": expected >= 0");
        this.scanNanos = scanMs * 1_000_000L;
        this.ageScans = (int) Math.max(1, (ageMs + scanMs - 1) / scanMs);
        this.maxBreaks = maxBreaks;
        this.nextWakeNanos = scanNanos;
    }

    /** Registration only: the agent finds the range by its VM_MERGEABLE flag at its next scan. */
    @Override
    void optedIn(Process p, long start, long end) {
    }

    @Override
    void onBreak(Process p, long vpn) {
        Roaring64Bitmap[] levels = state(p).breaks;
        for (int i = 0; i < levels.length; i++) {
            if (!levels[i].contains(vpn)) {
                levels[i].addLong(vpn);
                if (i == levels.length - 1) {
                    blocked++;
                }
                return;
            }
        }
    }

    private AgentState state(Process p) {
        if (p.mergerState() instanceof AgentState s) {
            return s;
        }
        AgentState s = new AgentState(ageScans, maxBreaks);
        p.setMergerState(s);
        return s;
    }

    @Override
    public long nextWakeNanos() {
        return nextWakeNanos;
    }

    @Override
    public boolean passCompleted() {
        return true; // every wake-up is one full scan of every registered range
    }

    @Override
    public long fullScans() {
        return scans;
    }

    @Override
    public void wake(Kernel k) {
        int slot = (int) (scans % ageScans);
        scans++;
        for (Process p : k.processes()) {
            scan(k, p, slot);
        }
        nextWakeNanos = k.nowNanos() + scanNanos;
    }

    /** One scan of one process: read and clear soft-dirty, then nominate the old clean pages. */
    private void scan(Kernel k, Process p, int slot) {
        AgentState s = state(p);
        Roaring64Bitmap present = new Roaring64Bitmap();
        Roaring64Bitmap written = new Roaring64Bitmap();
        PageTable pt = p.pageTable();
        for (Vma v : p.vmas()) {
            if (!v.isMergeable() || !VmFlags.ksmCompatible(v.flags())) {
                continue;
            }
            pt.forEachPresent(v.start() >>> PageStore.PAGE_SHIFT, v.end() >>> PageStore.PAGE_SHIFT, vpn -> {
                pagesVisited++;
                work.pagesVisited++;
                long pte = pt.get(vpn);
                int frame = PageTable.frame(pte);
                if (frame == PageStore.ZERO_FRAME || !store.hasFlag(frame, PageStore.F_ANON)) {
                    return; // nothing to merge: the zero page or an unwritten file page
                }
                present.addLong(vpn);
                if ((pte & PageTable.SOFT_DIRTY) != 0) {
                    pt.set(vpn, pte & ~PageTable.SOFT_DIRTY);
                    written.addLong(vpn);
                } else if (!s.present.contains(vpn)) {
                    written.addLong(vpn); // first sight: history unknown, count it as just written
                }
            });
        }
        s.written[slot] = written;
        s.present = present;
        s.nominated.andNot(written); // written since nomination: a fresh nomination is due
        Roaring64Bitmap candidates = present.clone();
        for (Roaring64Bitmap w : s.written) {
            candidates.andNot(w);
        }
        candidates.andNot(s.nominated);
        candidates.andNot(s.blocked());
        // Clean in this scan, not nominated or blocked, but written within the age window.
        Roaring64Bitmap aging = present.clone();
        aging.andNot(written);
        aging.andNot(s.nominated);
        aging.andNot(s.blocked());
        agingPageScans += aging.getLongCardinality() - candidates.getLongCardinality();
        // One MADV_MERGE per run of consecutive pages, as a user-space agent would issue them.
        var it = candidates.getLongIterator();
        long runStart = -1;
        long runEnd = -1;
        while (it.hasNext()) {
            long vpn = it.next();
            if (vpn != runEnd) {
                if (runStart >= 0) merge(k, p, runStart, runEnd);
                runStart = vpn;
            }
            runEnd = vpn + 1;
        }
        if (runStart >= 0) merge(k, p, runStart, runEnd);
        nominated += candidates.getLongCardinality();
        s.nominated.or(candidates);
    }

    private void merge(Kernel k, Process p, long fromVpn, long toVpn) {
        k.madvise(p.pid(), fromVpn << PageStore.PAGE_SHIFT, (toVpn - fromVpn) << PageStore.PAGE_SHIFT, VmFlags.MADV_MERGE);
    }

    @Override
    public void counters(Map<String, Long> into) {
        super.counters(into);
        into.put("sksm_agent_scans", scans);
        into.put("sksm_agent_pages_visited", pagesVisited);
        into.put("sksm_agent_nominated", nominated);
        into.put("sksm_agent_blocked", blocked);
        into.put("sksm_agent_aging_page_scans", agingPageScans);
    }
}
