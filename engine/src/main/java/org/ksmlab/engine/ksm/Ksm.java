package org.ksmlab.engine.ksm;

import static org.ksmlab.engine.ksm.RmapItems.NONE;
import static org.ksmlab.engine.ksm.RmapItems.NO_ITEM;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ksmlab.engine.cost.CostModel;
import org.ksmlab.engine.cost.WorkCounts;
import org.ksmlab.engine.memory.PageStore;
import org.ksmlab.engine.mm.Daemon;
import org.ksmlab.engine.mm.Errno;
import org.ksmlab.engine.mm.Kernel;
import org.ksmlab.engine.mm.Merger;
import org.ksmlab.engine.mm.MergerServices;
import org.ksmlab.engine.mm.PageTable;
import org.ksmlab.engine.mm.Process;
import org.ksmlab.engine.mm.SyscallException;
import org.ksmlab.engine.mm.Vma;
import org.ksmlab.engine.mm.VmFlags;

/**
 * KSM: ksmd and the madvise/prctl/fork/exit paths of mm/ksm.c, in virtual time; the merger the
 * kernel model sees.
 *
 * <p>ksmd wakes, scans a batch of {@code pages_to_scan} present anonymous pages of the
 * registered mms ({@link #ksmDoScan}), is charged the modelled CPU time of that work, and
 * sleeps {@code sleep_millisecs}. Every page visit runs {@link #cmpAndMergePage}, which reads
 * like the kernel function it models, with the try_to_merge family below it. The parts it
 * drives are those of mm/ksm.c: the scan cursor over the mm_slot list ({@link KsmScan}), the
 * stable tree with its chains and dups ({@link StableTree}), the unstable tree
 * ({@link UnstableTree}), the counters ({@link KsmCounters}), ksmd's time and the advisor
 * ({@link Ksmd}) and the sysfs values ({@link KsmKnobs}). See the package documentation for the
 * algorithm and for where this model departs from the kernel.
 */
public final class Ksm implements Merger, Daemon {
    /** Counters that must hold still for --until-stable (the kernel selftests' notion of merged). */
    public static final List<String> STABILITY = List.of("pages_shared", "pages_sharing", "pages_unshared", "ksm_zero_pages");
    /**
     * The saving among them: pages_unshared is tracking (pages waiting in the unstable tree), and a
     * periodic writer can keep it cycling for ever while the saving holds.
     */
    public static final List<String> SAVING = List.of("pages_shared", "pages_sharing", "ksm_zero_pages");

    private final KsmKnobs knobs = new KsmKnobs();
    private final KsmCounters counters = new KsmCounters();
    private final RmapItems items = new RmapItems();
    /** The work every part of KSM does, which {@link Ksmd} turns into CPU time. */
    private final WorkCounts work = new WorkCounts();
    private final Ksmd ksmd;
    /** What may merge: in-tree KSM, or one of the defences modelled as its variants. */
    private final MergePolicy policy;
    /** The sysfs writes given at construction, applied in order when the kernel attaches. */
    private Map<String, String> pendingWrites;

    // The parts that read pages, made when the kernel (and its page store) attaches.
    private Kernel kernel;
    private MergerServices services;
    private PageStore store;
    private KsmPages pages;
    private StableTree stable;
    private UnstableTree unstable;
    private KsmScan scan;
    /** Warms the trees' cache lines ahead of the scan (symbolic mode; changes no result), or null. */
    private TreePrefetch prefetch;
    /** Model speed only: -Dksmlab.treePrefetch=false turns {@link TreePrefetch} off (tests compare both). */
    static boolean TREE_PREFETCH = !"false".equals(System.getProperty("ksmlab.treePrefetch"));

    /**
     * KSM with the given sysfs writes (applied in order when the kernel attaches; {@code run=1}
     * is added unless a run write is given: the model's ksm starts with ksmd running, where sysfs
     * boots with run=0) and the CPU cost model of ksmd's work.
     */
    public Ksm(Map<String, String> knobWrites, CostModel costs) {
        this(knobWrites, costs, MergePolicy.UNRESTRICTED);
    }

    /**
     * A KSM variant that merges what {@code policy} allows (see {@link MergePolicy}); the
     * zero-pages-only variant starts with {@code use_zero_pages=1} unless the writes set it.
     */
    public Ksm(Map<String, String> knobWrites, CostModel costs, MergePolicy policy) {
        this.ksmd = new Ksmd(costs, work);
        this.policy = policy;
        Map<String, String> writes = new LinkedHashMap<>();
        if (policy == MergePolicy.ZERO_PAGES_ONLY && !knobWrites.containsKey("use_zero_pages")) {
            writes.put("use_zero_pages", "1");
        }
        writes.putAll(knobWrites);
        if (!writes.containsKey("run")) {
            writes.put("run", "1");
        }
        this.pendingWrites = writes;
    }

