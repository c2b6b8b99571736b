package org.ksmlab.engine.sksm;

import java.util.Arrays;
import java.util.function.IntConsumer;
import org.ksmlab.engine.cost.WorkCounts;
import org.ksmlab.engine.memory.PageCompare;
import org.ksmlab.engine.memory.PageStore;

/**
 * The RFC's table: a static array of {@code 2^bits} hlist buckets (65536 in the RFC), an entry
 * in bucket {@code hash_32(checksum, bits)}, new entries at the head of their chain
 * ({@code hlist_add_head}). Only the u32 checksum is kept, so pages with equal checksums and
 * different contents share a chain and are told apart by a full compare.
 *
 * <p>Layout: a bucket's chain is two arrays (checksums and frame ids) in the order of insertion,
 * its head last, walked from the end: the same walk, in the same order, as the RFC's linked
 * hlist, but over contiguous memory, which matters when a bucket holds hundreds of entries (a
 * host of hundreds of GiB: the static table has 65536 buckets whatever the memory). Removal
 * finds the frame in its bucket (from the checksum its unchanged contents still give) and
 * closes the gap, keeping the order. Chain statistics: {@link #chainMax()} is the longest
 * bucket; {@link #chainMeanMilli()} is the mean length of the non-empty buckets ×1000 (the chain
 * a successful lookup walks at most).
 *
 * @see "include/linux/hash.h: hash_32"
 */
final class ChainedChecksumTable implements ChecksumTable {
    /** The RFC's table size: 2^16 buckets. */
    static final int RFC_BITS = 16;
    /** include/linux/hash.h GOLDEN_RATIO_32. */
    private static final int GOLDEN_RATIO_32 = 0x61C88647;
    private static final int NIL = -1;
    private static final int[] EMPTY = new int[0];

    /** log2 of the bucket count. */
    private final int bits;
    /** Per bucket: the u32 checksums and frames of its entries, oldest first (the chain's head is last). */
    private final int[][] sums;
    private final int[][] frames;
    private final int[] size;
    private int entries;
    private long collisions;
    /** Inserts and removals so far ({@link #changes()}). */
    private long changes;

    ChainedChecksumTable(int bits) {
        if (bits < 1 || bits > 24) {
            throw new IllegalArgumentException("chained table bits=" + bits + ": expected 1..24");
        }
        this.bits = bits;
        this.sums = new int[1 << bits][];
        this.frames = new int[1 << bits][];
        this.size = new int[1 << bits];
        Arrays.fill(sums, EMPTY);
        Arrays.fill(frames, EMPTY);
    }

    /** hash_32(val, bits): multiplicative hashing, the top {@code bits} of {@code val * GOLDEN_RATIO_32}. */
    static int hash32(int val, int bits) {
        return (val * GOLDEN_RATIO_32) >>> (32 - bits);
    }

    @Override
    public String name() {
        return "chained";
    }

    @Override
    public int findIdentical(long hash, int frame, PageStore store, WorkCounts work) {
        int sum = (int) hash;
        int b = hash32(sum, bits);
        int[] bs = sums[b];
        int[] bf = frames[b];
        for (int i = size[b] - 1; i >= 0; i--) { // from the head
            work.treeSteps++;
            if (bs[i] != sum) {
                continue;
            }
            int e = bf[i];
            int d = store.firstDifference(e, frame);
            work.bytesCompared += PageCompare.bytesRead(d);
            if (d < 0) {
                return e;
            }
            collisions++; // same u32 checksum, different contents: keep walking
        }
        return NIL;
    }

    @Override
    public void insert(long hash, int frame) {
        int sum = (int) hash;
        int b = hash32(sum, bits);
        int n = size[b];
        if (n == sums[b].length) {
            int cap = Math.max(4, n + (n >> 1));
            sums[b] = Arrays.copyOf(sums[b], cap);
            frames[b] = Arrays.copyOf(frames[b], cap);
        }
        sums[b][n] = sum;
        frames[b][n] = frame;
        size[b] = n + 1;
        entries++;
        changes++;
    }

    @Override
    public void remove(long hash, int frame) {
        int b = hash32((int) hash, bits);
        int[] bf = frames[b];
        int n = size[b];
        int i = n - 1;
        while (i >= 0 && bf[i] != frame) {
            i--;
        }
        if (i < 0) {
            throw new IllegalStateException("frame " + frame + " is not in the chained table");
        }
        System.arraycopy(bf, i + 1, bf, i, n - i - 1);
        System.arraycopy(sums[b], i + 1, sums[b], i, n - i - 1);
        size[b] = n - 1;
        entries--;
        changes++;
    }

    @Override public int entries() { return entries; }
    @Override public long slots() { return size.length; }
    @Override public long resizes() { return 0; }
    @Override public long checksumCollisions() { return collisions; }
    @Override public long changes() { return changes; }

    @Override
    public long chainMax() {
        long max = 0;
        for (int n : size) {
            max = Math.max(max, n);
        }
        return max;
    }

    @Override
    public long chainMeanMilli() {
        long nonEmpty = 0;
        for (int n : size) {
            if (n > 0) nonEmpty++;
        }
        return nonEmpty == 0 ? 0 : entries * 1000L / nonEmpty;
    }

    @Override
    public void forEachEntry(IntConsumer action) {
        for (int b = 0; b < size.length; b++) {
            for (int i = size[b] - 1; i >= 0; i--) {
                action.accept(frames[b][i]);
            }
        }
    }
}
