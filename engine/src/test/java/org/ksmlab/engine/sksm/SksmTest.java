package org.ksmlab.engine.sksm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ksmlab.engine.memory.PageStore.PAGE_SIZE;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ksmlab.engine.cost.CostModel;
import org.ksmlab.engine.memory.PageStore;
import org.ksmlab.engine.mm.Errno;
import org.ksmlab.engine.mm.Kernel;
import org.ksmlab.engine.mm.SyscallException;
import org.ksmlab.engine.mm.VmFlags;
import org.ksmlab.engine.sim.Algorithms;

/** SKSM's MADV_MERGE on the RFC's static table, step by step with exact frames and counters. */
class SksmTest {
    private static final long A = 0xAAAA_0000_0000_000AL;
    private static final long B0 = 0xBBBB_0000_0000_00B0L;
    private static final long B1 = 0xBBBB_0000_0000_00B1L;

    private Kernel k = new Kernel(Algorithms.create("sksm", Map.of()));

    @AfterEach
    void check() {
        k.checkInvariants();
        k.close();
    }

    private long counter(String name) {
        Long v = k.counters().get(name);
        assertTrue(v != null, "no counter " + name);
        return v;
    }

    private long page(long base, int i) {
        return base + (long) i * PAGE_SIZE;
    }

    private void fill(int pid, long addr, long value) {
        k.writePage(pid, addr, (store, frame) -> store.fillLong(frame, value));
    }

    /**
     * The RFC's selftest: a1 == a2 (one page each), b1 == b2 (two pages each), a zero page;
     * merge, touch, merge, touch, merge. Layout: page 0 a1, 1 a2, 2-3 b1, 4-5 b2, 6 zero.
     * The first touch writes the same bytes (pure merge-then-break), the second changes a2.
     */
    @Test
    void rfcSelftestSequenceShouldMergeTouchAndRemergeWithExactFrames() {
        int pid = k.spawn();
        long base = k.mmapAnonymous(pid, 7L * PAGE_SIZE);
        fill(pid, page(base, 0), A);
        fill(pid, page(base, 1), A);
        fill(pid, page(base, 2), B0);
        fill(pid, page(base, 3), B1);
        fill(pid, page(base, 4), B0);
        fill(pid, page(base, 5), B1);
        k.writeLong(pid, page(base, 6), 0); // an anonymous frame of zeros
        int a1 = k.frameAt(pid, page(base, 0));
        int b10 = k.frameAt(pid, page(base, 2));
        int b11 = k.frameAt(pid, page(base, 3));
        assertEquals(7, k.nrAnonPages());
        assertEquals(1, counter("sksm_table_entries"), "the zero page is in the table from boot");

        // merge 1: a2 -> a1, b2 -> b1 page by page, zero -> the zero page; a1, b1 join the table.
        k.madvise(pid, base, 7L * PAGE_SIZE, VmFlags.MADV_MERGE);
        assertEquals(a1, k.frameAt(pid, page(base, 1)));
        assertEquals(b10, k.frameAt(pid, page(base, 4)));
        assertEquals(b11, k.frameAt(pid, page(base, 5)));
        assertEquals(PageStore.ZERO_FRAME, k.frameAt(pid, page(base, 6)));
        assertEquals(3, k.nrAnonPages());
        assertEquals(4, counter("sksm_table_entries"));
        assertEquals(4, counter("sksm_pages_merged"));
        assertEquals(3, counter("sksm_wp_no_match"));
        assertEquals(1, counter("sksm_zero_pages"));
        assertEquals(4, counter("sksm_pages_sharing"));

        // touch 1: a1, b1[0] and the zero page rewritten with the bytes they hold: each COWs.
        k.writeLong(pid, page(base, 0), A);
        k.writeLong(pid, page(base, 2), B0);
        k.writeLong(pid, page(base, 6), 0);
        assertNotEquals(a1, k.frameAt(pid, page(base, 0)));
        assertEquals(3, counter("sksm_cow_after_merge"));
        assertEquals(6, k.nrAnonPages());
        assertEquals(4, counter("sksm_table_entries"), "a2 and b2 still map the table pages");
        assertEquals(0, counter("sksm_zero_pages"));

        // merge 2: the three copies find their twins again.
        k.madvise(pid, base, 7L * PAGE_SIZE, VmFlags.MADV_MERGE);
        assertEquals(a1, k.frameAt(pid, page(base, 0)));
        assertEquals(b10, k.frameAt(pid, page(base, 2)));
        assertEquals(PageStore.ZERO_FRAME, k.frameAt(pid, page(base, 6)));
        assertEquals(3, k.nrAnonPages());
        assertEquals(4, counter("sksm_table_entries"));
        assertEquals(7, counter("sksm_pages_merged"));

        // touch 2: a2 gets new contents, b2[1] and the zero page the same bytes.
        k.writeLong(pid, page(base, 1), A ^ 1);
        k.writeLong(pid, page(base, 5), B1);
        k.writeLong(pid, page(base, 6), 0);
        assertEquals(6, counter("sksm_cow_after_merge"));
        assertEquals(6, k.nrAnonPages());

        // merge 3: a2 is unique now and joins the table; b2[1] and zero merge.
        k.madvise(pid, base, 7L * PAGE_SIZE, VmFlags.MADV_MERGE);
        int a2 = k.frameAt(pid, page(base, 1));
        assertNotEquals(a1, a2);
        assertEquals(b11, k.frameAt(pid, page(base, 5)));
        assertEquals(PageStore.ZERO_FRAME, k.frameAt(pid, page(base, 6)));
        assertEquals(4, k.nrAnonPages());
        assertEquals(5, counter("sksm_table_entries"));
        assertEquals(9, counter("sksm_pages_merged"));
        assertEquals(4, counter("sksm_wp_no_match"));
        assertEquals(3, counter("sksm_madvise_calls"));
        assertEquals(13, counter("sksm_pages_examined"));
        assertEquals(A ^ 1, k.readLong(pid, page(base, 1)));
        assertEquals(A, k.readLong(pid, page(base, 1) + 8));
        assertEquals(A, k.readLong(pid, page(base, 0)));
    }

