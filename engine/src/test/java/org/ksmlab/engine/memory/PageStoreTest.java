package org.ksmlab.engine.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PageStoreTest {
    private static final int PAGE = PageStore.PAGE_SIZE;

    private static boolean allZero(PageStore store, int frame) {
        return store.segment(frame).asSlice(0, PAGE).mismatch(java.lang.foreign.MemorySegment.ofArray(new byte[PAGE])) < 0;
    }

    @Test
    void zeroFrameShouldBeFrameZeroAllZeroWithOneReference() {
        try (PageStore store = new PageStore()) {
            assertEquals(0, PageStore.ZERO_FRAME);
            assertTrue(store.hasFlag(PageStore.ZERO_FRAME, PageStore.F_ZERO));
            assertEquals(1, store.refcount(PageStore.ZERO_FRAME));
            assertTrue(allZero(store, PageStore.ZERO_FRAME));
            assertEquals(1, store.allocatedFrames());
            assertFalse(store.isFree(PageStore.ZERO_FRAME));
        }
    }

    @Test
    void zeroFrameShouldNeverBeFreed() {
        try (PageStore store = new PageStore()) {
            store.get(PageStore.ZERO_FRAME);
            store.put(PageStore.ZERO_FRAME);
            assertThrows(IllegalStateException.class, () -> store.put(PageStore.ZERO_FRAME));
            assertEquals(1, store.refcount(PageStore.ZERO_FRAME), "the failed put left the reference");
            assertFalse(store.isFree(PageStore.ZERO_FRAME));
            assertNotEquals(PageStore.ZERO_FRAME, store.allocate(PageStore.F_ANON), "frame 0 is not handed out again");
        }
    }

    @Test
    void allocateShouldReturnZeroedFramesWithOneReference() {
        try (PageStore store = new PageStore()) {
            int f = store.allocate(PageStore.F_ANON);
            assertEquals(1, f);
            assertEquals(1, store.refcount(f));
            assertEquals(0, store.mapcount(f));
            assertEquals(PageStore.F_ANON, store.flags(f));
            assertTrue(allZero(store, f));
            assertEquals(2, store.allocatedFrames());
            assertEquals(2, store.frameLimit());
        }
    }

    @Test
    void freedFrameShouldBeReusedAndZeroedAgain() {
        try (PageStore store = new PageStore()) {
            int f = store.allocate(PageStore.F_ANON);
            store.fillLong(f, 0xdeadbeefcafebabeL);
            store.writeByte(f, 4095, (byte) 1);
            store.incMapcount(f);
            store.put(f);
            assertTrue(store.isFree(f));
            assertEquals(0, store.flags(f), "a free frame has no flags");
            assertEquals(0, store.mapcount(f));
            assertEquals(1, store.allocatedFrames());

            int g = store.allocate(PageStore.F_FILE);
            assertEquals(f, g, "the free list is reused before new frames");
            assertTrue(allZero(store, g), "a reused frame is zeroed again");
            assertEquals(PageStore.F_FILE, store.flags(g));
            assertEquals(1, store.refcount(g));
            assertEquals(2, store.frameLimit(), "no new frame id was taken");
        }
    }

    @Test
    void frameShouldBeFreedOnlyWhenTheLastReferenceGoes() {
        List<int[]> freed = new ArrayList<>();
        try (PageStore store = new PageStore((frame, flags) -> freed.add(new int[] {frame, flags}))) {
            int f = store.allocate(PageStore.F_ANON);
            store.get(f);
            store.get(f);
            assertEquals(3, store.refcount(f));
            store.put(f);
            store.put(f);
            assertTrue(freed.isEmpty());
            assertFalse(store.isFree(f));
            store.put(f);
            assertEquals(1, freed.size());
            assertTrue(store.isFree(f));
        }
    }

    @Test
    void listenerShouldBeToldTheFlagsTheFrameHadWhenFreed() {
        List<int[]> freed = new ArrayList<>();
        try (PageStore store = new PageStore((frame, flags) -> freed.add(new int[] {frame, flags}))) {
            int f = store.allocate(PageStore.F_ANON);
            store.setFlag(f, PageStore.F_KSM);
            store.clearFlag(f, PageStore.F_ANON);
            store.put(f);
            assertEquals(1, freed.size());
            assertEquals(f, freed.get(0)[0]);
            assertEquals(PageStore.F_KSM, freed.get(0)[1]);
            assertEquals(0, store.flags(f), "flags are cleared after the listener's snapshot");
        }
    }

    @Test
    void storeShouldGrowPastOneChunkAndKeepEarlyFramesIntact() {
        try (PageStore store = new PageStore()) {
            int first = store.allocate(PageStore.F_ANON);
            store.fillLong(first, 0x0102030405060708L);
            int middle = -1;
            int last = -1;
            for (int i = 0; i < PageStore.FRAMES_PER_CHUNK + 10; i++) {
                last = store.allocate(PageStore.F_ANON);
                if (i == 1000) {
                    middle = last;
                    store.writeLong(middle, 8, 42L);
                }
            }
            assertEquals(1, last >>> PageStore.CHUNK_SHIFT, "frames reached the second chunk");
            assertEquals(2L * PageStore.FRAMES_PER_CHUNK * PAGE, store.reservedBytes());
            assertEquals(PageStore.FRAMES_PER_CHUNK + 12, store.allocatedFrames());
            assertEquals(0x0102030405060708L, store.readLong(first, 0));
            assertEquals(0x0102030405060708L, store.readLong(first, 4088));
            assertEquals(42L, store.readLong(middle, 8));
            assertTrue(allZero(store, last));
            store.writeLong(last, 4088, -1L);
            assertEquals(-1L, store.readLong(last, 4088));
            assertEquals(1, store.refcount(last));
            assertEquals(0x0102030405060708L, store.readLong(first, 0), "a write in chunk 1 does not touch chunk 0");
        }
    }

    @Test
    void refcountUnderflowShouldThrowAndLeaveTheFrameFree() {
        try (PageStore store = new PageStore()) {
            int f = store.allocate(PageStore.F_ANON);
            store.put(f);
            assertThrows(IllegalStateException.class, () -> store.put(f));
            assertEquals(0, store.refcount(f), "the failed put did not decrement");
            assertTrue(store.isFree(f));
            assertEquals(1, store.allocatedFrames());
            assertEquals(f, store.allocate(PageStore.F_ANON), "the frame is still reusable");
        }
    }

    @Test
    void mapcountUnderflowShouldThrowAndLeaveMapcountAtZero() {
        try (PageStore store = new PageStore()) {
            int f = store.allocate(PageStore.F_ANON);
            store.incMapcount(f);
            store.decMapcount(f);
            assertThrows(IllegalStateException.class, () -> store.decMapcount(f));
            assertEquals(0, store.mapcount(f));
        }
    }

    @ParameterizedTest(name = "flag {0}")
    @ValueSource(ints = {PageStore.F_ZERO, PageStore.F_KSM, PageStore.F_SKSM})
    void writesToSharedReadOnlyFramesShouldThrow(int flag) {
        try (PageStore store = new PageStore()) {
            int f = store.allocate(PageStore.F_ANON | flag);
            assertThrows(IllegalStateException.class, () -> store.writeByte(f, 0, (byte) 1));
            assertThrows(IllegalStateException.class, () -> store.writeLong(f, 0, 1L));
            assertThrows(IllegalStateException.class, () -> store.fillLong(f, 1L));
            assertTrue(allZero(store, f), "nothing was written");
            store.clearFlag(f, flag);
            store.writeByte(f, 0, (byte) 1); // writable again once unmerged
            assertEquals(1, store.readByte(f, 0));
        }
    }

    @Test
    void writesToTheZeroFrameShouldThrow() {
        try (PageStore store = new PageStore()) {
            assertThrows(IllegalStateException.class, () -> store.writeLong(PageStore.ZERO_FRAME, 0, 1L));
            assertTrue(allZero(store, PageStore.ZERO_FRAME));
        }
    }

    @Test
    void allocateCopyShouldCopyTheBytesIntoAFreshFrame() {
        try (PageStore store = new PageStore()) {
            int src = store.allocate(PageStore.F_ANON);
            for (int i = 0; i < PAGE; i += 8) {
                store.writeLong(src, i, i * 0x9E3779B97F4A7C15L);
            }
            store.setFlag(src, PageStore.F_KSM); // copying out of a KSM page is how COW works
            int copy = store.allocateCopy(src, PageStore.F_ANON);
            assertNotEquals(src, copy);
            assertEquals(-1, PageCompare.scalar().firstDifference(store.chunk(src), PageStore.offset(src),
                    store.chunk(copy), PageStore.offset(copy)));
            assertEquals(PageStore.F_ANON, store.flags(copy));
            assertEquals(1, store.refcount(copy));
            store.writeLong(copy, 0, 7L);
            assertEquals(0L, store.readLong(src, 0), "the copy is independent of its source");
            assertEquals(3, store.allocatedFrames());
        }
    }

    @Test
    void allocatedFramesShouldCountLiveFramesIncludingTheZeroFrame() {
        try (PageStore store = new PageStore()) {
            int[] frames = new int[100];
            for (int i = 0; i < frames.length; i++) {
                frames[i] = store.allocate(PageStore.F_ANON);
            }
            assertEquals(101, store.allocatedFrames());
            for (int i = 0; i < frames.length; i += 2) {
                store.put(frames[i]);
            }
            assertEquals(51, store.allocatedFrames());
            assertEquals(101, store.frameLimit());
            for (int i = 0; i < 60; i++) {
                store.allocate(PageStore.F_ANON);
            }
            assertEquals(111, store.allocatedFrames());
            assertEquals(111, store.frameLimit(), "50 reused, 10 new");
        }
    }
}
