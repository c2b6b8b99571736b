package org.ksmlab.engine.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The packed frame metadata: counts beyond their bits spill and come back exact; the free list stays a stack. */
class FrameMetaTest {
    @Test
    void countsThatDoNotFitSpillAndStayExact() {
        try (PageStore store = new PageStore()) {
            int f = store.allocate(PageStore.F_ANON);
            for (int i = 0; i < 5; i++) store.get(f); // six references, no mapping: extra references beyond 2
            assertEquals(6, store.refcount(f));
            assertEquals(1, store.spilledFrames());
            for (int i = 0; i < 6; i++) store.incMapcount(f);
            assertEquals(6, store.mapcount(f));
            assertEquals(6, store.refcount(f));
            assertEquals(0, store.spilledFrames(), "back in its int once refcount - mapcount fits");
            assertEquals(PageStore.F_ANON, store.flags(f));
            store.setFlag(f, PageStore.F_KSM);
            assertEquals(PageStore.F_ANON | PageStore.F_KSM, store.flags(f));
            int many = (1 << 23) + 5; // more mappings than the packed field holds
            for (int i = 6; i < many; i++) {
                store.get(f);
                store.incMapcount(f);
            }
            assertEquals(many, store.mapcount(f));
            assertEquals(many, store.refcount(f));
            assertEquals(1, store.spilledFrames());
            assertEquals(PageStore.F_ANON | PageStore.F_KSM, store.flags(f));
            for (int i = 0; i < many; i++) {
                store.decMapcount(f);
                store.put(f);
            }
            assertTrue(store.isFree(f));
            assertEquals(0, store.spilledFrames(), "a freed frame leaves the spill map");
        }
    }

    @Test
    void freedFramesAreHandedOutAgainMostRecentFirst() {
        try (PageStore store = new PageStore(PageMode.SYMBOLIC, (f, flags) -> { })) {
            int a = store.allocate(PageStore.F_ANON);
            int b = store.allocate(PageStore.F_ANON);
            int c = store.allocate(PageStore.F_ANON);
            store.put(a);
            store.put(c);
            store.put(b);
            assertTrue(store.isFree(a) && store.isFree(b) && store.isFree(c));
            assertEquals(0, store.refcount(b));
            assertEquals(0, store.flags(b));
            assertEquals(b, store.allocate(PageStore.F_FILE));
            assertEquals(c, store.allocate(PageStore.F_ANON));
            assertEquals(a, store.allocate(PageStore.F_ANON));
            assertEquals(4, store.allocate(PageStore.F_ANON), "then new frames");
            assertEquals(PageStore.F_FILE, store.flags(b));
            assertEquals(1, store.refcount(b));
        }
    }

    @Test
    void theContentsWordSharesEachRecordWithoutDisturbingCountsFlagsOrTheFreeList() {
        try (FrameMeta meta = new FrameMeta(true)) {
            FrameWord word = meta.contentsWord();
            int frames = OffHeapArray.CHUNK_BYTES / Integer.BYTES; // two ints a frame: the records span two chunks
            word.ensure(frames);
            for (int f = 0; f < frames; f++) {
                meta.allocated(f, PageStore.F_ANON);
                word.set(f, -f - 1);
            }
            meta.setCounts(5, 3, 2);
            meta.setFlags(5, PageStore.F_ANON | PageStore.F_KSM);
            meta.pushFree(7);
            meta.pushFree(frames - 1);
            assertEquals(3, meta.refcount(5));
            assertEquals(2, meta.mapcount(5));
            assertEquals(PageStore.F_ANON | PageStore.F_KSM, meta.flags(5));
            assertEquals(frames - 1, meta.popFree());
            assertEquals(7, meta.popFree());
            assertEquals(-1, meta.popFree());
            for (int f = 0; f < frames; f++) {
                assertEquals(-f - 1, word.get(f), "frame " + f);
            }
            assertEquals(2L * OffHeapArray.CHUNK_BYTES, meta.reservedBytes());
            assertEquals(0, word.reservedBytes(), "the records are counted once, by the meta");
        }
        try (FrameMeta plain = new FrameMeta()) {
            assertThrows(IllegalStateException.class, plain::contentsWord);
        }
    }

    @Test
    void offHeapArraysReadZeroUntilWrittenAndSpanChunks() {
        try (OffHeapArray ints = OffHeapArray.ints(); OffHeapArray longs = OffHeapArray.longs(); OffHeapArray bytes = OffHeapArray.bytes()) {
            long perChunk = OffHeapArray.CHUNK_BYTES / Integer.BYTES;
            ints.ensure(perChunk + 2);
            assertEquals(2 * perChunk, ints.capacity());
            assertEquals(0, ints.getInt(perChunk + 1));
            ints.setInt(perChunk - 1, -7);
            ints.setInt(perChunk, 9);
            assertEquals(-7, ints.getInt(perChunk - 1));
            assertEquals(9, ints.getInt(perChunk));
            longs.ensure(1);
            longs.setLong(0, Long.MIN_VALUE);
            assertEquals(Long.MIN_VALUE, longs.getLong(0));
            bytes.ensure(OffHeapArray.CHUNK_BYTES + 1L);
            bytes.setByte(OffHeapArray.CHUNK_BYTES, (byte) -1);
            assertEquals((byte) -1, bytes.getByte(OffHeapArray.CHUNK_BYTES));
            assertEquals(2L * OffHeapArray.CHUNK_BYTES, bytes.reservedBytes());
        }
    }
}