    @Override
    public String name() {
        return policy.algorithmName();
    }

    @Override
    public void attach(Kernel k) {
        this.kernel = k;
        this.services = k.mergerServices();
        this.store = k.store();
        this.pages = new KsmPages(store, work);
        this.stable = new StableTree(items, counters, knobs, pages, store, work);
        this.unstable = new UnstableTree(items, counters, pages, store, work);
        this.scan = new KsmScan(items, stable, unstable, counters, knobs, ksmd, store, work);
        ksmd.configure(k.config());
        if (policy.partitionsByDomain()) {
            stable.partitionByDomain();
        }
        this.prefetch = pages.identities && !policy.partitionsByDomain() && TREE_PREFETCH
                ? new TreePrefetch(items, stable.nodes, unstable.tree(), UnstableTree.ITEM, store) : null;
        pendingWrites.forEach(this::writeKnob);
        pendingWrites = null;
    }

    /** Pages {@link TreePrefetch} walked the trees for ahead of the scan (0 when it is off). */
    long prefetchedPages() {
        return prefetch == null ? 0 : prefetch.pagesWalked;
    }

    /** The sysfs knobs' current values (write them with {@link #writeKnob}). */
    public KsmKnobs knobs() {
        return knobs;
    }

    Advisor advisor() {
        return ksmd.advisor();
    }

    // ============================================================ sysfs writes

    /**
     * A write to /sys/kernel/mm/ksm/{@code knob}, e.g. {@code writeKnob("max_page_sharing", "2")},
     * with the kernel's answer to a bad value ({@link SyscallException} with EINVAL or EBUSY).
     * Needs the kernel attached (the knobs given at construction wait for it).
     */
    @Override
    public void writeKnob(String knob, String text) {
        if (kernel == null) {
            throw new IllegalStateException("ksm knob " + knob + " written before the kernel attached");
        }
        String v = text.trim();
        switch (knob) {
            case "run" -> setRun(KsmKnobs.parseRun(v));
            case "max_page_sharing" -> setMaxPageSharing(KsmKnobs.parseMaxPageSharing(v));
            case "merge_across_nodes" -> setMergeAcrossNodes(KsmKnobs.parseMergeAcrossNodes(v));
            case "advisor_mode" -> setAdvisorMode(KsmKnobs.parseAdvisorScanTime(v));
            case "sleep_millisecs" -> setSleepMillis(v);
            default -> knobs.set(knob, v);
        }
    }

    /** run=2 unmerges everything and frees every rmap_item. @see "mm/ksm.c: run_store" */
    private void setRun(int value) {
        if (value == knobs.run) {
            return;
        }
        knobs.run = value;
        if (value == 2) {
            scan.removeAllRmapItems(this::unmergeMergeableVmas);
        }
    }

    /** A changed value wakes ksmd from its sleep. @see "mm/ksm.c: sleep_millisecs_store" */
    private void setSleepMillis(String v) {
        long before = knobs.sleepMillis;
        knobs.set("sleep_millisecs", v);
        if (knobs.sleepMillis != before) {
            ksmd.sleepChanged(kernel.nowNanos(), knobs.sleepMillis);
        }
    }

    /** Only while nothing is shared; the (unmapped) stable nodes are dropped first. @see "mm/ksm.c: max_page_sharing_store" */
    private void setMaxPageSharing(int m) {
        if (m == knobs.maxPageSharing) {
            return;
        }
        if (counters.pagesShared() > 0) {
            throw new SyscallException(Errno.EBUSY, "max_page_sharing cannot change while pages_shared > 0 (write run=2 first)");
        }
        stable.removeAllStableNodes();
        knobs.maxPageSharing = m;
    }

    /** @see "mm/ksm.c: merge_across_nodes_store" */
    private void setMergeAcrossNodes(int m) {
        if (m == knobs.mergeAcrossNodes) {
            return;
        }
        if (counters.pagesShared() > 0) {
            throw new SyscallException(Errno.EBUSY, "merge_across_nodes cannot change while pages_shared > 0");
        }
        knobs.mergeAcrossNodes = m;
    }

    /** Entering scan-time starts at advisor_min_pages_to_scan, leaving it restores 100. @see "mm/ksm.c: advisor_mode_store" */
    private void setAdvisorMode(boolean scanTime) {
        if (scanTime != knobs.advisorScanTime) {
            knobs.advisorScanTime = scanTime;
            ksmd.advisor().reset(); // set_advisor_defaults + advisor_ctx = {}
            knobs.pagesToScan = scanTime ? knobs.advisorMinPagesToScan : 100;
        }
    }

