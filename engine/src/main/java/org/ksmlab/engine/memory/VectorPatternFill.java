package org.ksmlab.engine.memory;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Writes the {@link PagePattern} of a key into a page of memory a preferred-width vector of words
 * at a time (8 words with AVX-512): word {@code j} is {@code mix64(key + (j + 1) * GOLDEN)} in every
 * lane at once, the same values {@link PagePattern#word} gives one by one. Symbolic mode generates
 * a page this way for every checksum. Linking this class needs the incubator module: callers check
 * {@link PageCompareSelector#vectorModulePresent()} first, as for {@link VectorPageCompare}.
 */
final class VectorPatternFill {
    private static final VectorSpecies<Long> SPECIES = LongVector.SPECIES_PREFERRED;
    /** (lane + 1) * GOLDEN: the first step's offsets from the key. */
    private static final LongVector FIRST = LongVector.zero(SPECIES).addIndex(1).add(1).mul(PagePattern.GOLDEN);
    private static final long STEP = SPECIES.length() * PagePattern.GOLDEN;

    private VectorPatternFill() {
    }

    /** The pattern of {@code key} into the 4096 bytes at {@code offset} of {@code page}, little-endian words. */
    static void fill(MemorySegment page, long offset, long key) {
        int lanes = SPECIES.length();
        LongVector x = FIRST.add(key);
        for (int j = 0; j < PagePattern.WORDS; j += lanes) {
            LongVector z = x;
            z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 30)).mul(PagePattern.MIX1);
            z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 27)).mul(PagePattern.MIX2);
            z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 31));
            z.intoMemorySegment(page, offset + 8L * j, ByteOrder.LITTLE_ENDIAN);
            x = x.add(STEP);
        }
    }
}
