package org.ksmlab.engine.workload;

import org.ksmlab.engine.memory.PagePattern;
import org.ksmlab.engine.memory.PageStore;

/**
 * Deterministic page contents as workloads use them: content number {@code id} of a workload
 * seeded {@code seed} is the 4 KiB {@link PagePattern} of key {@link #key}{@code (seed, id)};
 * equal ids give equal pages, different ids different pages, and the memcmp order of pages
 * looks random, as real data's does. The pattern itself is defined in the memory package,
 * where symbolic frames produce its words.
 */
public final class PageContents {
    private PageContents() {
    }

    /** splitmix64's finaliser: a bijection on longs with good avalanche. */
    public static long mix64(long z) {
        return PagePattern.mix64(z);
    }

    /** The content key of content number {@code id} in a workload seeded {@code seed}. */
    public static long key(long seed, long id) {
        return PagePattern.key(seed, id);
    }

    /** Fills {@code frame} with content {@code id} of a workload seeded {@code seed}: what workloads write. */
    public static void fill(PageStore store, int frame, long seed, long id) {
        store.fillPattern(frame, seed, id);
    }

    /** Fills {@code frame} with the pattern of {@code key}. */
    public static void fill(PageStore store, int frame, long key) {
        store.fillPattern(frame, key);
    }

    /** Word {@code j} (0..511) of the pattern of {@code key}, for checking reads. */
    public static long word(long key, int j) {
        return PagePattern.word(key, j);
    }
}
