package org.ksmlab.engine.ksm;

import static org.ksmlab.engine.ksm.RmapItems.NONE;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ksmlab.engine.cost.CostModel;
import org.ksmlab.engine.cost.WorkCounts;
import org.ksmlab.engine.memory.PageChecksum;
import org.ksmlab.engine.memory.PageCompare;
import org.ksmlab.engine.memory.PageStore;
import org.ksmlab.engine.mm.Kernel;
import org.ksmlab.engine.mm.Merger;
import org.ksmlab.engine.mm.PageTable;
import org.ksmlab.engine.mm.Process;
import org.ksmlab.engine.mm.Vma;
import org.ksmlab.engine.mm.VmFlags;
import org.ksmlab.engine.mm.Daemon;

/**
 * KSM: ksmd and the madvise/prctl/fork/exit paths of mm/ksm.c, in virtual time.
 *
 * <p>ksmd wakes, scans a batch of {@code pages_to_scan} present anonymous pages of the
 * registered mms ({@link #ksmDoScan}), is charged the modelled CPU time of that work, and
 * sleeps {@code sleep_millisecs}. Every page visit runs {@link #cmpAndMergePage}, which reads
 * like the kernel function it models. See the package documentation for the algorithm and for
 * where this model departs from the kernel.
 */
public final class Ksm implements Merger, Daemon {
    /** sizeof(struct ksm_rmap_item) on 64-bit: what general_profit charges per rmap_item. */
    static final int KERNEL_RMAP_ITEM_BYTES = 64;
    /** Model time of one ksmd wake-up that did no work (loop overhead), so virtual time advances. */
    private static final long MIN_WAKE_NANOS = 1_000;

    /** Per-mm KSM state (fields of mm_struct and its ksm_mm_slot). */
    static final class KsmMm {
        final Process process;
        /** The mm_slot while registered (MMF_VM_MERGEABLE), else null. */
        MmSlot slot;
        long rmapItems;
        long mergingPages;
        long zeroPages;

        KsmMm(Process process) {
            this.process = process;
        }
    }

    /** struct ksm_mm_slot: one registered mm on ksmd's circular list. */
    static final class MmSlot {
        final int id;
        final KsmMm mm;
        /** First rmap_item of this mm's address-ordered rmap_list. */
        int rmapHead = NONE;
        MmSlot prev;
        MmSlot next;
        /** The process exited: ksmd frees its rmap_items and the slot on its next visit. */
        boolean exiting;

        MmSlot(int id, KsmMm mm) {
            this.id = id;
            this.mm = mm;
        }
    }

    final KsmKnobs knobs = new KsmKnobs(this);
    final RmapItems items = new RmapItems();
    final StableNodes nodes = new StableNodes();
    private final Advisor advisor = new Advisor();
    private final CostModel costs;
    private final PageCompare compare = PageCompare.best();
    private final PageChecksum checksum = PageChecksum.XXH64;
    private final WorkCounts work = new WorkCounts();
    private final List<MmSlot> slotsById = new ArrayList<>();

    private Kernel kernel;
    private PageStore store;
    /** The sysfs writes given at construction, applied in order when the kernel attaches. */
    private Map<String, String> pendingWrites;
    private int zeroChecksum;

    /** ksm_mm_head: the sentinel of the circular mm_slot list. */
    private final MmSlot head = new MmSlot(-1, null);
    /** ksm_scan: the cursor. */
    private MmSlot scanSlot = head;
    private long scanVpn;
    /** The item whose {@code next} is the cursor's rmap_list position (NONE: the slot's head). */
    private int scanPrev = NONE;
    /** ksm_scan.seqnr: completed full scans. */
    private long seqnr;

    // Global counters, named as in /sys/kernel/mm/ksm.
    private long pagesShared;
    private long pagesSharing;
    private long pagesUnshared;
    private long pagesScanned;
    private long pagesSkipped;
    private long stableNodeChains;
    private long stableNodeDups;
    private long ksmZeroPages;
    /** COW faults on KSM pages after merging (merge-then-break churn); not a sysfs counter. */
    private long cowOnKsmPages;

    private long ksmdCpuNanos;
    private long nextWakeNanos;
    private long batchStartNanos;
    private final WorkCounts batchStart = new WorkCounts();
    private boolean passCompleted;

    // The page handed from scanGetNextRmapItem to cmpAndMergePage.
    private int curFrame;

    /** Creates KSM with the given sysfs writes applied in order and cost overrides ({@code cost.*}). */
    public Ksm(Map<String, String> settings) {
        this.costs = CostModel.fromSettings(settings);
        Map<String, String> writes = new LinkedHashMap<>();
        settings.forEach((k, v) -> {
            if (!k.startsWith(CostModel.SETTING_PREFIX)) writes.put(k, v);
        });
        if (!writes.containsKey("run")) {
            // The model's ksm starts with ksmd running (sysfs boots with run=0).
            writes.put("run", "1");
        }
        this.pendingWrites = writes;
    }

    @Override
    public String name() {
        return "ksm";
    }

    @Override
    public void attach(Kernel k) {
        this.kernel = k;
        this.store = k.store();
        this.zeroChecksum = checksum.checksum32(store, PageStore.ZERO_FRAME);
        knobs.apply(pendingWrites);
        pendingWrites = null;
    }

