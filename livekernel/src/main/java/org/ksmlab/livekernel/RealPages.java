package org.ksmlab.livekernel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.ksmlab.engine.workload.PageContents;

/** Writes model page contents into real memory, byte for byte what {@code PageContents.fill} writes into a frame. */
public final class RealPages {
    public static final int PAGE_SIZE = 4096;
    private static final int WORDS = PAGE_SIZE / 8;

    private RealPages() {
    }

    /** Fills page {@code page} of {@code region}: word j is {@link PageContents#word}{@code (key, j)}, native byte order. */
    public static void fill(MemorySegment region, int page, long key) {
        long base = (long) page * PAGE_SIZE;
        for (int j = 0; j < WORDS; j++) {
            region.set(ValueLayout.JAVA_LONG_UNALIGNED, base + 8L * j, PageContents.word(key, j));
        }
    }

    /** Writes zeros over page {@code page}: a write fault, so it becomes a real anonymous page (not the shared zero page). */
    public static void zero(MemorySegment region, int page) {
        region.asSlice((long) page * PAGE_SIZE, PAGE_SIZE).fill((byte) 0);
    }
}
