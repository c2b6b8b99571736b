package org.ksmlab.engine.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Symbolic frames answer exactly as byte frames do: the same random sequence of allocations,
 * copies, frees, pattern fills (by key, by seed and id, of the direct seed and another, ids
 * above what a handle codes), word fills, aligned and unaligned 8-byte stores and byte stores
 * runs on a byte store and a symbolic store, and after every step every answer is compared:
 * reads at random offsets, every word of a random frame, the first differing byte and the
 * memcmp sign of random pairs (many of them differing late in the page, after a store into an
 * equal copy), and the xxh64, XXH3 and CRC32C of a random frame.
 */
class PageModeContractProperties {
    static final int STEPS = 400;
    static final long[] FILL_WORDS = {0L, 1L, 0x0101010101010101L, 0xdeadbeefcafef00dL, -1L};

    @Property(tries = 150)
    void symbolicFramesShouldAnswerEveryReadCompareAndChecksumAsByteFramesDo(@ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        try (PageStore bytes = new PageStore(PageMode.BYTE, (f, flags) -> { });
             PageStore symbolic = new PageStore(PageMode.SYMBOLIC, (f, flags) -> { })) {
            List<Integer> live = new ArrayList<>();
            for (int step = 0; step < STEPS; step++) {
                String what = step(rng, bytes, symbolic, live);
                check(rng, bytes, symbolic, live, "seed " + seed + " step " + step + " (" + what + ")");
            }
        }
    }

    private static String step(SplittableRandom rng, PageStore b, PageStore s, List<Integer> live) {
        int kind = live.isEmpty() ? 0 : rng.nextInt(100);
        if (kind < 10) {
            int f = b.allocate(PageStore.F_ANON);
            assertEquals(f, s.allocate(PageStore.F_ANON));
            live.add(f);
            return "allocate " + f;
        }
        int frame = live.get(rng.nextInt(live.size()));
        if (kind < 22) {
            int f = b.allocateCopy(frame, PageStore.F_ANON);
            assertEquals(f, s.allocateCopy(frame, PageStore.F_ANON));
            live.add(f);
            return "copy " + frame + " to " + f;
        }
        if (kind < 28) {
            live.remove(Integer.valueOf(frame));
            b.put(frame);
            s.put(frame);
            return "free " + frame;
        }
        if (kind < 40) {
            long pageSeed = rng.nextInt(4) == 0 ? 7 : 42;
            long id = rng.nextInt(5) == 0 ? (1L << 40) + rng.nextInt(3) : rng.nextInt(6);
            b.fillPattern(frame, pageSeed, id);
            s.fillPattern(frame, pageSeed, id);
            return "pattern seed " + pageSeed + " id " + id + " into " + frame;
        }
        if (kind < 45) {
            long key = rng.nextInt(3);
            b.fillPattern(frame, key);
            s.fillPattern(frame, key);
            return "pattern key " + key + " into " + frame;
        }
        if (kind < 52) {
            long v = FILL_WORDS[rng.nextInt(FILL_WORDS.length)];
            b.fillLong(frame, v);
            s.fillLong(frame, v);
            return "fill " + v + " into " + frame;
        }
        int offset = rng.nextInt(4) == 0 ? rng.nextInt(PageStore.PAGE_SIZE - 7) : 8 * rng.nextInt(PagePattern.WORDS);
        if (kind < 80) {
            // Change one byte of what is there, or store a word from a small set: late and
            // byte-granular differences between otherwise equal pages.
            long old = b.readLong(frame, offset);
            long v = rng.nextBoolean() ? old ^ (1L << (8 * rng.nextInt(8) + rng.nextInt(8)))
                    : FILL_WORDS[rng.nextInt(FILL_WORDS.length)];
            b.writeLong(frame, offset, v);
            s.writeLong(frame, offset, v);
            return "store " + v + " at " + offset + " of " + frame;
        }
        byte v = (byte) rng.nextInt(256);
        b.writeByte(frame, offset, v);
        s.writeByte(frame, offset, v);
        return "store byte " + v + " at " + offset + " of " + frame;
    }

    private static void check(SplittableRandom rng, PageStore b, PageStore s, List<Integer> live, String where) {
        if (live.isEmpty()) {
            return;
        }
        int f = live.get(rng.nextInt(live.size()));
        for (int j = 0; j < PagePattern.WORDS; j++) {
            assertEquals(b.readLong(f, 8 * j), s.readLong(f, 8 * j), where + ": word " + j + " of frame " + f);
        }
        for (int k = 0; k < 4; k++) {
            int off = rng.nextInt(PageStore.PAGE_SIZE - 7);
            assertEquals(b.readLong(f, off), s.readLong(f, off), where + ": long at " + off + " of frame " + f);
            assertEquals(b.readByte(f, off), s.readByte(f, off), where + ": byte at " + off + " of frame " + f);
        }
        for (PageChecksum c : PageChecksum.values()) {
            assertEquals(b.hash64(f, c), s.hash64(f, c), where + ": " + c + " of frame " + f);
        }
        for (int k = 0; k < 8; k++) {
            int x = live.get(rng.nextInt(live.size()));
            int y = k == 0 ? PageStore.ZERO_FRAME : live.get(rng.nextInt(live.size()));
            assertEquals(b.firstDifference(x, y), s.firstDifference(x, y), where + ": first difference of " + x + " and " + y);
            assertEquals(Integer.signum(b.compare(x, y)), Integer.signum(s.compare(x, y)), where + ": order of " + x + " and " + y);
        }
    }

    /** The sequences above reach late, byte-granular differences: the property would miss an offset bug otherwise. */
    @Example
    void sequencesShouldProduceDifferencesBeyondTheFirstByteOfAWord() {
        int inside = 0;
        int late = 0;
        for (long seed = 0; seed < 20; seed++) {
            SplittableRandom rng = new SplittableRandom(seed);
            try (PageStore b = new PageStore(PageMode.BYTE, (f, flags) -> { });
                 PageStore s = new PageStore(PageMode.SYMBOLIC, (f, flags) -> { })) {
                List<Integer> live = new ArrayList<>();
                for (int step = 0; step < STEPS; step++) {
                    step(rng, b, s, live);
                    for (int x : live) {
                        for (int y : live) {
                            int d = b.firstDifference(x, y);
                            if (d >= 0 && d % 8 != 0) inside++;
                            if (d >= 2048) late++;
                        }
                    }
                }
            }
        }
        assertTrue(inside > 1000 && late > 1000, "inside a word " + inside + ", late " + late);
    }
}