    // ============================================================ ksmd

    private boolean ksmdShouldRun() {
        return knobs.run == 1 && scan.hasMms();
    }

    @Override
    public long nextWakeNanos() {
        return ksmdShouldRun() ? Math.max(ksmd.nextWakeNanos(), kernel.nowNanos()) : Long.MAX_VALUE;
    }

    @Override
    public void wake(Kernel k) {
        ksmd.startBatch(k.nowNanos());
        ksmDoScan(knobs.pagesToScan);
        ksmd.endBatch(knobs.sleepMillis);
    }

    @Override
    public long lastBatchEndNanos() {
        return ksmd.batchEndNanos();
    }

    @Override
    public boolean passCompleted() {
        return ksmd.passCompleted();
    }

    @Override
    public long fullScans() {
        return scan.seqnr();
    }

    /** Modelled ksmd CPU time so far. */
    public long ksmdCpuNanos() {
        return ksmd.cpuNanos();
    }

    /**
     * A copy of the work KSM has done so far, by kind of operation (what its CPU time is computed
     * from): kernel-check fits the per-operation costs to the live kernel's ksmd with it.
     */
    public WorkCounts workCounts() {
        WorkCounts copy = new WorkCounts();
        copy.add(work);
        return copy;
    }

    /** @see "mm/ksm.c: ksm_do_scan" */
    private void ksmDoScan(long scanNpages) {
        while (scanNpages-- > 0) {
            if (prefetch != null && scan.pastLookAhead()) {
                prefetch.walk(scan.upcomingPages(prefetch.frames(), TreePrefetch.MAX_VISITS));
            }
            long next = scan.nextRmapItem();
            if (next == NO_ITEM) {
                return; // end of a pass, or nothing to scan: the rest of the batch is forfeit
            }
            cmpAndMergePage(RmapItems.pageOf(next), RmapItems.itemOf(next));
            counters.pageScanned();
        }
    }

    // ============================================================ cmp_and_merge_page

    /**
     * First see whether the page can merge into the stable tree; if not, compare its checksum
     * with the previous visit's and, if unchanged, look for an identical page in the unstable
     * tree (merging both into a new KSM page) or insert it there.
     * @see "mm/ksm.c: cmp_and_merge_page"
     */
    private void cmpAndMergePage(int frame, int item) {
        // Already a KSM page tracked by this rmap_item: nothing to do.
        if (stable.isMappingOf(item, frame)) {
            return;
        }
        int stableNode = stable.nodeOfFrame(frame);
        boolean maxPageSharingBypass = false;
        if (stableNode != NONE) {
            // A KSM page shared by fork: let it go over the sharing limit.
            if (!stable.isPageSharingCandidate(stableNode, 0)) {
                maxPageSharingBypass = true;
            }
        } else {
            scan.removeRmapItemFromTree(item);
            // The checksum changed since the last visit: the page is volatile; keep it out of
            // the unstable tree and do not waste time searching for it there.
            int cs = pages.calcChecksum(frame);
            int old = items.oldChecksum(item);
            if (old != cs) {
                if (old != 0) {
                    work.volatilePages++; // rewritten since the last visit (0: a new rmap_item)
                }
                items.setOldChecksum(item, cs);
                return;
            }
            if (tryToMergeWithZeroPage(item, frame) == 0) {
                return;
            }
            if (!policy.mergesNonZeroPages()) {
                return; // ksm-zero-only: a non-zero page is never searched for nor inserted
            }
        }
        long nowMillis = kernel.nowNanos() / 1_000_000;
        int domain = policy.partitionsByDomain() ? processOf(item).domain() : StableTree.ANY_DOMAIN;
        int kframe = stable.search(frame, domain, nowMillis);
        scan.removeRmapItemFromTree(item);
        if (kframe != NONE) {
            if (tryToMergeWithKsmPage(item, frame, kframe) == 0) {
                stable.append(item, stable.nodeOfFrame(kframe), maxPageSharingBypass);
            }
            return;
        }
        long tree = unstable.searchInsert(item, frame, domain, scan.seqnr());
        if (tree != NO_ITEM) {
            int treeItem = RmapItems.itemOf(tree);
            int kf = tryToMergeTwoPages(item, frame, treeItem, RmapItems.pageOf(tree));
            if (kf != NONE) {
                int node = stable.insert(kf, items.oldChecksum(item), domain, nowMillis);
                stable.append(treeItem, node, false);
                stable.append(item, node, false);
            }
        } else if (policy.fakeMerges() && items.isUnstable(item)) {
            fakeMerge(item, frame, domain, nowMillis);
        }
    }

