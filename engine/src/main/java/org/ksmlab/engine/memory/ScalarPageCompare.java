package org.ksmlab.engine.memory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Eight bytes at a time, then the first differing byte inside the differing word. */
final class ScalarPageCompare implements PageCompare {
    static final ScalarPageCompare INSTANCE = new ScalarPageCompare();
    /** 8-byte words read little-endian whatever the platform, so the trailing-zero trick below holds. */
    private static final ValueLayout.OfLong WORD = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private ScalarPageCompare() {
    }

    @Override
    public int firstDifference(MemorySegment a, long aOffset, MemorySegment b, long bOffset) {
        for (int i = 0; i < PageStore.PAGE_SIZE; i += Long.BYTES) {
            long x = a.get(WORD, aOffset + i);
            long y = b.get(WORD, bOffset + i);
            if (x != y) {
                // Little-endian load: the lowest-addressed differing byte is the lowest set bit.
                return i + Long.numberOfTrailingZeros(x ^ y) / 8;
            }
        }
        return -1;
    }

    @Override
    public String name() {
        return "scalar";
    }
}
