package org.ksmlab.engine.ksm;

import java.util.LinkedHashMap;
import java.util.Map;
import org.ksmlab.engine.memory.PageStore;

/**
 * KSM's counters: the global ones of /sys/kernel/mm/ksm and the per-mm ones of
 * /proc/PID/ksm_stat. They change only through the methods below, each named for the event
 * that changes them in mm/ksm.c, so every counter has one place that moves it. The derived
 * figures (pages_volatile, general_profit, ksm_process_profit) are computed from these the way
 * the kernel computes them ({@link #report}, {@link #ksmStat}).
 */
final class KsmCounters {
    /** sizeof(struct ksm_rmap_item) on 64-bit: what general_profit charges per rmap_item. */
    static final int KERNEL_RMAP_ITEM_BYTES = 64;

    /** KSM pages (stable nodes and dups) with at least one mapping. */
    private long pagesShared;
    /** Mappings of KSM pages beyond each page's first: pages saved. */
    private long pagesSharing;
    /** rmap_items in the unstable tree (counted until their next visit, as the kernel's lazy fix-up). */
    private long pagesUnshared;
    /** Pages handed to cmp_and_merge_page; cumulative. */
    private long pagesScanned;
    /** Pages smart scan skipped; cumulative. */
    private long pagesSkipped;
    private long stableNodeChains;
    private long stableNodeDups;
    /** Ptes KSM mapped to the zero page (use_zero_pages). */
    private long ksmZeroPages;
    /** COW faults on KSM pages after merging (merge-then-break churn); not a sysfs counter. */
    private long cowOnKsmPages;

    /** One mm's counters (mm->ksm_rmap_items, ksm_merging_pages, ksm_zero_pages). */
    static final class PerMm {
        private long rmapItems;
        /** rmap_items of this mm in the stable tree, the first mapping of a KSM page included. */
        private long mergingPages;
        private long zeroPages;
    }

    long pagesShared() {
        return pagesShared;
    }

    /** get_next_rmap_item allocated an item for the mm. */
    void rmapItemAllocated(PerMm mm) {
        mm.rmapItems++;
    }

    /** An item was freed (free_rmap_item). */
    void rmapItemFreed(PerMm mm) {
        mm.rmapItems--;
    }

    /** stable_tree_append: the item joined a node's hlist; the node's first item makes it shared. */
    void stableItemAdded(PerMm mm, boolean firstOfNode) {
        if (firstOfNode) {
            pagesShared++;
        } else {
            pagesSharing++;
        }
        mm.mergingPages++;
    }

    /** An item left a node's hlist; the node's last item takes the shared page with it. */
    void stableItemRemoved(PerMm mm, boolean lastOfNode) {
        if (lastOfNode) {
            pagesShared--;
        } else {
            pagesSharing--;
        }
        mm.mergingPages--;
    }

    /** unstable_tree_search_insert inserted the item. */
    void unstableItemAdded() {
        pagesUnshared++;
    }

    /** remove_rmap_item_from_tree found the item marked UNSTABLE (the tree itself may be long gone). */
    void unstableItemRemoved() {
        pagesUnshared--;
    }

    void pageScanned() {
        pagesScanned++;
    }

    void pageSkipped() {
        pagesSkipped++;
    }

    void chainAdded() {
        stableNodeChains++;
    }

    void chainRemoved() {
        stableNodeChains--;
    }

    void dupAdded() {
        stableNodeDups++;
    }

    void dupRemoved() {
        stableNodeDups--;
    }

    /** A pte was mapped to the zero page by KSM. */
    void zeroPageMerged(PerMm mm) {
        ksmZeroPages++;
        mm.zeroPages++;
    }

    /** A KSM zero-page pte went away (zapped or COW'd): the kernel drops the count at once. */
    void zeroPageUnmerged(PerMm mm) {
        ksmZeroPages--;
        mm.zeroPages--;
    }

    void cowOnKsmPage() {
        cowOnKsmPages++;
    }

    /**
     * The counters as sysfs names them, plus the model's own, in a fixed order:
     * pages_volatile = rmap_items − shared − sharing − unshared (floored at 0) and
     * general_profit = (pages_sharing + ksm_zero_pages)·4096 − rmap_items·64, as the kernel.
     */
    void report(Map<String, Long> c, long rmapItems, long fullScans, long pagesToScan, long ksmdCpuNanos, long trackingBytes) {
        c.put("pages_shared", pagesShared);
        c.put("pages_sharing", pagesSharing);
        c.put("pages_unshared", pagesUnshared);
        c.put("pages_volatile", Math.max(0, rmapItems - pagesShared - pagesSharing - pagesUnshared));
        c.put("pages_scanned", pagesScanned);
        c.put("pages_skipped", pagesSkipped);
        c.put("full_scans", fullScans);
        c.put("ksm_zero_pages", ksmZeroPages);
        c.put("general_profit", (pagesSharing + ksmZeroPages) * PageStore.PAGE_SIZE - rmapItems * KERNEL_RMAP_ITEM_BYTES);
        c.put("stable_node_chains", stableNodeChains);
        c.put("stable_node_dups", stableNodeDups);
        c.put("rmap_items", rmapItems);
        c.put("pages_to_scan", pagesToScan);
        c.put("ksmd_cpu_ns", ksmdCpuNanos);
        c.put("cow_on_ksm_pages", cowOnKsmPages);
        c.put("tracking_bytes", trackingBytes);
        c.put("tracking_bytes_per_rmap_item", (long) RmapItems.bytesPerItem());
    }

    /**
     * /proc/PID/ksm_stat: {@code mm} null when KSM never saw the process;
     * ksm_process_profit = (merging + zero)·4096 − rmap_items·64.
     */
    static Map<String, Long> ksmStat(PerMm mm, boolean mergeAny, boolean mergeable) {
        long rmap = mm == null ? 0 : mm.rmapItems;
        long merging = mm == null ? 0 : mm.mergingPages;
        long zero = mm == null ? 0 : mm.zeroPages;
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("ksm_rmap_items", rmap);
        m.put("ksm_zero_pages", zero);
        m.put("ksm_merging_pages", merging);
        m.put("ksm_process_profit", (merging + zero) * PageStore.PAGE_SIZE - rmap * KERNEL_RMAP_ITEM_BYTES);
        m.put("ksm_merge_any", mergeAny ? 1L : 0L);
        m.put("ksm_mergeable", mergeable ? 1L : 0L);
        return m;
    }
}