    /** The sysfs knobs, for writes while a simulation runs (tests, kernel-check). */
    public KsmKnobs knobs() {
        return knobs;
    }

    Advisor advisor() {
        return advisor;
    }

    long pagesShared() {
        return pagesShared;
    }

    // ============================================================ ksmd

    private boolean ksmdShouldRun() {
        return knobs.run == 1 && head.next != null && head.next != head;
    }

    @Override
    public long nextWakeNanos() {
        return ksmdShouldRun() ? Math.max(nextWakeNanos, kernel.nowNanos()) : Long.MAX_VALUE;
    }

    @Override
    public void wake(Kernel k) {
        passCompleted = false;
        batchStartNanos = k.nowNanos();
        snapshot(batchStart);
        ksmDoScan(knobs.pagesToScan);
        long cpu = cpuSince(batchStart);
        ksmdCpuNanos += cpu;
        batchEndNanos = batchStartNanos + Math.max(cpu, MIN_WAKE_NANOS);
        nextWakeNanos = batchEndNanos + knobs.sleepMillis * 1_000_000L;
    }

    private long batchEndNanos;

    @Override
    public long lastBatchEndNanos() {
        return batchEndNanos;
    }

    @Override
    public boolean passCompleted() {
        return passCompleted;
    }

    @Override
    public long fullScans() {
        return seqnr;
    }

    /** Modelled ksmd CPU time so far. */
    public long ksmdCpuNanos() {
        return ksmdCpuNanos;
    }

    private void snapshot(WorkCounts into) {
        into.clear();
        into.add(work);
    }

    private long cpuSince(WorkCounts before) {
        return costs.cpuNanos(work.minus(before));
    }

    /** @see "mm/ksm.c: ksm_do_scan" */
    private void ksmDoScan(long scanNpages) {
        while (scanNpages-- > 0) {
            int item = scanGetNextRmapItem();
            if (item == NONE) {
                return; // end of a pass, or nothing to scan: the rest of the batch is forfeit
            }
            cmpAndMergePage(curFrame, item);
            pagesScanned++;
        }
    }

    /**
     * Advances the cursor to the next present anonymous page of a VM_MERGEABLE VMA and returns
     * its rmap_item (creating it on first visit), or NONE at the end of a full pass.
     * @see "mm/ksm.c: scan_get_next_rmap_item"
     */
    private int scanGetNextRmapItem() {
        if (head.next == null || head.next == head) {
            return NONE;
        }
        MmSlot slot = scanSlot;
        if (slot == head) {
            // A new pass: the unstable tree is rebuilt from scratch every pass.
            advisor.startScan(knobs, kernel.nowNanos());
            work.lruDrains++; // lru_add_drain_all()
            items.unstable.clear();
            slot = head.next;
            scanSlot = slot;
            if (slot == head) {
                return NONE;
            }
            scanVpn = 0;
            scanPrev = NONE;
        }
        while (true) {
            if (!slot.exiting) {
                Process p = slot.mm.process;
                PageTable pt = p.pageTable();
                for (Vma vma = p.vmaAtOrAfter(scanVpn << PageStore.PAGE_SHIFT); vma != null; vma = p.nextVma(vma)) {
                    if (!vma.isMergeable()) {
                        continue;
                    }
                    long startVpn = vma.start() >>> PageStore.PAGE_SHIFT;
                    long endVpn = vma.end() >>> PageStore.PAGE_SHIFT;
                    if (scanVpn < startVpn) {
                        scanVpn = startVpn;
                    }
                    if (!vma.hasAnonVma()) {
                        scanVpn = endVpn;
                    }
                    while (scanVpn < endVpn) {
                        work.pagesVisited++;
                        long pte = pt.get(scanVpn);
                        if (PageTable.present(pte) && store.hasFlag(PageTable.frame(pte), PageStore.F_ANON)) {
                            int frame = PageTable.frame(pte);
                            int item = getNextRmapItem(slot, scanVpn);
                            scanPrev = item;
                            if (shouldSkipRmapItem(frame, item)) {
                                scanVpn++;
                                continue;
                            }
                            scanVpn++;
                            curFrame = frame;
                            return item;
                        }
                        scanVpn++;
                    }
                }
            } else {
                scanVpn = 0; // no_vmas
                scanPrev = NONE;
            }
            // Nuke the rmap_items above the cursor: no VM_MERGEABLE VMA has such addresses.
            removeTrailingRmapItems(slot, scanPrev);
            MmSlot nextSlot = slot.next;
            scanSlot = nextSlot;
            if (scanVpn == 0) {
                // No VM_MERGEABLE VMA (or the mm exited): drop the mm from KSM, as __ksm_exit would.
                unlinkSlot(slot);
                if (!slot.exiting) {
                    slot.mm.process.clearMergeAny();
                }
            }
            if (nextSlot != head) {
                slot = nextSlot;
                scanVpn = 0;
                scanPrev = NONE;
                continue;
            }
            long batchCpu = cpuSince(batchStart);
            long pages = advisor.stopScan(knobs, batchStartNanos + batchCpu, ksmdCpuNanos + batchCpu);
            if (pages >= 0) {
                knobs.pagesToScan = pages;
            }
            seqnr++;
            passCompleted = true;
            return NONE;
        }
    }

