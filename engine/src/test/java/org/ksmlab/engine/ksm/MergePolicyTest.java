package org.ksmlab.engine.ksm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.ksmlab.engine.memory.PageStore.PAGE_SIZE;

import org.junit.jupiter.api.Test;

/**
 * The defences modelled as KSM variants ({@link MergePolicy}), with exact counters on small
 * fixed layouts: what each merges, and the fault a write then takes.
 */
class MergePolicyTest {
    /** Contents 1..n. */
    private static long[] distinct(int n, long from) {
        long[] a = new long[n];
        for (int i = 0; i < n; i++) a[i] = from + i;
        return a;
    }

    @Test
    void zeroPagesOnlyShouldMergeZeroPagesWithTheZeroPageAndLeaveEqualPagesAlone() {
        try (KsmHarness h = new KsmHarness(MergePolicy.ZERO_PAGES_ONLY)) {
            int a = h.kernel.spawn();
            int b = h.kernel.spawn();
            long[] layout = {0, 0, 0, 0, 0, 7, 7, 8, 8, 9};
            long ba = h.mapFilled(a, layout);
            long bb = h.mapFilled(b, layout);
            h.mergeable(a, ba, layout.length);
            h.mergeable(b, bb, layout.length);
            h.scans(3);
            assertEquals("ksm-zero-only", h.ksm.name());
            assertEquals(10, h.c("ksm_zero_pages"));
            assertEquals(0, h.c("pages_shared"));
            assertEquals(0, h.c("pages_sharing"));
            assertEquals(0, h.c("pages_unshared")); // equal non-zero pages are never inserted in a tree
            assertEquals(5, h.distinctFrames(a, ba + 5L * PAGE_SIZE, 5));
            assertEquals(10, h.c("nr_anon_pages"));
        }
    }

    @Test
    void sameDomainShouldMergeInsideADomainOnly() {
        try (KsmHarness h = new KsmHarness(MergePolicy.SAME_DOMAIN)) {
            int a = h.kernel.spawn();
            int b = h.kernel.spawn();
            int c = h.kernel.spawn();
            h.kernel.setDomain(b, h.kernel.process(a).domain()); // a and b: one tenant; c: another
            long ba = h.mapFilled(a, distinct(10, 100));
            long bb = h.mapFilled(b, distinct(10, 100));
            // c holds the same ten contents, and five of them twice
            long[] cl = new long[15];
            System.arraycopy(distinct(10, 100), 0, cl, 0, 10);
            System.arraycopy(distinct(5, 100), 0, cl, 10, 5);
            long bc = h.mapFilled(c, cl);
            h.mergeable(a, ba, 10);
            h.mergeable(b, bb, 10);
            h.mergeable(c, bc, 15);
            h.scans(2);
            // a+b: 10 KSM pages of two mappings; c: 5 KSM pages of two mappings, its own
            assertEquals(15, h.c("pages_shared"));
            assertEquals(15, h.c("pages_sharing"));
            assertEquals(5, h.c("pages_unshared"));
            assertEquals(10, h.distinctFrames(c, bc, 15));
            for (int i = 0; i < 10; i++) {
                long off = (long) i * PAGE_SIZE;
                assertEquals(h.kernel.frameAt(a, ba + off), h.kernel.frameAt(b, bb + off), "page " + i + " of a and b");
                assertEquals(false, h.kernel.frameAt(a, ba + off) == h.kernel.frameAt(c, bc + off), "page " + i + " of a and c");
            }
        }
        try (KsmHarness h = new KsmHarness(MergePolicy.UNRESTRICTED)) { // the same layout, unrestricted: one KSM page per content
            int a = h.kernel.spawn();
            int b = h.kernel.spawn();
            int c = h.kernel.spawn();
            long[] cl = new long[15];
            System.arraycopy(distinct(10, 100), 0, cl, 0, 10);
            System.arraycopy(distinct(5, 100), 0, cl, 10, 5);
            h.mergeable(a, h.mapFilled(a, distinct(10, 100)), 10);
            h.mergeable(b, h.mapFilled(b, distinct(10, 100)), 10);
            h.mergeable(c, h.mapFilled(c, cl), 15);
            h.scans(2);
            assertEquals(10, h.c("pages_shared"));
            assertEquals(25, h.c("pages_sharing"));
        }
    }

    @Test
    void fakeMergingShouldMakeEveryCandidateAKsmPageSoThatEveryWriteCopies() {
        try (KsmHarness h = new KsmHarness(MergePolicy.FAKE_MERGE)) {
            int a = h.kernel.spawn();
            long ba = h.mapFilled(a, distinct(10, 100));
            h.mergeable(a, ba, 10);
            h.scans(1);
            assertEquals(0, h.c("pages_shared")); // the first visit only records checksums
            h.scans(1);
            assertEquals(10, h.c("pages_shared")); // each page a KSM page of its own, merged with nothing
            assertEquals(0, h.c("pages_sharing"));
            assertEquals(0, h.c("pages_unshared"));
            long cow = h.c("cow_faults");
            h.kernel.writeLong(a, ba, 42);
            assertEquals(cow + 1, h.c("cow_faults"), "a write to an unmerged candidate copies, as to a merged page");
            // A later equal page merges with a fake-merged one through the stable tree.
            int b = h.kernel.spawn();
            long bb = h.mapFilled(b, distinct(10, 100));
            h.mergeable(b, bb, 10);
            h.scans(3);
            assertEquals(9, h.c("pages_sharing")); // page 0 of a was rewritten: 9 contents in common
            assertEquals(h.kernel.frameAt(a, ba + PAGE_SIZE), h.kernel.frameAt(b, bb + PAGE_SIZE));
        }
        try (KsmHarness h = new KsmHarness(MergePolicy.UNRESTRICTED)) { // unrestricted: unique pages stay writable
            int a = h.kernel.spawn();
            long ba = h.mapFilled(a, distinct(10, 100));
            h.mergeable(a, ba, 10);
            h.scans(2);
            assertEquals(0, h.c("pages_shared"));
            assertEquals(10, h.c("pages_unshared"));
            long cow = h.c("cow_faults");
            long minor = h.c("minor_faults");
            h.kernel.writeLong(a, ba, 42);
            assertEquals(cow, h.c("cow_faults"));
            assertEquals(minor, h.c("minor_faults"), "no fault at all");
        }
    }
}
