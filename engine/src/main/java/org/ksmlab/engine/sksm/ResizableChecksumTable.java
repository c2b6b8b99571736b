package org.ksmlab.engine.sksm;

import java.util.Arrays;
import java.util.function.IntConsumer;
import org.ksmlab.engine.cost.WorkCounts;
import org.ksmlab.engine.memory.PageCompare;
import org.ksmlab.engine.memory.PageStore;

/**
 * The alternative the RFC's review asked about: a primitive open-addressing table keyed by the
 * full 64-bit hash, with linear probing, that doubles when more than half full (after Agrona's
 * {@code Int2IntHashMap}: parallel primitive arrays, a sentinel instead of null). Pages with
 * equal 64-bit hashes occupy neighbouring slots; a lookup probes until an empty slot and
 * compares contents at every slot whose key equals. Removal is backward-shift deletion (no
 * tombstones), so a probe sequence never crosses a hole. It never shrinks.
 *
 * <p>Chain statistics: an entry's path is its probe distance from its home slot + 1 (slots a
 * lookup of it visits); {@link #chainMax()} and {@link #chainMeanMilli()} (×1000) are over entries.
 */
final class ResizableChecksumTable implements ChecksumTable {
    private static final int EMPTY = -1;
    private static final long GOLDEN_RATIO_64 = 0x61C8864680B583EBL;

    /** 64-bit hash of each slot's entry. */
    private long[] keys;
    /** Frame id of each slot, or EMPTY. */
    private int[] frames;
    /** log2 of the slot count. */
    private int bits;
    private int entries;
    private long resizes;
    private long collisions;

    /** @param initialSlots a power of two >= 2 */
    ResizableChecksumTable(int initialSlots) {
        if (initialSlots < 2 || Integer.bitCount(initialSlots) != 1) {
            throw new IllegalArgumentException("initial_slots=" + initialSlots + ": expected a power of two >= 2");
        }
        bits = Integer.numberOfTrailingZeros(initialSlots);
        keys = new long[initialSlots];
        frames = new int[initialSlots];
        Arrays.fill(frames, EMPTY);
    }

    /** Fibonacci hashing: the top {@code bits} of {@code hash * 2^64/phi} (hash_64). */
    private int home(long hash) {
        return (int) ((hash * GOLDEN_RATIO_64) >>> (64 - bits));
    }

    @Override
    public String name() {
        return "resizable";
    }

    @Override
    public int findIdentical(long hash, int frame, PageStore store, WorkCounts work) {
        int mask = frames.length - 1;
        for (int i = home(hash); frames[i] != EMPTY; i = (i + 1) & mask) {
            work.treeSteps++;
            if (keys[i] != hash) {
                continue;
            }
            int e = frames[i];
            int d = store.firstDifference(e, frame);
            work.bytesCompared += PageCompare.bytesRead(d);
            if (d < 0) {
                return e;
            }
            collisions++;
        }
        return EMPTY;
    }

    @Override
    public void insert(long hash, int frame) {
        if ((entries + 1) * 2 > frames.length) {
            grow();
        }
        put(hash, frame);
        entries++;
        changes++;
    }

    private void put(long hash, int frame) {
        int mask = frames.length - 1;
        int i = home(hash);
        while (frames[i] != EMPTY) {
            i = (i + 1) & mask;
        }
        keys[i] = hash;
        frames[i] = frame;
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldFrames = frames;
        bits++;
        keys = new long[oldKeys.length * 2];
        frames = new int[oldFrames.length * 2];
        Arrays.fill(frames, EMPTY);
        for (int i = 0; i < oldFrames.length; i++) {
            if (oldFrames[i] != EMPTY) {
                put(oldKeys[i], oldFrames[i]);
            }
        }
        resizes++;
        changes++;
    }

    @Override
    public void remove(long hash, int frame) {
        int mask = frames.length - 1;
        int i = home(hash);
        while (frames[i] != frame) {
            if (frames[i] == EMPTY) {
                throw new IllegalStateException("frame " + frame + " is not in the resizable table");
            }
            i = (i + 1) & mask;
        }
        // Backward-shift deletion: pull later entries of the probe run into the hole unless
        // their home lies cyclically in (hole, j], where they already are reachable.
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            if (frames[j] == EMPTY) {
                break;
            }
            int k = home(keys[j]);
            boolean reachable = i <= j ? (i < k && k <= j) : (i < k || k <= j);
            if (!reachable) {
                keys[i] = keys[j];
                frames[i] = frames[j];
                i = j;
            }
        }
        frames[i] = EMPTY;
        entries--;
        changes++;
    }

    /** Inserts, removals and resizes so far; the probe paths last walked, and at which count. */
    private long changes;
    private long pathMax;
    private long pathSum;
    private long pathsAt = -1;

    @Override public int entries() { return entries; }
    @Override public long slots() { return frames.length; }
    @Override public long resizes() { return resizes; }
    @Override public long checksumCollisions() { return collisions; }
    @Override public long changes() { return changes; }

    /**
     * The longest probe path; with {@link #chainMeanMilli()}, a walk of every slot, so both are
     * kept until an insert, a removal or a resize changes the table (a run samples them hundreds
     * of times; at 1 TiB the table has over 100 million slots).
     */
    @Override
    public long chainMax() {
        walkPaths();
        return pathMax;
    }

    @Override
    public long chainMeanMilli() {
        walkPaths();
        return entries == 0 ? 0 : pathSum * 1000 / entries;
    }

    private void walkPaths() {
        if (pathsAt == changes) {
            return;
        }
        long max = 0;
        long sum = 0;
        int mask = frames.length - 1;
        for (int i = 0; i < frames.length; i++) {
            if (frames[i] != EMPTY) {
                long path = ((i - home(keys[i])) & mask) + 1;
                max = Math.max(max, path);
                sum += path;
            }
        }
        pathMax = max;
        pathSum = sum;
        pathsAt = changes;
    }

    @Override
    public void forEachEntry(IntConsumer action) {
        for (int f : frames) {
            if (f != EMPTY) {
                action.accept(f);
            }
        }
    }
}
