package org.ksmlab.engine.memory;

import java.lang.foreign.MemorySegment;

/**
 * Compares two 4 KiB pages, as the kernel's {@code memcmp_pages}: the order is {@code memcmp}'s,
 * unsigned bytes from offset 0. The stable and unstable trees are ordered by this.
 *
 * <p>Implementations are a named axis ({@link #scalar()}, {@link #vector()}, {@link #mismatch()})
 * tested against each other; {@link #best()} is the one the engine uses.
 *
 * @see "mm/ksm.c: memcmp_pages"
 */
public interface PageCompare {
    /**
     * Offset of the first differing byte of the pages at {@code aOffset} in {@code a} and
     * {@code bOffset} in {@code b}, or -1 if the {@link PageStore#PAGE_SIZE} bytes are equal.
     */
    int firstDifference(MemorySegment a, long aOffset, MemorySegment b, long bOffset);

    /**
     * Bytes a compare that stopped at {@code firstDifference} (-1: equal pages) read, both pages
     * counted: up to and including the first difference, or all of both. What the cost model
     * charges for a compare.
     */
    static long bytesRead(int firstDifference) {
        return 2L * (firstDifference < 0 ? PageStore.PAGE_SIZE : firstDifference + 1);
    }

    /** Short name for reports ("scalar", "vector", "mismatch"). */
    String name();

    /** memcmp order: negative, zero or positive as page a sorts before, equal to or after b. */
    default int compare(MemorySegment a, long aOffset, MemorySegment b, long bOffset) {
        int at = firstDifference(a, aOffset, b, bOffset);
        if (at < 0) {
            return 0;
        }
        int x = Byte.toUnsignedInt(a.get(java.lang.foreign.ValueLayout.JAVA_BYTE, aOffset + at));
        int y = Byte.toUnsignedInt(b.get(java.lang.foreign.ValueLayout.JAVA_BYTE, bOffset + at));
        return x - y;
    }

    /** Compares two frames of one store. */
    default int compare(PageStore store, int frameA, int frameB) {
        return compare(store.chunk(frameA), PageStore.offset(frameA), store.chunk(frameB), PageStore.offset(frameB));
    }

    /** Whether two frames of one store hold the same bytes. */
    default boolean same(PageStore store, int frameA, int frameB) {
        return firstDifference(store.chunk(frameA), PageStore.offset(frameA), store.chunk(frameB), PageStore.offset(frameB)) < 0;
    }

    static PageCompare scalar() { return ScalarPageCompare.INSTANCE; }
    static PageCompare vector() { return VectorPageCompare.INSTANCE; }
    static PageCompare mismatch() { return MismatchPageCompare.INSTANCE; }

    /**
     * The implementation the engine uses: the Vector API when its module is present, else scalar
     * (logged once, at INFO, with the reason).
     */
    static PageCompare best() { return PageCompareSelector.BEST; }
}
