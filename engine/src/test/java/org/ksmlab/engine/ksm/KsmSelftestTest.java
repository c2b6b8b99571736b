package org.ksmlab.engine.ksm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.ksmlab.engine.ksm.KsmHarness.same;
import static org.ksmlab.engine.memory.PageStore.PAGE_SIZE;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.ksmlab.engine.mm.Errno;
import org.ksmlab.engine.mm.SyscallException;
import org.ksmlab.engine.mm.VmFlags;

/**
 * The outcomes of the kernel's own KSM selftests (tools/testing/selftests/mm/ksm_tests.c,
 * ksm_functional_tests.c), as docs/kernel-behaviour.md lists them, with exact counters.
 */
class KsmSelftestTest {
    @Test
    void tenIdenticalPagesMergeIntoOneSharedAndNineSharingAfterTwoPasses() {
        try (KsmHarness h = new KsmHarness()) {
            int pid = h.kernel.spawn();
            long base = h.mapFilled(pid, same(10, 7));
            h.mergeable(pid, base, 10);
            h.scans(1);
            // Pass 1 only records checksums: nothing merged yet, every item volatile.
            assertEquals(0, h.c("pages_shared"));
            assertEquals(10, h.c("pages_volatile"));
            assertEquals(-640, h.c("general_profit"));
            h.scans(1);
            assertEquals(1, h.c("pages_shared"));
            assertEquals(9, h.c("pages_sharing"));
            assertEquals(0, h.c("pages_unshared"));
            assertEquals(0, h.c("pages_volatile"));
            assertEquals(9 * 4096 - 10 * 64, h.c("general_profit"));
            assertEquals(1, h.c("nr_anon_pages"));
            assertEquals(1, h.distinctFrames(pid, base, 10));
        }
    }

    static Stream<Arguments> chainSweep() {
        List<Arguments> a = new ArrayList<>();
        for (int m : new int[] {2, 3, 4, 5, 10, 256}) {
            for (int n : new int[] {2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 20, 21, 100, 257, 513}) {
                a.add(Arguments.of(n, m));
            }
        }
        return a.stream();
    }

    /**
     * With n identical pages and m = max_page_sharing: if n % m is 0 or 1, shared = n/m and
     * sharing = shared*(m-1); otherwise shared = n/m + 1 and sharing = n - shared. The page
     * left over when n % m == 1 stays in the unstable tree (measured on Linux 6.18).
     */
    @ParameterizedTest(name = "n={0} max_page_sharing={1}")
    @MethodSource("chainSweep")
    void identicalPagesFollowTheChainRule(int n, int m) {
        try (KsmHarness h = new KsmHarness("max_page_sharing=" + m, "smart_scan=0")) {
            int pid = h.kernel.spawn();
            long base = h.mapFilled(pid, same(n, 3));
            h.mergeable(pid, base, n);
            h.scans(3);
            long shared = n % m <= 1 ? n / m : n / m + 1;
            long sharing = n % m <= 1 ? shared * (m - 1) : n - shared;
            assertEquals(shared, h.c("pages_shared"));
            assertEquals(sharing, h.c("pages_sharing"));
            assertEquals(n % m == 1 && n > 1 ? 1 : 0, h.c("pages_unshared"));
            assertEquals(shared > 1 ? 1 : 0, h.c("stable_node_chains"));
            assertEquals(shared > 1 ? shared : 0, h.c("stable_node_dups"));
        }
    }

    /**
     * A chain whose dups are all full is walked whole at every search that finds its content (the
     * kernel's stable_node_dup finds no candidate and visits every dup): 2,000 identical pages
     * at max_page_sharing=2 make a chain of 1,000 dups. The model skips that walk when the
     * chain's counts say every dup is full and none stale, and must still count every dup it
     * would have visited: the steps below are what the walking implementation counted (before
     * the skip) for the same three passes, and the counters are the chain rule's.
     */
    @Test
    void aChainOfFullDupsCountsEveryDupAtEverySearch() {
        try (KsmHarness h = new KsmHarness("max_page_sharing=2", "smart_scan=0")) {
            int pid = h.kernel.spawn();
            long base = h.mapFilled(pid, same(2000, 3));
            h.mergeable(pid, base, 2000);
            h.scans(3);
            assertEquals(1000, h.c("stable_node_dups"));
            assertEquals(1000, h.c("pages_sharing"));
            assertEquals(CHAIN_STEPS, h.ksm.workCounts().stableSteps);
        }
    }