    @Test
    void freeingATablePageShouldRemoveItFromTheTable() {
        int pid = k.spawn();
        long base = k.mmapAnonymous(pid, 2L * PAGE_SIZE);
        fill(pid, page(base, 0), A);
        fill(pid, page(base, 1), B0);
        k.madvise(pid, base, 2L * PAGE_SIZE, VmFlags.MADV_MERGE);
        assertEquals(3, counter("sksm_table_entries"));
        k.munmap(pid, base, PAGE_SIZE);
        assertEquals(2, counter("sksm_table_entries"));
        k.madvise(pid, page(base, 1), PAGE_SIZE, VmFlags.MADV_DONTNEED);
        assertEquals(1, counter("sksm_table_entries"));
        assertEquals(0, k.nrAnonPages());
    }

    @Test
    void aTablePageShouldStayWhileAnyPteMapsIt() {
        int pid = k.spawn();
        long base = k.mmapAnonymous(pid, 2L * PAGE_SIZE);
        fill(pid, page(base, 0), A);
        fill(pid, page(base, 1), A);
        k.madvise(pid, base, 2L * PAGE_SIZE, VmFlags.MADV_MERGE);
        k.munmap(pid, base, PAGE_SIZE); // the first mapping of the table page goes
        assertEquals(2, counter("sksm_table_entries"));
        assertEquals(1, k.nrAnonPages());
        assertEquals(A, k.readLong(pid, page(base, 1)));
    }

    @Test
    void everyWriteToAMergedPageShouldCopyEvenWhenItIsTheOnlyMapping() {
        int pid = k.spawn();
        long base = k.mmapAnonymous(pid, PAGE_SIZE);
        fill(pid, base, A);
        int f = k.frameAt(pid, base);
        k.madvise(pid, base, PAGE_SIZE, VmFlags.MADV_MERGE);
        assertEquals(1, counter("sksm_wp_no_match"));
        long cows = k.cowFaults();
        k.writeLong(pid, base, 5);
        assertEquals(cows + 1, k.cowFaults(), "not reused in place although refcount was 1");
        assertNotEquals(f, k.frameAt(pid, base));
        assertEquals(1, counter("sksm_cow_after_merge"));
        assertEquals(1, counter("sksm_table_entries"), "the old page was freed and left the table");
        k.writeLong(pid, base, 6);
        assertEquals(cows + 1, k.cowFaults(), "the copy is an ordinary page again");
    }

    @Test
    void madvMergeOnAnUnalignedStartShouldFailWithEinval() {
        int pid = k.spawn();
        long base = k.mmapAnonymous(pid, PAGE_SIZE);
        fill(pid, base, A);
        SyscallException e = assertThrows(SyscallException.class, () -> k.madvise(pid, base + 8, PAGE_SIZE, VmFlags.MADV_MERGE));
        assertEquals(Errno.EINVAL, e.errno());
        assertEquals(0, counter("sksm_madvise_calls"));
    }