    /** @see "mm/ksm.c: get_next_rmap_item" */
    private int getNextRmapItem(MmSlot slot, long vpn) {
        int cur = scanPrev == NONE ? slot.rmapHead : items.next[scanPrev];
        while (cur != NONE) {
            if (items.vpn[cur] == vpn) {
                return cur;
            }
            if (items.vpn[cur] > vpn) {
                break;
            }
            int nxt = items.next[cur];
            setListNext(slot, scanPrev, nxt);
            removeRmapItemFromTree(cur);
            freeRmapItem(cur);
            cur = nxt;
        }
        int item = items.allocate(slot.id, vpn);
        slot.mm.rmapItems++;
        items.next[item] = cur;
        setListNext(slot, scanPrev, item);
        return item;
    }

    private void setListNext(MmSlot slot, int prev, int item) {
        if (prev == NONE) {
            slot.rmapHead = item;
        } else {
            items.next[prev] = item;
        }
    }

    private void freeRmapItem(int item) {
        slotsById.get(items.slot[item]).mm.rmapItems--;
        items.free(item);
    }

    /** @see "mm/ksm.c: remove_trailing_rmap_items" */
    private void removeTrailingRmapItems(MmSlot slot, int prev) {
        int cur = prev == NONE ? slot.rmapHead : items.next[prev];
        setListNext(slot, prev, NONE);
        while (cur != NONE) {
            int nxt = items.next[cur];
            removeRmapItemFromTree(cur);
            freeRmapItem(cur);
            cur = nxt;
        }
    }

    /**
     * Smart scan: a page that has failed to merge on several visits is skipped for a growing
     * number of passes (1, 2, 4, then 8).
     * @see "mm/ksm.c: should_skip_rmap_item"
     */
    private boolean shouldSkipRmapItem(int frame, int item) {
        if (!knobs.smartScan) {
            return false;
        }
        // Never skip pages that are already KSM: cmp_and_merge_page must still account them.
        if (store.hasFlag(frame, PageStore.F_KSM)) {
            return false;
        }
        int age = items.ageOf(item);
        if (age != 255) {
            items.age[item]++;
        }
        // Young pages are not skipped: they need their chance to go through the merge phases.
        if (age < 3) {
            return false;
        }
        if (items.remainingSkips[item] == 0) {
            items.remainingSkips[item] = (byte) skipAge(age);
            return false;
        }
        pagesSkipped++;
        items.remainingSkips[item]--;
        removeRmapItemFromTree(item);
        return true;
    }

    /** @see "mm/ksm.c: skip_age" */
    static int skipAge(int age) {
        if (age <= 3) return 1;
        if (age <= 5) return 2;
        if (age <= 8) return 4;
        return 8;
    }

    // ============================================================ cmp_and_merge_page

    /**
     * First see whether the page can merge into the stable tree; if not, compare its checksum
     * with the previous visit's and, if unchanged, look for an identical page in the unstable
     * tree (merging both into a new KSM page) or insert it there.
     * @see "mm/ksm.c: cmp_and_merge_page"
     */
    private void cmpAndMergePage(int frame, int item) {
        int stableNode = nodes.nodeOfFrame(frame);
        boolean maxPageSharingBypass = false;
        if (stableNode != NONE) {
            // Already a KSM page tracked by this rmap_item: nothing to do.
            if (items.isStable(item) && items.head(item) == stableNode) {
                return;
            }
            // A KSM page shared by fork: let it go over the sharing limit.
            if (!isPageSharingCandidate(stableNode, 0)) {
                maxPageSharingBypass = true;
            }
        } else {
            removeRmapItemFromTree(item);
            // The checksum changed since the last visit: the page is volatile; keep it out of
            // the unstable tree and do not waste time searching for it there.
            int cs = checksum.checksum32(store, frame);
            work.pagesChecksummed++;
            if (items.oldChecksum[item] != cs) {
                items.oldChecksum[item] = cs;
                return;
            }
            if (tryToMergeWithZeroPage(item, frame) == 0) {
                return;
            }
        }
        int kframe = stableTreeSearch(frame);
        removeRmapItemFromTree(item);
        if (kframe != NONE) {
            if (tryToMergeWithKsmPage(item, frame, kframe) == 0) {
                stableTreeAppend(item, nodes.nodeOfFrame(kframe), maxPageSharingBypass);
            }
            return;
        }
        int treeItem = unstableTreeSearchInsert(item, frame);
        if (treeItem != NONE) {
            int kf = tryToMergeTwoPages(item, frame, treeItem, treeFrame);
            if (kf != NONE) {
                int node = stableTreeInsert(kf);
                stableTreeAppend(treeItem, node, false);
                stableTreeAppend(item, node, false);
            }
        }
    }

    /** @see "mm/ksm.c: try_to_merge_with_zero_page" */
    private int tryToMergeWithZeroPage(int item, int frame) {
        if (knobs.useZeroPages && items.oldChecksum[item] == zeroChecksum) {
            Vma vma = findMergeableVma(item);
            if (vma == null) {
                return 0; // the VMA is out of date: nothing more to do
            }
            return tryToMergeOnePage(processOf(item), items.vpn[item], frame, PageStore.ZERO_FRAME);
        }
        return -1;
    }