    private static final long CHAIN_STEPS = 1_501_494;

    @Test
    void mergedPagesWrittenOnceMoreAreUnmergedAtTheNextPass() {
        try (KsmHarness h = new KsmHarness()) {
            int pid = h.kernel.spawn();
            long base = h.mapFilled(pid, same(2, 5));
            h.mergeable(pid, base, 2);
            h.scans(2);
            assertEquals(1, h.c("pages_shared"));
            assertEquals(1, h.c("pages_sharing"));
            h.kernel.writeByte(pid, base, (byte) 1);
            h.kernel.writeByte(pid, base + PAGE_SIZE, (byte) 2);
            // COW happened at once, but the counters change only when ksmd revisits.
            assertEquals(1, h.c("pages_shared"));
            assertEquals(2, h.c("cow_on_ksm_pages"));
            h.scans(1);
            assertEquals(0, h.c("pages_shared"));
            assertEquals(0, h.c("pages_sharing"));
            assertEquals(2, h.distinctFrames(pid, base, 2));
        }
    }

    @Test
    void zeroPagesMergeWithTheZeroPageWhenUseZeroPagesIsSet() {
        try (KsmHarness h = new KsmHarness("use_zero_pages=1")) {
            int pid = h.kernel.spawn();
            long base = h.mapFilled(pid, same(10, 0));
            h.mergeable(pid, base, 10);
            h.scans(2);
            assertEquals(0, h.c("pages_shared"));
            assertEquals(0, h.c("pages_sharing"));
            assertEquals(10, h.c("ksm_zero_pages"));
            // In the merging pass the items are in no tree: they count as volatile (Linux 6.18).
            assertEquals(10, h.c("pages_volatile"));
            assertEquals(0, h.c("nr_anon_pages"));
            h.scans(1);
            // Zero-page ptes are not anonymous pages: the cursor frees their rmap_items.
            assertEquals(0, h.c("rmap_items"));
            assertEquals(0, h.c("pages_volatile"));
            assertEquals(10 * 4096, h.c("general_profit"));
        }
    }

    @Test
    void zeroPagesMergeLikeAnyIdenticalPagesWithoutUseZeroPages() {
        try (KsmHarness h = new KsmHarness("use_zero_pages=0")) {
            int pid = h.kernel.spawn();
            long base = h.mapFilled(pid, same(10, 0));
            h.mergeable(pid, base, 10);
            h.scans(2);
            assertEquals(1, h.c("pages_shared"));
            assertEquals(9, h.c("pages_sharing"));
            assertEquals(0, h.c("ksm_zero_pages"));
        }
    }

    @Test
    void ksmZeroPagesDropOnUnmergeableAndAtOnceOnWrite() {
        try (KsmHarness h = new KsmHarness("use_zero_pages=1")) {
            int pid = h.kernel.spawn();
            long base = h.mapFilled(pid, same(512, 0));
            h.mergeable(pid, base, 512);
            h.scans(2);
            assertEquals(512, h.c("ksm_zero_pages"));
            h.kernel.madvise(pid, base, 256L * PAGE_SIZE, VmFlags.MADV_UNMERGEABLE);
            assertEquals(256, h.c("ksm_zero_pages"));
            for (int i = 256; i < 512; i++) {
                h.kernel.writeByte(pid, base + (long) i * PAGE_SIZE, (byte) 1);
            }
            assertEquals(0, h.c("ksm_zero_pages"));
            assertEquals(0, h.ksm.ksmStat(h.kernel.process(pid)).get("ksm_zero_pages"));
        }
    }

    @Test
    void unmergeableAfterMergeLeavesNoTwoPagesOnOneFrame() {
        try (KsmHarness h = new KsmHarness()) {
            int pid = h.kernel.spawn();
            long base = h.mapFilled(pid, same(64, 9));
            h.mergeable(pid, base, 64);
            h.scans(2);
            assertEquals(1, h.distinctFrames(pid, base, 64));
            h.kernel.madvise(pid, base, 64L * PAGE_SIZE, VmFlags.MADV_UNMERGEABLE);
            assertEquals(64, h.distinctFrames(pid, base, 64));
            assertEquals(64, h.c("nr_anon_pages"));
        }
    }

