package org.ksmlab.engine.memory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The deterministic 4 KiB contents workloads and scenarios write: a content key names one
 * pattern, whose word {@code j} (bytes {@code 8j..8j+7}, little-endian) is
 * {@code mix64(key + (j + 1) * GOLDEN)}. Equal keys give equal pages, different keys different
 * pages (mix64 is a bijection, so word 0 already differs), and the memcmp order of pages looks
 * random, as real data's does. Content number {@code id} of a run seeded {@code seed} has key
 * {@link #key}{@code (seed, id)}.
 *
 * <p>It lives with the frames because a symbolic frame ({@link PageMode#SYMBOLIC}) names its
 * contents by key or id and produces their words from here when it is read, compared or
 * checksummed.
 */
public final class PagePattern {
    static final long GOLDEN = 0x9E3779B97F4A7C15L;
    /** 64-bit words per page. */
    public static final int WORDS = PageStore.PAGE_SIZE / Long.BYTES;

    private PagePattern() {
    }

    /** splitmix64's finaliser's two multipliers (also {@link VectorPatternFill}'s). */
    static final long MIX1 = 0xBF58476D1CE4E5B9L;
    static final long MIX2 = 0x94D049BB133111EBL;

    /** splitmix64's finaliser: a bijection on longs with good avalanche. */
    public static long mix64(long z) {
        z = (z ^ (z >>> 30)) * MIX1;
        z = (z ^ (z >>> 27)) * MIX2;
        return z ^ (z >>> 31);
    }

    /** The content key of content number {@code id} in a run seeded {@code seed}. */
    public static long key(long seed, long id) {
        return mix64(seed * GOLDEN + mix64(id + 1));
    }

    /** Word {@code j} (0..511) of the pattern of {@code key}. */
    public static long word(long key, int j) {
        return mix64(key + (j + 1) * GOLDEN);
    }

    /** Whether {@link #fill} may use {@link VectorPatternFill} (the incubator module is there). */
    private static final boolean VECTOR_FILL = PageCompareSelector.vectorModulePresent();

    /**
     * Writes the pattern of {@code key} into the 4096 bytes at {@code offset} of {@code page}: the
     * words {@link #word}{@code (key, 0..511)}, little-endian, a vector of words at a time where the
     * Vector API is there.
     */
    static void fill(MemorySegment page, long offset, long key) {
        if (VECTOR_FILL) {
            VectorPatternFill.fill(page, offset, key);
            return;
        }
        long x = key;
        for (int j = 0; j < WORDS; j++) {
            x += GOLDEN;
            page.set(ValueLayout.JAVA_LONG_UNALIGNED, offset + 8L * j, mix64(x));
        }
    }
}