    /**
     * Merges the page at {@code item} into {@code kframe}; with {@code kframe == NONE}, turns
     * the page itself into a KSM page (the first half of merging two pages).
     * @see "mm/ksm.c: try_to_merge_with_ksm_page"
     */
    private int tryToMergeWithKsmPage(int item, int frame, int kframe) {
        if (findMergeableVma(item) == null) {
            return -1;
        }
        int err = tryToMergeOnePage(processOf(item), items.vpn[item], frame, kframe);
        if (err != 0) {
            return err;
        }
        removeRmapItemFromTree(item);
        return 0;
    }

    /** @see "mm/ksm.c: try_to_merge_one_page, write_protect_page, replace_page" */
    private int tryToMergeOnePage(Process p, long vpn, int frame, int kframe) {
        if (frame == kframe) {
            return 0; // KSM page forked
        }
        if (!store.hasFlag(frame, PageStore.F_ANON)) {
            return -1;
        }
        long pte = p.pageTable().get(vpn);
        if (!PageTable.present(pte) || PageTable.frame(pte) != frame) {
            return -1; // page_vma_mapped_walk found nothing
        }
        if (PageTable.writable(pte)) {
            kernel.writeProtect(p, vpn);
            work.writeProtects++;
        }
        if (kframe == NONE) {
            // Upgrade the anonymous page to a KSM page; stable_tree_insert sets its node.
            store.setFlag(frame, PageStore.F_KSM);
            return 0;
        }
        work.bytesCompared += 2L * PageStore.PAGE_SIZE;
        if (!compare.same(store, frame, kframe)) {
            return -1;
        }
        if (kframe == PageStore.ZERO_FRAME) {
            kernel.replacePage(p, vpn, kframe, PageTable.KSM_ZERO);
            ksmZeroPages++;
            mmOf(p).zeroPages++;
        } else {
            kernel.replacePage(p, vpn, kframe, 0);
        }
        work.merges++;
        return 0;
    }

    /** @see "mm/ksm.c: try_to_merge_two_pages" */
    private int tryToMergeTwoPages(int item, int frame, int treeItem, int treeFrameArg) {
        int err = tryToMergeWithKsmPage(item, frame, NONE);
        if (err == 0) {
            err = tryToMergeWithKsmPage(treeItem, treeFrameArg, frame);
            // If that failed we have a KSM page with one pte pointing to it: break it.
            if (err != 0) {
                breakCow(item);
            }
        }
        return err == 0 ? frame : NONE;
    }

    /** @see "mm/ksm.c: break_cow" */
    private void breakCow(int item) {
        Vma vma = findMergeableVma(item);
        if (vma != null) {
            breakKsm(processOf(item), items.vpn[item]);
        }
    }

    /** Unshares a KSM page or KSM zero-page mapping by a write fault. @see "mm/ksm.c: break_ksm" */
    private void breakKsm(Process p, long vpn) {
        long pte = p.pageTable().get(vpn);
        if (!PageTable.present(pte)) {
            return;
        }
        int frame = PageTable.frame(pte);
        if (store.hasFlag(frame, PageStore.F_KSM) || (pte & PageTable.KSM_ZERO) != 0) {
            kernel.breakCow(p, vpn);
            work.cowCopies++;
        }
    }

    private Process processOf(int item) {
        return slotsById.get(items.slot[item]).mm.process;
    }

    /** @see "mm/ksm.c: find_mergeable_vma" */
    private Vma findMergeableVma(int item) {
        MmSlot slot = slotsById.get(items.slot[item]);
        if (slot.exiting) {
            return null;
        }
        Vma vma = slot.mm.process.findVma(items.vpn[item] << PageStore.PAGE_SHIFT);
        if (vma == null || !vma.isMergeable() || !vma.hasAnonVma()) {
            return null;
        }
        return vma;
    }

    /** The anonymous page an unstable-tree item still maps, or NONE. @see "mm/ksm.c: get_mergeable_page" */
    private int getMergeablePage(int item) {
        if (findMergeableVma(item) == null) {
            return NONE;
        }
        long pte = processOf(item).pageTable().get(items.vpn[item]);
        if (!PageTable.present(pte)) {
            return NONE;
        }
        int frame = PageTable.frame(pte);
        return store.hasFlag(frame, PageStore.F_ANON) ? frame : NONE;
    }

    /** memcmp_pages with the work charged: bytes read up to and including the first difference, both pages. */
    private int memcmpPages(int a, int b) {
        int at = compare.firstDifference(store.chunk(a), PageStore.offset(a), store.chunk(b), PageStore.offset(b));
        work.bytesCompared += 2L * (at < 0 ? PageStore.PAGE_SIZE : at + 1);
        return at < 0 ? 0 : compare.compare(store, a, b);
    }

    // ============================================================ the unstable tree

    /** The tree page found by the last {@link #unstableTreeSearchInsert}. */
    private int treeFrame;

    /**
     * Searches the unstable tree for a page identical to {@code frame}; inserts {@code item}
     * if there is none. A tree item whose page is gone aborts the search without inserting.
     * @see "mm/ksm.c: unstable_tree_search_insert"
     */
    private int unstableTreeSearchInsert(int item, int frame) {
        RbTree tree = items.unstable;
        int n = tree.root();
        int parent = RbTree.NIL;
        boolean asLeft = false;
        while (n != RbTree.NIL) {
            work.treeSteps++;
            int tf = getMergeablePage(n);
            if (tf == NONE) {
                return NONE;
            }
            // Don't substitute a KSM page for a forked page.
            if (tf == frame) {
                return NONE;
            }
            int ret = memcmpPages(frame, tf);
            parent = n;
            if (ret < 0) {
                n = tree.left(n);
                asLeft = true;
            } else if (ret > 0) {
                n = tree.right(n);
                asLeft = false;
            } else {
                treeFrame = tf;
                return n;
            }
        }
        items.flags[item] = (short) (RmapItems.UNSTABLE_FLAG | (seqnr & RmapItems.SEQNR_MASK));
        tree.link(item, parent, asLeft);
        pagesUnshared++;
        return NONE;
    }