    @Test
    void dontneedOfHalfThenUnmergeableLeavesNoDuplicates() {
        try (KsmHarness h = new KsmHarness()) {
            int pid = h.kernel.spawn();
            long base = h.mapFilled(pid, same(64, 9));
            h.mergeable(pid, base, 64);
            h.scans(2);
            h.kernel.madvise(pid, base, 32L * PAGE_SIZE, VmFlags.MADV_DONTNEED);
            h.kernel.madvise(pid, base, 64L * PAGE_SIZE, VmFlags.MADV_UNMERGEABLE);
            // The first half is unmapped now (the pte reads the zero page on access).
            for (int i = 0; i < 32; i++) assertEquals(-1, h.kernel.frameAt(pid, base + (long) i * PAGE_SIZE));
            assertEquals(32, h.distinctFrames(pid, base + 32L * PAGE_SIZE, 32));
        }
    }

    @Test
    void prctlMergeAnyIsInheritedByForkAndPrctlZeroUnmerges() {
        try (KsmHarness h = new KsmHarness()) {
            int pid = h.kernel.spawn();
            h.kernel.prctl(pid, VmFlags.PR_SET_MEMORY_MERGE, 1);
            assertEquals(1, h.kernel.prctl(pid, VmFlags.PR_GET_MEMORY_MERGE, 0));
            long base = h.mapFilled(pid, same(20, 4));
            h.scans(3);
            assertEquals(1, h.c("pages_shared"));
            assertEquals(19, h.c("pages_sharing"));
            int child = h.kernel.fork(pid);
            assertEquals(1, h.kernel.prctl(child, VmFlags.PR_GET_MEMORY_MERGE, 0));
            assertEquals(0, h.ksm.ksmStat(h.kernel.process(child)).get("ksm_merging_pages"));
            assertEquals(0, h.ksm.ksmStat(h.kernel.process(child)).get("ksm_rmap_items"));
            h.kernel.prctl(pid, VmFlags.PR_SET_MEMORY_MERGE, 0);
            assertEquals(0, h.kernel.prctl(pid, VmFlags.PR_GET_MEMORY_MERGE, 0));
            assertEquals(20, h.distinctFrames(pid, base, 20));
        }
    }

    @Test
    void forkedChildJoinsTheKsmPageBeyondMaxPageSharing() {
        // Measured on Linux 6.18: 200 merged pages + fork with max_page_sharing=256 give one KSM
        // page with 400 mappings: a KSM fork bypasses the limit, and needs no checksum pass.
        try (KsmHarness h = new KsmHarness()) {
            int pid = h.kernel.spawn();
            long base = h.mapFilled(pid, same(200, 8));
            h.mergeable(pid, base, 200);
            h.scans(2);
            assertEquals(1, h.c("pages_shared"));
            assertEquals(199, h.c("pages_sharing"));
            h.kernel.fork(pid);
            h.scans(2);
            assertEquals(1, h.c("pages_shared"));
            assertEquals(399, h.c("pages_sharing"));
            assertEquals(0, h.c("stable_node_chains"));
        }
    }

    @Test
    void mmWithNothingMergeableLeftIsDroppedAndFullScansStop() {
        try (KsmHarness h = new KsmHarness()) {
            int pid = h.kernel.spawn();
            long base = h.mapFilled(pid, same(100, 2));
            h.mergeable(pid, base, 100);
            h.scans(2);
            h.kernel.madvise(pid, base, 100L * PAGE_SIZE, VmFlags.MADV_UNMERGEABLE);
            assertEquals(100, h.distinctFrames(pid, base, 100));
            assertEquals(1, h.c("pages_shared"), "counters change at the next pass");
            h.scans(1);
            assertEquals(0, h.c("pages_shared"));
            assertEquals(0, h.c("rmap_items"));
            assertEquals(Long.MAX_VALUE, h.ksm.nextWakeNanos(), "no mm left: ksmd idles, full_scans freeze");
        }
    }