    /**
     * ksm-fake-merge: the page just went into the unstable tree with no twin; instead it becomes a
     * KSM page of its own (write-protected, one mapping, in the stable tree), as if it had merged,
     * so a write to it now faults and copies exactly as a write to a merged page would. A later
     * equal page then merges with it through the stable tree. Not a kernel path (see
     * {@link MergePolicy#FAKE_MERGE}).
     */
    private void fakeMerge(int item, int frame, int domain, long nowMillis) {
        scan.removeRmapItemFromTree(item); // out of the unstable tree (pages_unshared--)
        if (tryToMergeWithKsmPage(item, frame, NONE) == 0) {
            stable.append(item, stable.insert(frame, items.oldChecksum(item), domain, nowMillis), false);
        }
    }

    /** 0 when merged with the zero page (or nothing more to do), -1 to go on. @see "mm/ksm.c: try_to_merge_with_zero_page" */
    private int tryToMergeWithZeroPage(int item, int frame) {
        if (knobs.useZeroPages && items.oldChecksum(item) == pages.zeroChecksum) {
            Vma vma = items.mmSlot(item).findMergeableVma(items.vpn(item));
            if (vma == null) {
                return 0; // the VMA is out of date: nothing more to do
            }
            return tryToMergeOnePage(processOf(item), items.vpn(item), frame, PageStore.ZERO_FRAME);
        }
        return -1;
    }