    /** @see "mm/ksm.c: remove_rmap_item_from_tree" */
    private void removeRmapItemFromTree(int item) {
        short f = items.flags[item];
        if ((f & RmapItems.STABLE_FLAG) != 0) {
            int node = items.head(item);
            if (ksmGetFolio(node) == NONE) {
                return; // the stale node was removed with all its items
            }
            hlistDel(node, item);
            if (nodes.hlistHead[node] != NONE) {
                pagesSharing--;
            } else {
                pagesShared--;
            }
            mmOfItem(item).mergingPages--;
            nodes.rmapHlistLen[node]--;
            items.flags[item] = 0;
        } else if ((f & RmapItems.UNSTABLE_FLAG) != 0) {
            // Usually the tree was already reset at the start of this pass: erase only an item
            // inserted during this pass.
            int age = (int) ((seqnr - (f & RmapItems.SEQNR_MASK)) & RmapItems.SEQNR_MASK);
            if (age == 0) {
                items.unstable.erase(item);
            }
            pagesUnshared--;
            items.flags[item] = 0;
        }
    }

    // ============================================================ the stable tree

    /** Output of chain lookups: the dup chosen, and the node now at the walked position. */
    private int chainDup;
    private int chainNode;

    private boolean isPageSharingCandidate(int node, int offset) {
        int len = nodes.rmapHlistLen[node];
        return len != 0 && len + offset < knobs.maxPageSharing;
    }

    /**
     * The KSM page of a stable node, or NONE when the node is stale (its page was freed): the
     * stale node is then removed with its rmap_items' accounting, as the kernel does lazily.
     * @see "mm/ksm.c: ksm_get_folio"
     */
    private int ksmGetFolio(int node) {
        int frame = nodes.kpfn[node];
        if (frame == NONE || nodes.nodeOfFrame(frame) != node) {
            removeNodeFromStableTree(node);
            return NONE;
        }
        return frame;
    }

    /** @see "mm/ksm.c: remove_node_from_stable_tree" */
    private void removeNodeFromStableTree(int node) {
        for (int it = nodes.hlistHead[node]; it != NONE; it = items.hlistNext(it)) {
            if (items.hlistNext(it) != NONE) {
                pagesSharing--;
            } else {
                pagesShared--;
            }
            mmOfItem(it).mergingPages--;
            nodes.rmapHlistLen[node]--;
            items.flags[it] = 0;
        }
        nodes.hlistHead[node] = NONE;
        if (nodes.isDup(node)) {
            dupDel(node);
        } else {
            nodes.tree.erase(node);
        }
        int frame = nodes.kpfn[node];
        if (frame != NONE && nodes.nodeOfFrame(frame) == node) {
            nodes.setNodeOfFrame(frame, NONE);
        }
        nodes.free(node);
    }

    private void dupDel(int dup) {
        int chain = nodes.chain[dup];
        int prev = nodes.dupPrev[dup];
        int next = nodes.dupNext[dup];
        if (prev == NONE) {
            nodes.hlistHead[chain] = next;
        } else {
            nodes.dupNext[prev] = next;
        }
        if (next != NONE) {
            nodes.dupPrev[next] = prev;
        }
        nodes.chain[dup] = NONE;
        nodes.dupNext[dup] = NONE;
        nodes.dupPrev[dup] = NONE;
        stableNodeDups--;
    }

    /** hlist_add_head of a dup on its chain. @see "mm/ksm.c: stable_node_chain_add_dup" */
    private void chainAddDup(int dup, int chain) {
        nodes.chain[dup] = chain;
        int first = nodes.hlistHead[chain];
        nodes.dupNext[dup] = first;
        nodes.dupPrev[dup] = NONE;
        if (first != NONE) {
            nodes.dupPrev[first] = dup;
        }
        nodes.hlistHead[chain] = dup;
        stableNodeDups++;
    }

    /** @see "mm/ksm.c: alloc_stable_node_chain" */
    private int allocStableNodeChain(int dup) {
        int chain = nodes.allocate();
        nodes.rmapHlistLen[chain] = StableNodes.STABLE_NODE_CHAIN;
        nodes.chainPruneMillis[chain] = kernel.nowNanos() / 1_000_000;
        stableNodeChains++;
        nodes.tree.replace(dup, chain);
        chainAddDup(dup, chain);
        return chain;
    }

    /** @see "mm/ksm.c: free_stable_node_chain" */
    private void freeStableNodeChain(int chain) {
        nodes.tree.erase(chain);
        nodes.free(chain);
        stableNodeChains--;
    }

