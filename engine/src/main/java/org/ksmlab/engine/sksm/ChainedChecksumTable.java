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
 * <p>Layout (struct-of-arrays, indexed by frame id, the list node the RFC keeps per page):
 * {@code next[frame]}, {@code prev[frame]} (-1 at the ends), {@code checksum[frame]}.
 * Chain statistics: {@link #chainMax()} is the longest bucket; {@link #chainMeanMilli()} is the
 * mean length of the non-empty buckets ×1000 (the chain a successful lookup walks at most).
 *
 * @see "include/linux/hash.h: hash_32"
 */
final class ChainedChecksumTable implements ChecksumTable {
    /** The RFC's table size: 2^16 buckets. */
    static final int RFC_BITS = 16;
    /** include/linux/hash.h GOLDEN_RATIO_32. */
    private static final int GOLDEN_RATIO_32 = 0x61C88647;
    private static final int NIL = -1;

    /** log2 of the bucket count. */
    private final int bits;
    /** First frame of each bucket's chain, or NIL. */
    private final int[] head;
    /** Next and previous frame in the chain (NIL at the ends), by frame id. */
    private int[] next = new int[1024];
    private int[] prev = new int[1024];
    /** u32 checksum of each entry, by frame id. */
    private int[] checksum = new int[1024];
    private int entries;
    private long collisions;

    ChainedChecksumTable(int bits) {
        if (bits < 1 || bits > 24) {
            throw new IllegalArgumentException("chained table bits=" + bits + ": expected 1..24");
        }
        this.bits = bits;
        this.head = new int[1 << bits];
        Arrays.fill(head, NIL);
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
        for (int e = head[hash32(sum, bits)]; e != NIL; e = next[e]) {
            work.treeSteps++;
            if (checksum[e] != sum) {
                continue;
            }
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
        ensure(frame);
        int sum = (int) hash;
        int b = hash32(sum, bits);
        checksum[frame] = sum;
        prev[frame] = NIL;
        next[frame] = head[b];
        if (head[b] != NIL) {
            prev[head[b]] = frame;
        }
        head[b] = frame;
        entries++;
    }

    @Override
    public void remove(int frame) {
        int b = hash32(checksum[frame], bits);
        if (prev[frame] == NIL) {
            if (frame >= next.length || head[b] != frame) {
                throw new IllegalStateException("frame " + frame + " is not in the chained table");
            }
            head[b] = next[frame];
        } else {
            next[prev[frame]] = next[frame];
        }
        if (next[frame] != NIL) {
            prev[next[frame]] = prev[frame];
        }
        next[frame] = prev[frame] = NIL;
        entries--;
    }

    private void ensure(int frame) {
        if (frame >= next.length) {
            int n = Math.max(frame + 1, next.length * 2);
            next = Arrays.copyOf(next, n);
            prev = Arrays.copyOf(prev, n);
            checksum = Arrays.copyOf(checksum, n);
        }
    }

    @Override public int entries() { return entries; }
    @Override public long slots() { return head.length; }
    @Override public long resizes() { return 0; }
    @Override public long checksumCollisions() { return collisions; }

    @Override
    public long chainMax() {
        long max = 0;
        for (int h : head) {
            max = Math.max(max, length(h));
        }
        return max;
    }

    @Override
    public long chainMeanMilli() {
        long nonEmpty = 0;
        for (int h : head) {
            if (h != NIL) nonEmpty++;
        }
        return nonEmpty == 0 ? 0 : entries * 1000L / nonEmpty;
    }

    private long length(int e) {
        long n = 0;
        for (; e != NIL; e = next[e]) n++;
        return n;
    }

    @Override
    public void forEachEntry(IntConsumer action) {
        for (int h : head) {
            for (int e = h; e != NIL; e = next[e]) {
                action.accept(e);
            }
        }
    }
}
