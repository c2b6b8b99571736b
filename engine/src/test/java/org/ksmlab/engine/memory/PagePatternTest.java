package org.ksmlab.engine.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** A page filled with a pattern, by vectors or word by word, holds the words {@link PagePattern#word} names. */
class PagePatternTest {
    @Test
    void filledPagesHoldTheWordsOfTheirKeyAtAnyOffset() {
        SplittableRandom random = new SplittableRandom(16);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment page = arena.allocate(3 * PageStore.PAGE_SIZE, 8);
            for (int trial = 0; trial < 200; trial++) {
                long key = trial < 3 ? new long[] {0, -1, Long.MIN_VALUE}[trial] : random.nextLong();
                long offset = 8L * random.nextInt(PageStore.PAGE_SIZE / 8) + (trial % 2 == 0 ? 0 : 3); // aligned or not
                PagePattern.fill(page, offset, key);
                for (int j = 0; j < PagePattern.WORDS; j++) {
                    assertEquals(PagePattern.word(key, j), page.get(ValueLayout.JAVA_LONG_UNALIGNED, offset + 8L * j), "key " + key + " word " + j);
                }
                if (PageCompareSelector.vectorModulePresent()) {
                    page.fill((byte) 0);
                    VectorPatternFill.fill(page, offset, key);
                    for (int j = 0; j < PagePattern.WORDS; j++) {
                        assertEquals(PagePattern.word(key, j), page.get(ValueLayout.JAVA_LONG_UNALIGNED, offset + 8L * j), "vector fill, key " + key + " word " + j);
                    }
                }
            }
        }
    }
}
