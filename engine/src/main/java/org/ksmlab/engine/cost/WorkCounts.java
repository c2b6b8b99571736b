package org.ksmlab.engine.cost;

/** Work done by a merger, by kind of operation. Plain counters: the model is single-threaded. */
public final class WorkCounts {
    /** Pages whose checksum was computed (4096 bytes hashed each). */
    public long pagesChecksummed;
    /** Bytes read by page compares (both pages; up to and including the first difference). */
    public long bytesCompared;
    /** Tree nodes visited (stable/unstable rb-tree steps) or hash-chain entries walked. */
    public long treeSteps;
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
        return d;
    }

    public void clear() {
        pagesChecksummed = bytesCompared = treeSteps = merges = writeProtects = cowCopies = pagesVisited = tableUpdates = lruDrains = 0;
    }
}