    /**
     * Merges the page at {@code item} into {@code kframe}; with {@code kframe == NONE}, turns
     * the page itself into a KSM page (the first half of merging two pages).
     * @see "mm/ksm.c: try_to_merge_with_ksm_page"
     */
    private int tryToMergeWithKsmPage(int item, int frame, int kframe) {
        if (items.mmSlot(item).findMergeableVma(items.vpn(item)) == null) {
            return -1;
        }
        int err = tryToMergeOnePage(processOf(item), items.vpn(item), frame, kframe);
        if (err != 0) {
            return err;
        }
        scan.removeRmapItemFromTree(item);
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
            services.writeProtect(p, vpn);
            work.writeProtects++;
        }
        if (kframe == NONE) {
            // Upgrade the anonymous page to a KSM page; stable_tree_insert sets its node.
            store.setFlag(frame, PageStore.F_KSM);
            return 0;
        }
        if (!pages.pagesIdentical(frame, kframe)) {
            return -1;
        }
        if (kframe == PageStore.ZERO_FRAME) {
            services.replacePage(p, vpn, kframe, PageTable.KSM_ZERO);
            counters.zeroPageMerged(KsmMm.of(p).counters);
        } else {
            services.replacePage(p, vpn, kframe, 0);
        }
        work.merges++;
        return 0;
    }

    /** The KSM page made of both, or NONE (then neither stays merged). @see "mm/ksm.c: try_to_merge_two_pages" */
    private int tryToMergeTwoPages(int item, int frame, int treeItem, int treeFrame) {
        int err = tryToMergeWithKsmPage(item, frame, NONE);
        if (err == 0) {
            err = tryToMergeWithKsmPage(treeItem, treeFrame, frame);
            // If that failed we have a KSM page with one pte pointing to it: break it.
            if (err != 0) {
                breakCow(item);
            }
        }
        return err == 0 ? frame : NONE;
    }

    /** @see "mm/ksm.c: break_cow" */
    private void breakCow(int item) {
        Vma vma = items.mmSlot(item).findMergeableVma(items.vpn(item));
        if (vma != null) {
            breakKsm(processOf(item), items.vpn(item));
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
            services.breakCow(p, vpn);
            work.cowCopies++;
        }
    }

    private Process processOf(int item) {
        return items.mmSlot(item).mm.process;
    }

    // ============================================================ registration and unmerging

    /** Registers the process's mm with ksmd (a no-op when it is registered). @see "mm/ksm.c: __ksm_enter" */
    /**
     * A merge-any process mapped a new VM_MERGEABLE VMA: its mm is entered again if ksmd had
     * dropped it (nothing mergeable was left).
     * @see "mm/ksm.c: ksm_add_vma, __ksm_enter"
     */
    @Override
    public void vmaAdded(Process p, Vma vma) {
        if (p.mergeAny()) {
            ksmEnter(p);
        }
    }

    private void ksmEnter(Process p) {
        scan.enter(KsmMm.of(p));
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

    /** Unmerges every KSM page of the process's VM_MERGEABLE VMAs (ksm_del_vmas; run=2 per mm). */
    private void unmergeMergeableVmas(Process p) {
        for (Vma v : p.vmas()) {
            if (v.isMergeable() && v.hasAnonVma()) {
                unmergeKsmPages(p, v.start(), v.end());
            }
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

    @Override
    public void forked(Process parent, Process child) {
        KsmMm pm = KsmMm.ifAny(parent);
        if (pm != null && pm.slot != null) {
            ksmEnter(child); // ksm_fork: rmap_items are not copied; the child's counters start at 0
        }
    }

    @Override
    public void exiting(Process p) {
        KsmMm mm = KsmMm.ifAny(p);
        if (mm != null && mm.slot != null) {
            scan.exit(mm);
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
        counters.zeroPageUnmerged(KsmMm.of(p).counters);
    }

    @Override
    public void mergedPageCopied(Process p, long vpn, int oldFrame) {
        if (store.hasFlag(oldFrame, PageStore.F_KSM)) {
            counters.cowOnKsmPage();
        }
    }

    @Override
    public void frameFreed(int frame, int flags) {
        if ((flags & PageStore.F_KSM) != 0) {
            stable.frameFreed(frame);
        }
    }

    // ============================================================ counters

    @Override
    public void counters(Map<String, Long> c) {
        long rmapItems = items.count;
        long trackingBytes = rmapItems * RmapItems.bytesPerItem() + stable.trackingBytes() + unstable.trackingBytes();
        counters.report(c, rmapItems, scan.seqnr(), knobs.pagesToScan, ksmd.cpuNanos(), trackingBytes);
    }

    @Override
    public void finalDetails(Map<String, Object> into) {
        Map<String, Object> stats = new LinkedHashMap<>();
        for (Process p : kernel.processes()) {
            stats.put(Integer.toString(p.pid()), ksmStat(p));
        }
        into.put("ksm_stat", stats);
    }

    /**
     * Mappings of KSM pages that rmap_walk_ksm would not find: it walks the stable node's
     * rmap_items and, for each, the VMAs at the item's address in the item's mm and the mms
     * forked from it (they share its anon_vma). A KSM page moved without unmerging
     * ({@code kernel.mremap_unmerge=0}) is mapped at an address no rmap_item has, until ksmd
     * visits the new address.
     * @see "mm/ksm.c: rmap_walk_ksm"
     */
    @Override
    public long rmapUnreachable() {
        long[] missing = {0};
        for (Process p : kernel.processes()) {
            var pt = p.pageTable();
            for (Vma v : p.vmas()) {
                pt.forEachPresent(v.start() >>> org.ksmlab.engine.memory.PageStore.PAGE_SHIFT,
                        v.end() >>> org.ksmlab.engine.memory.PageStore.PAGE_SHIFT, vpn -> {
                    int frame = org.ksmlab.engine.mm.PageTable.frame(pt.get(vpn));
                    if (!kernel.store().hasFlag(frame, org.ksmlab.engine.memory.PageStore.F_KSM)) {
                        return;
                    }
                    int node = stable.nodeOfFrame(frame);
                    boolean found = false;
                    for (int it = node < 0 ? RmapItems.NONE : stable.hlistFirst(node); it != RmapItems.NONE && !found; it = items.hlistNext(it)) {
                        found = items.vpn(it) == vpn && isSelfOrAncestor(items.mmSlot(it).mm.process, p);
                    }
                    if (!found) {
                        missing[0]++;
                    }
                });
            }
        }
        return missing[0];
    }

    /** Whether {@code a} is {@code p} or an ancestor of it (their VMAs share a's anon_vma). */
    private boolean isSelfOrAncestor(Process a, Process p) {
        if (a == p) {
            return true;
        }
        java.util.Map<Integer, Process> byPid = new java.util.HashMap<>();
        for (Process q : kernel.processes()) {
            byPid.put(q.pid(), q);
        }
        for (Process q = byPid.get(p.parentPid()); q != null; q = byPid.get(q.parentPid())) {
            if (q == a) {
                return true;
            }
        }
        return false;
    }

    /** Frees the rmap_items and both trees (off the heap); the merger is not used after. */
    @Override
    public void close() {
        if (kernel != null) {
            stable.close();
            unstable.close();
        }
        items.close();
    }

    /** /proc/PID/ksm_stat of a live process. */
    public Map<String, Long> ksmStat(Process p) {
        KsmMm mm = KsmMm.ifAny(p);
        boolean mergeable = false;
        for (Vma v : p.vmas()) {
            mergeable |= v.isMergeable();
        }
        return KsmCounters.ksmStat(mm == null ? null : mm.counters, p.mergeAny(), mergeable);
    }
}
