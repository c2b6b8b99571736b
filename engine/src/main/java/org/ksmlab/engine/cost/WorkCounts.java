package org.ksmlab.engine.cost;

/** Work done by a merger, by kind of operation. Plain counters: the model is single-threaded. */
public final class WorkCounts {
    /** Pages whose checksum was computed (4096 bytes hashed each). */
    public long pagesChecksummed;
    /** Bytes read by page compares (both pages; up to and including the first difference). */
    public long bytesCompared;
    /**
     * Unstable rb-tree steps (each looks up the tree item's page in its process: follow_page)
     * or hash-chain entries walked (SKSM).
     */
    public long treeSteps;
    /** Stable-tree nodes and chain dups visited (ksm_get_folio on a KSM page's stable node). */
    public long stableSteps;
    /** Page-table entries replaced to map a merged page (replace_page), zero-page merges included. */
    public long merges;
    /** Page-table entries write-protected (write_protect_page). */
    public long writeProtects;
    /** Pages copied to break a merge (COW after merging, unmerge). */
    public long cowCopies;
    /** Virtual pages visited by a scanner (page-table walk, follow_page, rmap_item lookup). */
    public long pagesVisited;
    /** Hash-table inserts and removals. */
    public long tableUpdates;
    /** LRU drains (lru_add_drain_all), one per MADV_MERGE call in SKSM. */
    public long lruDrains;
    /**
     * Full passes ksmd started: its fixed cost per pass (lru_add_drain_all, the walk over the
     * mm_slot list and the VMAs, the trailing rmap_items).
     */
    public long passes;
    /**
     * Pages whose checksum changed since ksmd's previous visit (pages_volatile's), rewritten
     * since: their contents are read from wherever the writer left them, often another CPU's cache.
     */
    public long volatilePages;
    /**
     * ksmd batches that began with a wake-up (after a timed sleep, or waiting for work): the
     * fixed cost of being scheduled in and out and of arming the sleep's timer. Batches run back
     * to back (sleep_millisecs=0) do not count.
     */
    public long wakeups;

    public void add(WorkCounts o) {
        pagesChecksummed += o.pagesChecksummed;
        bytesCompared += o.bytesCompared;
        treeSteps += o.treeSteps;
        merges += o.merges;
        writeProtects += o.writeProtects;
        cowCopies += o.cowCopies;
        pagesVisited += o.pagesVisited;
        tableUpdates += o.tableUpdates;
        lruDrains += o.lruDrains;
        stableSteps += o.stableSteps;
        wakeups += o.wakeups;
        passes += o.passes;
        volatilePages += o.volatilePages;
    }

    /** The work done since {@code before} was a copy of these counts. */
    public WorkCounts minus(WorkCounts before) {
        WorkCounts d = new WorkCounts();
        d.pagesChecksummed = pagesChecksummed - before.pagesChecksummed;
        d.bytesCompared = bytesCompared - before.bytesCompared;
        d.treeSteps = treeSteps - before.treeSteps;
        d.merges = merges - before.merges;
        d.writeProtects = writeProtects - before.writeProtects;
        d.cowCopies = cowCopies - before.cowCopies;
        d.pagesVisited = pagesVisited - before.pagesVisited;
        d.tableUpdates = tableUpdates - before.tableUpdates;
        d.lruDrains = lruDrains - before.lruDrains;
        d.stableSteps = stableSteps - before.stableSteps;
        d.wakeups = wakeups - before.wakeups;
        d.passes = passes - before.passes;
        d.volatilePages = volatilePages - before.volatilePages;
        return d;
    }

    public void clear() {
        pagesChecksummed = bytesCompared = treeSteps = merges = writeProtects = cowCopies = pagesVisited = tableUpdates = lruDrains = 0;
        stableSteps = wakeups = passes = volatilePages = 0;
    }
}
