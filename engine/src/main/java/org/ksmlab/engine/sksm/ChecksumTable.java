package org.ksmlab.engine.sksm;

import java.util.function.IntConsumer;
import org.ksmlab.engine.cost.WorkCounts;
import org.ksmlab.engine.memory.PageCompare;
import org.ksmlab.engine.memory.PageStore;

/**
 * SKSM's table of write-protected pages, keyed by their checksum. An entry is a frame id; a
 * frame is in the table at most once, from the MADV_MERGE that found no match for it until
 * the frame is freed. The table holds no reference on its frames (the RFC: a page "stays
 * there until it is freed").
 *
 * <p>Invariant: every entry's frame is allocated, write-protected everywhere and flagged
 * {@link PageStore#F_SKSM} (the zero frame, inserted at boot, excepted from the flag).
 *
 * <p>Public, with {@link #staticChained()} and {@link #openAddressing(int)}, because the micro
 * benchmarks measure these tables as SKSM runs them (see the package documentation: the
 * structures a benchmark measures are engine API; the rest stays package-private).
 */
public interface ChecksumTable {
    /** Short name for counters and errors ("chained", "resizable"). */
    String name();

    /**
     * The first entry whose checksum equals {@code hash}'s and whose contents equal
     * {@code frame}'s (compared by the store, in its page mode), or -1. Charges every entry visited to {@link WorkCounts#treeSteps} and
     * the bytes of every content compare to {@link WorkCounts#bytesCompared}.
     */
    int findIdentical(long hash, int frame, PageStore store, WorkCounts work);

    /** Adds {@code frame} (not in the table) under {@code hash}. */
    void insert(long hash, int frame);

    /**
     * Removes {@code frame}, which must be in the table under {@code hash} (the hash it was
     * inserted with: a table page is never written, so its contents still give it).
     */
    void remove(long hash, int frame);

    /** Entries, the zero page included. */
    int entries();

    /** Buckets (chained) or slots (open addressing). */
    long slots();

    /** Times the table grew (0 for a static table). */
    long resizes();

    /** Longest lookup path in entries visited: a bucket's chain, or a probe sequence. */
    long chainMax();

    /** Mean lookup path over entries ×1000 (see each implementation for the exact definition). */
    long chainMeanMilli();

    /** Lookups where a checksum matched but the contents differed (a collision). */
    long checksumCollisions();

    /** Calls {@code action} with every entry's frame. */
    void forEachEntry(IntConsumer action);

    /**
     * Inserts, removals and resizes so far: a figure computed from the entries can be kept while
     * this stands still.
     */
    long changes();

    /** The RFC's static chained table, 2^16 buckets (what {@code sksm} and {@code sksm-aged} use). */
    static ChecksumTable staticChained() {
        return new ChainedChecksumTable(ChainedChecksumTable.RFC_BITS);
    }

    /** The open-addressing table of {@code sksm-resizable}, starting at {@code initialSlots} (a power of two) and doubling when half full. */
    static ChecksumTable openAddressing(int initialSlots) {
        return new ResizableChecksumTable(initialSlots);
    }
}
