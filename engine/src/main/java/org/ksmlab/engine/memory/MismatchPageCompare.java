package org.ksmlab.engine.memory;

import java.lang.foreign.MemorySegment;

/** The JDK's intrinsic {@link MemorySegment#mismatch}, for comparison with the hand-written paths. */
final class MismatchPageCompare implements PageCompare {
    static final MismatchPageCompare INSTANCE = new MismatchPageCompare();

    private MismatchPageCompare() {
    }

    @Override
    public int firstDifference(MemorySegment a, long aOffset, MemorySegment b, long bOffset) {
        return (int) MemorySegment.mismatch(a, aOffset, aOffset + PageStore.PAGE_SIZE, b, bOffset, bOffset + PageStore.PAGE_SIZE);
    }

    @Override
    public String name() {
        return "mismatch";
    }
}
