package org.ksmlab.engine.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** What a symbolic frame costs: plain workload contents need no table entry; patches and copies share one until written. */
class SymbolicFrameContentsTest {
    @Test
    void plainPatternsOfTheFirstSeedAndZerosNeedNoEntry() {
        try (SymbolicFrameContents c = new SymbolicFrameContents()) {
            c.ensureFrames(4);
            c.fillPattern(1, 42, 7);
            c.fillPattern(2, 42, SymbolicFrameContents.MAX_DIRECT_ID);
            c.fillLong(3, 0);
            assertEquals(0, c.contentEntries());
            c.fillPattern(3, 42, SymbolicFrameContents.MAX_DIRECT_ID + 1); // beyond what a handle codes
            assertEquals(1, c.contentEntries());
            c.fillPattern(3, 43, 7); // another seed
            assertEquals(1, c.contentEntries(), "the overwritten entry was dropped");
            assertEquals(PagePattern.word(PagePattern.key(43, 7), 5), c.readLong(3, 40));
        }
    }

    @Test
    void aPatchedPageIsOneEntrySharedByItsCopiesUntilOneIsWritten() {
        try (SymbolicFrameContents c = new SymbolicFrameContents()) {
            c.ensureFrames(4);
            c.fillPattern(1, 42, 7);
            long base = c.readLong(1, 0x800);
            c.writeLong(1, 0x800, 0xC0DE);
            assertEquals(1, c.contentEntries());
            c.copy(1, 2);
            c.copy(1, 3);
            assertEquals(1, c.contentEntries(), "copies share the entry");
            assertEquals(-1, c.firstDifference(2, 3));
            c.writeByte(3, 0x801, (byte) 1);
            assertEquals(2, c.contentEntries(), "a write to a shared entry copies it");
            assertEquals(0x801, c.firstDifference(1, 3));
            assertEquals(0xC0DE, c.readLong(2, 0x800));
            c.writeLong(2, 0x800, base); // the base's own word again: no override left
            assertEquals(-1, c.firstDifference(2, 2));
            c.release(1);
            c.release(3);
            assertEquals(1, c.contentEntries(), "frame 2 still holds its (now plain) entry");
            c.release(2);
            assertEquals(0, c.contentEntries());
        }
    }

    @Test
    void anIdentityComparesAndReadsAsTheFrameItWasTakenFrom() {
        try (SymbolicFrameContents c = new SymbolicFrameContents()) {
            c.ensureFrames(6);
            c.fillPattern(1, 42, 7);
            c.fillPattern(2, 42, 8);
            c.fillPattern(3, 42, 7);
            c.writeLong(3, 0x800, 0xC0DE); // an entry on 1's base
            c.fillLong(4, 0x0101010101010101L); // one word repeated
            // frame 5 stays zero
            for (int a = 1; a <= 5; a++) {
                for (int b = 1; b <= 5; b++) {
                    int at = c.firstDifference(a, b);
                    assertEquals(at, c.firstDifferenceFromIdentity(a, c.identity(b)), a + " against " + b);
                    if (at >= 0) {
                        assertEquals(c.readByte(b, at), c.readByteOfIdentity(c.identity(b), at), a + " against " + b);
                    }
                }
            }
            int patch = c.firstDifference(1, 3);
            assertTrue(patch >= 0x800 && patch < 0x808, "1 and 3 differ in the patched word, not at " + patch);
            int held = c.identity(3);
            c.copy(3, 2); // 2 takes 3's entry; 3's identity still stands for 3's bytes
            assertEquals(-1, c.firstDifferenceFromIdentity(2, held));
        }
        try (ByteFrameContents b = new ByteFrameContents()) {
            b.ensureFrames(2);
            assertThrows(UnsupportedOperationException.class, () -> b.identity(1));
        }
    }

    @Test
    void aSymbolicStoreHasNoBytesToHandOut() {
        try (PageStore store = new PageStore(PageMode.SYMBOLIC, (f, flags) -> { })) {
            int f = store.allocate(PageStore.F_ANON);
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> store.segment(f));
            assertTrue(e.getMessage().startsWith("page memory is symbolic"), e.getMessage());
        }
    }

    @Test
    void pageModesParseByNameAndRefuseOthersNamingTheValue() {
        assertEquals(PageMode.SYMBOLIC, PageMode.parse("Symbolic"));
        assertEquals(PageMode.BYTE, PageMode.parse("byte"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PageMode.parse("bits"));
        assertEquals("page mode 'bits': expected byte or symbolic", e.getMessage());
    }
}
