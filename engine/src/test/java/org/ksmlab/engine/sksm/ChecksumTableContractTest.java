package org.ksmlab.engine.sksm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.ksmlab.engine.memory.PageStore.PAGE_SIZE;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ksmlab.engine.cost.CostModel;
import org.ksmlab.engine.memory.PageStore;
import org.ksmlab.engine.mm.Kernel;
import org.ksmlab.engine.mm.VmFlags;
import org.ksmlab.engine.sim.Algorithms;

/** What both checksum tables must do, run against each (JCTools QueueSanityTest style). */
class ChecksumTableContractTest {
    private static Supplier<ChecksumTable> table(String kind) {
        return switch (kind) {
            case "chained" -> () -> new ChainedChecksumTable(ChainedChecksumTable.RFC_BITS);
            case "resizable" -> () -> new ResizableChecksumTable(16); // no growth here: a fixed probe order
            default -> throw new IllegalArgumentException(kind);
        };
    }

    /**
     * Every page hashes to the same value, so the zero page, X and Y share one chain (probe
     * run). X' (a copy of X) must compare what precedes X and find X.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"chained", "resizable"})
    void chainWalkShouldCompareContentsWhenChecksumsCollide(String kind) {
        ChecksumTable t = table(kind).get();
        try (Kernel k = new Kernel(new Sksm("sksm-test", t, (store, frame) -> 0x1234L, CostModel.defaults()))) {
            int pid = k.spawn();
            long base = k.mmapAnonymous(pid, 3L * PAGE_SIZE);
            k.writeLong(pid, base, 1);                  // X
            k.writeLong(pid, base + PAGE_SIZE, 2);      // Y
            k.writeLong(pid, base + 2 * PAGE_SIZE, 1);  // X'
            int x = k.frameAt(pid, base);
            k.madvise(pid, base, 2L * PAGE_SIZE, VmFlags.MADV_MERGE);
            Map<String, Long> c = k.counters();
            assertEquals(3, c.get("sksm_table_entries"));
            assertEquals(3, c.get("sksm_checksum_collisions"), "X vs zero; Y vs X and zero");
            k.madvise(pid, base + 2 * PAGE_SIZE, PAGE_SIZE, VmFlags.MADV_MERGE);
            c = k.counters();
            assertEquals(x, k.frameAt(pid, base + 2 * PAGE_SIZE));
            assertEquals(4, c.get("sksm_checksum_collisions"), "X' passed one non-matching entry before X (Y heads the chain; the zero page heads the probe run)");
            assertEquals(3, c.get("sksm_chain_max"));
            assertEquals(1, c.get("sksm_pages_merged"));
            assertEquals(1, k.readLong(pid, base + 2 * PAGE_SIZE));
            assertEquals(2, k.readLong(pid, base + PAGE_SIZE));
            k.checkInvariants();
        }
    }

    /** Random inserts and removals with few distinct hashes: every entry stays reachable. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"chained", "resizable"})
    void removalShouldKeepEveryOtherEntryReachable(String kind) {
        ChecksumTable t = table(kind).get();
        SplittableRandom rng = new SplittableRandom(7);
        TreeSet<Integer> in = new TreeSet<>();
        for (int step = 0; step < 5000; step++) {
            int frame = 1 + rng.nextInt(300);
            if (in.contains(frame)) {
                t.remove(frame % 5, frame);
                in.remove(frame);
            } else {
                t.insert(frame % 5, frame); // 5 hashes: long chains and probe runs
                in.add(frame);
            }
            assertEquals(in.size(), t.entries());
        }
        List<Integer> seen = new ArrayList<>();
        t.forEachEntry(seen::add);
        assertEquals(in, new TreeSet<>(seen));
        for (int f : in) {
            t.remove(f % 5, f); // throws if a probe sequence or chain lost it
        }
        assertEquals(0, t.entries());
        assertThrows(IllegalStateException.class, () -> t.remove(in.first() % 5, in.first()));
    }

    @org.junit.jupiter.api.Test
    void resizableTableShouldDoubleWhenHalfFull() {
        try (Kernel k = new Kernel(Algorithms.create("sksm-resizable", Map.of("initial_slots", "4")))) {
            int pid = k.spawn();
            long base = k.mmapAnonymous(pid, 11L * PAGE_SIZE);
            for (int i = 0; i < 11; i++) {
                k.writeLong(pid, base + (long) i * PAGE_SIZE, i < 10 ? i + 1 : 3); // page 10 duplicates page 2
            }
            k.madvise(pid, base, 11L * PAGE_SIZE, VmFlags.MADV_MERGE);
            Map<String, Long> c = k.counters();
            assertEquals(11, c.get("sksm_table_entries"), "zero page + 10 unique pages");
            assertEquals(32, c.get("sksm_table_slots"), "4 -> 8 (3rd entry) -> 16 (5th) -> 32 (9th)");
            assertEquals(3, c.get("sksm_table_resizes"));
            assertEquals(k.frameAt(pid, base + 2L * PAGE_SIZE), k.frameAt(pid, base + 10L * PAGE_SIZE));
            assertEquals(1, c.get("sksm_pages_merged"));
            assertNotEquals(PageStore.ZERO_FRAME, k.frameAt(pid, base));
            k.checkInvariants();
        }
    }

    @org.junit.jupiter.api.Test
    void hash32ShouldMatchTheKernelsMultiplicativeHash() {
        // include/linux/hash.h: hash_32(val, bits) = (val * 0x61C88647) >> (32 - bits), in u32.
        assertEquals(0, ChainedChecksumTable.hash32(0, 16));
        assertEquals(0x61C8, ChainedChecksumTable.hash32(1, 16));
        assertEquals((int) ((0xdeadbeefL * 0x61C88647L & 0xffffffffL) >>> 16), ChainedChecksumTable.hash32(0xdeadbeef, 16));
    }

    /** Chain statistics follow every insert and removal (the resizable table keeps them between changes). */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"chained", "resizable"})
    void chainStatisticsFollowInsertsAndRemovals(String kind) {
        ChecksumTable t = table(kind).get();
        boolean chained = kind.equals("chained");
        t.insert(7, 101);
        t.insert(7, 102);
        t.insert(7, 103);
        assertEquals(3, t.chainMax());
        assertEquals(chained ? 3000 : 2000, t.chainMeanMilli()); // one bucket of 3; probe paths 1, 2, 3
        assertEquals(3, t.chainMax());
        t.remove(7, 102);
        assertEquals(2, t.chainMax());
        assertEquals(chained ? 2000 : 1500, t.chainMeanMilli());
        t.insert(99, 104);
        assertEquals(2, t.chainMax());
        assertEquals(chained ? 1500 : 1333, t.chainMeanMilli());
        assertEquals(5, t.changes(), "four inserts and a removal, no resize");
    }
}
