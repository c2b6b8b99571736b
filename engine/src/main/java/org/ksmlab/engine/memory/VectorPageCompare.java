package org.ksmlab.engine.memory;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Panama Vector API compare: one preferred-width vector of bytes per step; on the first
 * unequal lane mask, {@code firstTrue()} gives the byte. Falls back to nothing: callers use
 * {@link PageCompare#best()}, which picks scalar when the incubator module is absent. Do not add
 * an "is the module there?" check to this class: linking it already needs the module
 * (see {@link PageCompareSelector}).
 */
final class VectorPageCompare implements PageCompare {
    static final VectorPageCompare INSTANCE = new VectorPageCompare();
    private static final VectorSpecies<Byte> SPECIES = ByteVector.SPECIES_PREFERRED;

    private VectorPageCompare() {
    }

    /** Lanes (bytes) per vector step on this CPU: 64 with AVX-512, 32 with AVX2, 16 with SSE/NEON. */
    static int lanes() {
        return SPECIES.length();
    }

    @Override
    public int firstDifference(MemorySegment a, long aOffset, MemorySegment b, long bOffset) {
        int step = SPECIES.length();
        for (int i = 0; i < PageStore.PAGE_SIZE; i += step) {
            ByteVector x = ByteVector.fromMemorySegment(SPECIES, a, aOffset + i, ByteOrder.LITTLE_ENDIAN);
            ByteVector y = ByteVector.fromMemorySegment(SPECIES, b, bOffset + i, ByteOrder.LITTLE_ENDIAN);
            VectorMask<Byte> ne = x.compare(jdk.incubator.vector.VectorOperators.NE, y);
            if (ne.anyTrue()) {
                return i + ne.firstTrue();
            }
        }
        return -1;
    }

    @Override
    public String name() {
        return "vector";
    }
}