    /**
     * Picks the dup of a chain to merge into: the non-full dup with the most mappings (walking
     * all dups and pruning stale ones at most every stable_node_chains_prune_millisecs),
     * collapsing a chain left with one dup. Sets {@link #chainDup} and {@link #chainNode};
     * returns the dup's page, or NONE if the chain had to be freed.
     * @see "mm/ksm.c: stable_node_dup, __stable_node_chain"
     */
    private int stableNodeChain(int node, boolean prune) {
        chainNode = node;
        if (!nodes.isChain(node)) {
            chainDup = node;
            return ksmGetFolio(node);
        }
        long nowMs = kernel.nowNanos() / 1_000_000;
        if (!prune || nowMs < nodes.chainPruneMillis[node] + knobs.stableNodeChainsPruneMillis) {
            prune = false;
        } else {
            nodes.chainPruneMillis[node] = nowMs;
        }
        int found = NONE;
        int foundLen = 0;
        int treeFolio = NONE;
        for (int dup = nodes.hlistHead[node]; dup != NONE; ) {
            int nextDup = nodes.dupNext[dup];
            work.treeSteps++; // each dup examined is a ksm_get_folio and a cache miss, like a tree step
            int folio = ksmGetFolio(dup);
            if (folio != NONE) {
                if (found == NONE || (isPageSharingCandidate(dup, 0)
                        && (!isPageSharingCandidate(found, 0) || nodes.rmapHlistLen[dup] > foundLen))) {
                    found = dup;
                    foundLen = nodes.rmapHlistLen[dup];
                    treeFolio = folio;
                    if (!prune && isPageSharingCandidate(found, 0)) {
                        break;
                    }
                }
            }
            dup = nextDup;
        }
        if (found != NONE) {
            if (nodes.hlistHead[node] == found && nodes.dupNext[found] == NONE) {
                // One dup left below the limit: drop the chain, the dup takes its place.
                dupDel(found);
                nodes.tree.replace(node, found);
                nodes.free(node);
                stableNodeChains--;
                chainNode = found;
            } else if (nodes.hlistHead[node] != found && isPageSharingCandidate(found, 1)) {
                // A dup that can take one more merge goes to the head of the chain, so the
                // next search without pruning finds it first.
                dupDel(found);
                chainAddDup(found, node);
            }
        } else {
            freeStableNodeChain(node);
        }
        chainDup = found;
        return treeFolio;
    }

    /**
     * Searches the stable tree for a KSM page identical to {@code frame} that can take one
     * more mapping. Returns its frame, or NONE (also when every dup of that content is full:
     * the page must then find a partner in the unstable tree to make a new dup).
     * @see "mm/ksm.c: stable_tree_search"
     */
    private int stableTreeSearch(int frame) {
        if (nodes.nodeOfFrame(frame) != NONE) {
            return frame; // KSM page forked
        }
        again:
        while (true) {
            RbTree tree = nodes.tree;
            int n = tree.root();
            while (n != RbTree.NIL) {
                work.treeSteps++;
                int treeFolio = stableNodeChain(n, true);
                if (treeFolio == NONE) {
                    continue again; // walked over a stale node: the tree changed, restart
                }
                n = chainNode;
                int ret = memcmpPages(frame, treeFolio);
                if (ret < 0) {
                    n = tree.left(n);
                } else if (ret > 0) {
                    n = tree.right(n);
                } else {
                    if (!isPageSharingCandidate(chainDup, 0)) {
                        return NONE;
                    }
                    int kf = ksmGetFolio(chainDup);
                    if (kf == NONE) {
                        continue again;
                    }
                    return kf;
                }
            }
            return NONE;
        }
    }

    /**
     * Inserts a new KSM page: a new node, or a new dup of the chain for its content (making
     * the chain if the content had a single node).
     * @see "mm/ksm.c: stable_tree_insert"
     */
    private int stableTreeInsert(int kframe) {
        int parent;
        boolean asLeft;
        int match;
        again:
        while (true) {
            RbTree tree = nodes.tree;
            int n = tree.root();
            parent = RbTree.NIL;
            asLeft = false;
            match = NONE;
            while (n != RbTree.NIL) {
                work.treeSteps++;
                int treeFolio = stableNodeChain(n, false);
                if (treeFolio == NONE) {
                    continue again;
                }
                n = chainNode;
                int ret = memcmpPages(kframe, treeFolio);
                parent = n;
                if (ret < 0) {
                    n = tree.left(n);
                    asLeft = true;
                } else if (ret > 0) {
                    n = tree.right(n);
                    asLeft = false;
                } else {
                    match = n;
                    break;
                }
            }
            break;
        }
        int dup = nodes.allocate();
        nodes.kpfn[dup] = kframe;
        if (match == NONE) {
            nodes.tree.link(dup, parent, asLeft);
        } else {
            int chain = nodes.isChain(match) ? match : allocStableNodeChain(match);
            chainAddDup(dup, chain);
        }
        nodes.setNodeOfFrame(kframe, dup);
        return dup;
    }

    /** @see "mm/ksm.c: stable_tree_append" */
    private void stableTreeAppend(int item, int node, boolean maxPageSharingBypass) {
        nodes.rmapHlistLen[node]++;
        if (!maxPageSharingBypass && nodes.rmapHlistLen[node] > knobs.maxPageSharing) {
            throw new IllegalStateException("stable node " + node + " over max_page_sharing");
        }
        items.setHead(item, node);
        items.flags[item] = RmapItems.STABLE_FLAG;
        int first = nodes.hlistHead[node];
        items.setHlistNext(item, first);
        items.setHlistPrev(item, NONE);
        if (first != NONE) {
            items.setHlistPrev(first, item);
        }
        nodes.hlistHead[node] = item;
        if (first != NONE) {
            pagesSharing++;
        } else {
            pagesShared++;
        }
        mmOfItem(item).mergingPages++;
    }

