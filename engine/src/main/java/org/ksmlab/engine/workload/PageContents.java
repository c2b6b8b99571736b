package org.ksmlab.engine.workload;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.ksmlab.engine.memory.PageStore;

/**
 * Deterministic page contents: a content key names one 4 KiB pattern. Word {@code j} of the
 * page with key {@code k} is {@code mix64(k + (j + 1) * GOLDEN)}: equal keys give equal
 * pages, different keys different pages (mix64 is a bijection, so word 0 already differs),
 * and the memcmp order of pages looks random, as real data's does.
 */
public final class PageContents {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private PageContents() {
    }

    /** splitmix64's finaliser: a bijection on longs with good avalanche. */
    public static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The content key of content number {@code id} in a workload seeded {@code seed}. */
    public static long key(long seed, long id) {
        return mix64(seed * GOLDEN + mix64(id + 1));
    }

    /** Fills {@code frame} with the pattern of {@code key}. */
    public static void fill(PageStore store, int frame, long key) {
        MemorySegment c = store.chunk(frame);
        long base = PageStore.offset(frame);
        long x = key;
        for (int j = 0; j < PageStore.PAGE_SIZE; j += 8) {
            x += GOLDEN;
            c.set(ValueLayout.JAVA_LONG_UNALIGNED, base + j, mix64(x));
        }
    }

    /** Word {@code j} (0..511) of the pattern of {@code key}, for checking reads. */
    public static long word(long key, int j) {
        return mix64(key + (j + 1) * GOLDEN);
    }
}