    @Test
    void madvMergeInAnIncompatibleVmaShouldBeIgnored() {
        int pid = k.spawn();
        long base = k.mmap(pid, 0, 2L * PAGE_SIZE, VmFlags.PROT_READ | VmFlags.PROT_WRITE,
                VmFlags.MAP_SHARED | VmFlags.MAP_ANONYMOUS, null, 0);
        fill(pid, page(base, 0), A);
        fill(pid, page(base, 1), A);
        int f0 = k.frameAt(pid, page(base, 0));
        k.madvise(pid, base, 2L * PAGE_SIZE, VmFlags.MADV_MERGE);
        assertEquals(1, counter("sksm_madvise_calls"));
        assertEquals(0, counter("sksm_pages_examined"));
        assertEquals(f0, k.frameAt(pid, page(base, 0)));
        assertNotEquals(f0, k.frameAt(pid, page(base, 1)));
        k.writeLong(pid, page(base, 0), 1); // still writable in place: no fault
        assertEquals(0, k.cowFaults());
    }

    @Test
    void madvMergeableShouldMergeAtOnceAsTheProgramsOwnMadvMerge() {
        int pid = k.spawn();
        long base = k.mmapAnonymous(pid, 3L * PAGE_SIZE);
        fill(pid, page(base, 0), A);
        fill(pid, page(base, 1), A);
        fill(pid, page(base, 2), A);
        k.madvise(pid, base, 3L * PAGE_SIZE, VmFlags.MADV_MERGEABLE);
        assertEquals(1, k.nrAnonPages());
        assertEquals(1, counter("sksm_madvise_calls"));
        assertEquals(3000, counter("sksm_pages_per_call_milli"));
        assertTrue(k.process(pid).findVma(base).isMergeable());
    }

    @Test
    void cpuShouldBeChargedPerOperationWithTheSharedCostModel() {
        int pid = k.spawn();
        long base = k.mmapAnonymous(pid, 2L * PAGE_SIZE);
        fill(pid, page(base, 0), A);
        fill(pid, page(base, 1), A);
        k.madvise(pid, base, 2L * PAGE_SIZE, VmFlags.MADV_MERGE);
        CostModel c = CostModel.defaults();
        // One LRU drain, 2 write-protects, 2 checksums, one insert (page 0: its bucket is
        // empty), one chain step and one full compare of both pages (page 1 finds page 0), one merge.
        double expected = c.lruDrainNs() + 2 * c.writeProtectNs() + 2 * c.checksumPageNs() + c.tableUpdateNs() + c.mergeNs()
                + 1 * c.treeStepNs() + 2 * PAGE_SIZE * c.compareByteNs();
        assertEquals((long) expected, counter("cpu_ns"));
    }

    @Test
    void knobsShouldBeValidatedWithClearErrors() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Algorithms.create("sksm-resizable", Map.of("initial_slots", "3")));
        assertTrue(e.getMessage().contains("initial_slots=3 is not a power of two"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Algorithms.create("sksm-aged", Map.of("scan_ms", "0")));
        assertTrue(e.getMessage().contains("scan_ms=0 is out of range"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Algorithms.create("sksm", Map.of("cost.merge_ns", "x")));
        assertTrue(e.getMessage().contains("merge_ns=x is not a number"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Algorithms.create("sksm", Map.of("age_ms", "5")));
        assertTrue(e.getMessage().contains("unknown parameter 'age_ms'"), e.getMessage());
    }

    /**
     * sksm_pages_sharing is kept between samples while no mapcount and no table entry changed;
     * after each step that changes either (merge, fork, a write that copies, an unmap, an exit)
     * it equals a fresh walk of the table.
     */
    @Test
    void pagesSharingFollowsEveryMapcountAndTableChange() {
        Sksm sksm = (Sksm) k.merger();
        int pid = k.spawn();
        long base = k.mmapAnonymous(pid, 8L * PAGE_SIZE);
        for (int i = 0; i < 8; i++) {
            fill(pid, page(base, i), i < 4 ? A : B0);
        }
        java.util.List<Runnable> steps = java.util.List.of(
                () -> k.madvise(pid, base, 8L * PAGE_SIZE, VmFlags.MADV_MERGE),
                () -> { },
                () -> k.fork(pid),
                () -> fill(pid, page(base, 1), B1),
                () -> k.madvise(pid, base, 8L * PAGE_SIZE, VmFlags.MADV_MERGE),
                () -> k.munmap(pid, page(base, 6), 2L * PAGE_SIZE),
                () -> k.exit(pid));
        java.util.List<Long> seen = new java.util.ArrayList<>();
        for (Runnable step : steps) {
            step.run();
            assertEquals(sksm.walkPagesSharing(), counter("sksm_pages_sharing") - counter("sksm_zero_pages"));
            seen.add(counter("sksm_pages_sharing"));
        }
        // merged: 3 + 3 beyond the first mapping; fork doubles them (7 + 7); the copied write drops one A; the unique
        // page does not merge; the unmap drops two B; the parent's exit leaves the child's 4 + 4 mappings (3 + 3)
        assertEquals(java.util.List.of(6L, 6L, 14L, 13L, 13L, 11L, 6L), seen);
    }
}