    private void hlistDel(int node, int item) {
        int prev = items.hlistPrev(item);
        int next = items.hlistNext(item);
        if (prev == NONE) {
            nodes.hlistHead[node] = next;
        } else {
            items.setHlistNext(prev, next);
        }
        if (next != NONE) {
            items.setHlistPrev(next, prev);
        }
    }

    /** Removes every stable node whose page is no longer mapped (max_page_sharing, run=2). */
    void removeAllStableNodes() {
        List<Integer> all = new ArrayList<>();
        collect(nodes.tree.root(), all);
        for (int n : all) {
            if (nodes.isChain(n)) {
                for (int d = nodes.hlistHead[n]; d != NONE; ) {
                    int nd = nodes.dupNext[d];
                    removeStableNode(d);
                    d = nd;
                }
                if (nodes.hlistHead[n] == NONE) {
                    freeStableNodeChain(n);
                }
            } else {
                removeStableNode(n);
            }
        }
    }

    private void collect(int n, List<Integer> out) {
        if (n == RbTree.NIL) return;
        collect(nodes.tree.left(n), out);
        out.add(n);
        collect(nodes.tree.right(n), out);
    }

    /** @see "mm/ksm.c: remove_stable_node" */
    private void removeStableNode(int node) {
        int frame = ksmGetFolio(node);
        if (frame == NONE) {
            return;
        }
        if (store.mapcount(frame) == 0) {
            nodes.setNodeOfFrame(frame, NONE);
            removeNodeFromStableTree(node);
        }
    }

    // ============================================================ registration, unmerge, run

    private KsmMm mmOf(Process p) {
        KsmMm m = (KsmMm) p.mergerState();
        if (m == null) {
            m = new KsmMm(p);
            p.setMergerState(m);
        }
        return m;
    }

    private KsmMm mmOfItem(int item) {
        return slotsById.get(items.slot[item]).mm;
    }

    /** Registers an mm just behind the scan cursor (or at the tail while unmerging). @see "mm/ksm.c: __ksm_enter" */
    private void ksmEnter(Process p) {
        KsmMm mm = mmOf(p);
        if (mm.slot != null) {
            return;
        }
        MmSlot slot = new MmSlot(slotsById.size(), mm);
        slotsById.add(slot);
        mm.slot = slot;
        if (head.next == null) {
            head.next = head;
            head.prev = head;
        }
        MmSlot before = knobs.run == 2 ? head : scanSlot;
        // list_add_tail(new, &before->mm_node): insert just before `before`.
        slot.prev = before.prev;
        slot.next = before;
        before.prev.next = slot;
        before.prev = slot;
    }

    private void unlinkSlot(MmSlot slot) {
        slot.prev.next = slot.next;
        slot.next.prev = slot.prev;
        slot.mm.slot = null;
    }

    /** Unshares every KSM page and KSM zero page in [start, end). @see "mm/ksm.c: unmerge_ksm_pages" */
    private void unmergeKsmPages(Process p, long start, long end) {
        PageTable pt = p.pageTable();
        List<Long> vpns = new ArrayList<>();
        pt.forEachPresent(start >>> PageStore.PAGE_SHIFT, end >>> PageStore.PAGE_SHIFT, vpns::add);
        for (long vpn : vpns) {
            breakKsm(p, vpn);
        }
    }

    @Override
    public long madviseMergeable(Process p, Vma vma, long start, long end, int advice) {
        if (advice == VmFlags.MADV_MERGEABLE) {
            if (vma.isMergeable() || !VmFlags.ksmCompatible(vma.flags())) {
                return vma.flags();
            }
            ksmEnter(p);
            return vma.flags() | VmFlags.VM_MERGEABLE;
        }
        if (!vma.isMergeable()) {
            return vma.flags(); // just ignore the advice
        }
        if (vma.hasAnonVma()) {
            unmergeKsmPages(p, start, end);
        }
        return vma.flags() & ~VmFlags.VM_MERGEABLE;
    }

    @Override
    public void prctlMergeAny(Process p, boolean enable) {
        if (enable) {
            ksmEnter(p);
        } else {
            unmergeMergeableVmas(p);
        }
    }

    /** Unmerges every KSM page of the process's VM_MERGEABLE VMAs (ksm_del_vmas; run=2 per mm). */
    private void unmergeMergeableVmas(Process p) {
        for (Vma v : p.vmas()) {
            if (v.isMergeable() && v.hasAnonVma()) {
                unmergeKsmPages(p, v.start(), v.end());
            }
        }
    }

    @Override
    public void forked(Process parent, Process child) {
        KsmMm pm = (KsmMm) parent.mergerState();
        if (pm != null && pm.slot != null) {
            ksmEnter(child); // ksm_fork: rmap_items are not copied; the child's counters start at 0
        }
    }