    @Test
    void runTwoUnmergesEverythingAndResetsFullScans() {
        try (KsmHarness h = new KsmHarness()) {
            int pid = h.kernel.spawn();
            long base = h.mapFilled(pid, same(30, 6));
            h.mergeable(pid, base, 30);
            h.scans(3);
            h.ksm.writeKnob("run", "2");
            assertEquals(0, h.c("pages_shared"));
            assertEquals(0, h.c("pages_sharing"));
            assertEquals(0, h.c("rmap_items"));
            assertEquals(0, h.c("full_scans"));
            assertEquals(30, h.distinctFrames(pid, base, 30));
            h.ksm.writeKnob("max_page_sharing", "4"); // allowed now that pages_shared is 0
        }
    }

    @Test
    void volatilePagesNeverMerge() {
        try (KsmHarness h = new KsmHarness("smart_scan=0")) {
            int pid = h.kernel.spawn();
            long base = h.mapFilled(pid, same(8, 1));
            h.mergeable(pid, base, 8);
            for (int pass = 0; pass < 6; pass++) {
                for (int i = 0; i < 8; i++) {
                    h.kernel.writeLong(pid, base + (long) i * PAGE_SIZE, pass * 100L + i);
                }
                h.scans(1);
                assertEquals(0, h.c("pages_shared"));
                assertEquals(8, h.c("pages_volatile"));
            }
        }
    }

    @Test
    void knobWritesGetTheKernelsErrors() {
        try (KsmHarness h = new KsmHarness()) {
            KsmKnobs k = h.ksm.knobs();
            assertEquals(Errno.EINVAL, assertThrows(SyscallException.class, () -> h.ksm.writeKnob("max_page_sharing", "1")).errno());
            assertEquals(Errno.EINVAL, assertThrows(SyscallException.class, () -> h.ksm.writeKnob("pages_to_scan", "-5")).errno());
            assertEquals(Errno.EINVAL, assertThrows(SyscallException.class, () -> h.ksm.writeKnob("run", "3")).errno());
            assertEquals(Errno.EINVAL, assertThrows(SyscallException.class, () -> h.ksm.writeKnob("advisor_target_scan_time", "0")).errno());
            assertEquals(Errno.EINVAL, assertThrows(SyscallException.class, () -> h.ksm.writeKnob("advisor_mode", "fast")).errno());
            h.ksm.writeKnob("advisor_mode", "scan-time");
            assertEquals(500, k.pagesToScan, "entering scan-time sets advisor_min_pages_to_scan");
            assertEquals(Errno.EINVAL, assertThrows(SyscallException.class, () -> h.ksm.writeKnob("pages_to_scan", "500")).errno());
            h.ksm.writeKnob("advisor_mode", "none");
            assertEquals(100, k.pagesToScan);
            int pid = h.kernel.spawn();
            long base = h.mapFilled(pid, same(4, 1));
            h.mergeable(pid, base, 4);
            h.scans(2);
            assertEquals(Errno.EBUSY, assertThrows(SyscallException.class, () -> h.ksm.writeKnob("max_page_sharing", "3")).errno());
            h.ksm.writeKnob("max_page_sharing", "256"); // the current value is accepted even now
        }
    }

    @Test
    void prctlMergeAnyIsKeptByExecAndTheNewImageMerges() {
        try (KsmHarness h = new KsmHarness()) {
            int pid = h.kernel.spawn();
            h.kernel.prctl(pid, VmFlags.PR_SET_MEMORY_MERGE, 1);
            h.mapFilled(pid, same(10, 3));
            h.scans(2);
            assertEquals(9, h.c("pages_sharing"));
            h.kernel.exec(pid);
            assertEquals(1, h.kernel.prctl(pid, VmFlags.PR_GET_MEMORY_MERGE, 0));
            assertEquals(0, h.ksm.ksmStat(h.kernel.process(pid)).get("ksm_rmap_items"));
            long base = h.mapFilled(pid, same(6, 5));
            h.scans(3);
            // The old image's items went with its mm; the new image's pages merged without madvise.
            assertEquals(1, h.c("pages_shared"));
            assertEquals(5, h.c("pages_sharing"));
            assertEquals(1, h.distinctFrames(pid, base, 6));
            assertEquals(6, h.c("rmap_items"));
        }
    }
}