    @Override
    public void exiting(Process p) {
        KsmMm mm = (KsmMm) p.mergerState();
        if (mm == null || mm.slot == null) {
            return;
        }
        MmSlot slot = mm.slot;
        if (scanSlot != slot && slot.rmapHead == NONE) {
            unlinkSlot(slot);
            return;
        }
        slot.exiting = true;
        if (scanSlot != slot) {
            // list_move to just after the cursor, so ksmd frees its rmap_items soon.
            slot.prev.next = slot.next;
            slot.next.prev = slot.prev;
            slot.prev = scanSlot;
            slot.next = scanSlot.next;
            scanSlot.next.prev = slot;
            scanSlot.next = slot;
        }
    }

    /** ksm_execve: a process that had merge-any keeps it across exec, and its new mm is registered. */
    @Override
    public void execed(Process p) {
        if (p.mergeAny()) {
            ksmEnter(p);
        }
    }

    @Override
    public void beforeMove(Process p, Vma vma, long start, long end) {
        // move_vma: KSM pages must be unmerged before the ptes move (the VMA keeps VM_MERGEABLE).
        if (vma.isMergeable() && vma.hasAnonVma()) {
            unmergeKsmPages(p, start, end);
        }
    }

    @Override
    public void ksmZeroPteRemoved(Process p, long vpn) {
        ksmZeroPages--;
        mmOf(p).zeroPages--;
    }

    @Override
    public void mergedPageCopied(Process p, long vpn, int oldFrame) {
        if (store.hasFlag(oldFrame, PageStore.F_KSM)) {
            cowOnKsmPages++;
        }
    }

    @Override
    public void frameFreed(int frame, int flags) {
        // The stable node (if any) goes stale; ksmd notices on its next look (ksm_get_folio).
        if ((flags & PageStore.F_KSM) != 0 && nodes.nodeOfFrame(frame) != NONE) {
            nodes.setNodeOfFrame(frame, NONE);
        }
    }

    /** Writes sysfs run. @see "mm/ksm.c: run_store" */
    void setRun(int value) {
        if (value == knobs.run) {
            return;
        }
        knobs.run = value;
        if (value == 2) {
            unmergeAndRemoveAllRmapItems();
        }
    }

    /** run=2. @see "mm/ksm.c: unmerge_and_remove_all_rmap_items" */
    private void unmergeAndRemoveAllRmapItems() {
        if (head.next == null) {
            return;
        }
        scanSlot = head.next;
        for (MmSlot slot = scanSlot; slot != head; slot = scanSlot) {
            if (!slot.exiting) {
                unmergeMergeableVmas(slot.mm.process);
            }
            removeTrailingRmapItems(slot, NONE);
            scanSlot = slot.next;
            if (slot.exiting) {
                unlinkSlot(slot);
            }
        }
        removeAllStableNodes();
        seqnr = 0;
    }

    // ============================================================ counters

    /** Counters that must hold still for --until-stable (the kernel selftests' notion of merged). */
    public static final List<String> STABILITY = List.of("pages_shared", "pages_sharing", "pages_unshared", "ksm_zero_pages");

    @Override
    public void counters(Map<String, Long> c) {
        long rmapItems = items.count;
        c.put("pages_shared", pagesShared);
        c.put("pages_sharing", pagesSharing);
        c.put("pages_unshared", pagesUnshared);
        c.put("pages_volatile", Math.max(0, rmapItems - pagesShared - pagesSharing - pagesUnshared));
        c.put("pages_scanned", pagesScanned);
        c.put("pages_skipped", pagesSkipped);
        c.put("full_scans", seqnr);
        c.put("ksm_zero_pages", ksmZeroPages);
        c.put("general_profit", (pagesSharing + ksmZeroPages) * PageStore.PAGE_SIZE - rmapItems * KERNEL_RMAP_ITEM_BYTES);
        c.put("stable_node_chains", stableNodeChains);
        c.put("stable_node_dups", stableNodeDups);
        c.put("rmap_items", rmapItems);
        c.put("pages_to_scan", knobs.pagesToScan);
        c.put("ksmd_cpu_ns", ksmdCpuNanos);
        c.put("cow_on_ksm_pages", cowOnKsmPages);
        c.put("tracking_bytes", rmapItems * RmapItems.bytesPerItem() + nodes.count * StableNodes.bytesPerNode());
        c.put("tracking_bytes_per_rmap_item", (long) RmapItems.bytesPerItem());
    }

    @Override
    public void finalDetails(Map<String, Object> into) {
        Map<String, Object> stats = new LinkedHashMap<>();
        for (Process p : kernel.processes()) {
            stats.put(Integer.toString(p.pid()), ksmStat(p));
        }
        into.put("ksm_stat", stats);
    }

    /** /proc/PID/ksm_stat of a live process. */
    public Map<String, Long> ksmStat(Process p) {
        KsmMm mm = (KsmMm) p.mergerState();
        long rmap = mm == null ? 0 : mm.rmapItems;
        long merging = mm == null ? 0 : mm.mergingPages;
        long zero = mm == null ? 0 : mm.zeroPages;
        boolean mergeable = false;
        for (Vma v : p.vmas()) {
            mergeable |= v.isMergeable();
        }
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("ksm_rmap_items", rmap);
        m.put("ksm_zero_pages", zero);
        m.put("ksm_merging_pages", merging);
        m.put("ksm_process_profit", (merging + zero) * PageStore.PAGE_SIZE - rmap * KERNEL_RMAP_ITEM_BYTES);
        m.put("ksm_merge_any", p.mergeAny() ? 1L : 0L);
        m.put("ksm_mergeable", mergeable ? 1L : 0L);
        return m;
    }
}
