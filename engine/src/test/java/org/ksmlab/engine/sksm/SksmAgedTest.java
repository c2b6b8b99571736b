package org.ksmlab.engine.sksm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.ksmlab.engine.memory.PageStore.PAGE_SIZE;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ksmlab.engine.mm.Kernel;
import org.ksmlab.engine.mm.VmFlags;
import org.ksmlab.engine.sim.Algorithms;

/**
 * The user-space agent of {@code sksm-aged}, scan by scan: scan_ms=100, age_ms=200 (a page
 * must be clean for 2 scans), max_breaks=1. Pages p0 == p1 (contents A), p2 (contents B).
 */
class SksmAgedTest {
    private final Kernel k = new Kernel(Algorithms.create("sksm-aged", Map.of("scan_ms", "100", "age_ms", "200", "max_breaks", "1")));
    private final SksmAged agent = (SksmAged) k.merger();
    private int pid;
    private long base;

    @AfterEach
    void check() {
        k.checkInvariants();
        k.close();
    }

    private long counter(String name) {
        return k.counters().get(name);
    }

    private void scan() {
        k.advanceTo(agent.nextWakeNanos());
        agent.wake(k);
    }

    private void scans(int n) {
        for (int i = 0; i < n; i++) scan();
    }

    private long page(int i) {
        return base + (long) i * PAGE_SIZE;
    }

    @Test
    void agentShouldNominateOnlyAgedPagesAndStopAfterMaxBreaks() {
        pid = k.spawn();
        base = k.mmapAnonymous(pid, 3L * PAGE_SIZE);
        k.writeLong(pid, page(0), 0xA);
        k.writeLong(pid, page(1), 0xA);
        k.writeLong(pid, page(2), 0xB);
        k.madvise(pid, base, 3L * PAGE_SIZE, VmFlags.MADV_MERGEABLE);
        assertEquals(0, counter("sksm_madvise_calls"), "MERGEABLE only registers the range");

        scan(); // 100 ms: first sight counts as written
        scan(); // 200 ms: clean now, but written within the last 2 scans
        assertEquals(0, counter("sksm_madvise_calls"));
        assertEquals(3, k.nrAnonPages());
        scan(); // 300 ms: clean for 2 scans: one call for the run p0..p2
        assertEquals(1, counter("sksm_madvise_calls"));
        assertEquals(3, counter("sksm_agent_nominated"));
        assertEquals(1, counter("sksm_pages_merged"));
        assertEquals(2, k.nrAnonPages());
        scan(); // 400 ms: nominated and unwritten since: nothing to do
        assertEquals(1, counter("sksm_madvise_calls"));
        assertEquals(12, counter("sksm_agent_pages_visited"));

        k.writeLong(pid, page(2), 0xB2); // break 1 of p2 (its table page is freed)
        assertEquals(1, counter("sksm_cow_after_merge"));
        scan(); // 500: p2 dirty
        scan(); // 600: written within 2 scans
        assertEquals(1, counter("sksm_madvise_calls"));
        scan(); // 700: p2 nominated again (1 break <= max_breaks)
        assertEquals(2, counter("sksm_madvise_calls"));
        assertEquals(4, counter("sksm_agent_nominated"));
        assertEquals(3, counter("sksm_wp_no_match"));

        k.writeLong(pid, page(2), 0xB3); // break 2 > max_breaks: p2 is blocked
        assertEquals(2, counter("sksm_cow_after_merge"));
        assertEquals(1, counter("sksm_agent_blocked"));
        scans(5); // 800..1200
        assertEquals(2, counter("sksm_madvise_calls"), "a blocked page is never nominated again");

        k.writeLong(pid, page(0), 0xA); // break 1 of p0 (same bytes): it will be re-merged
        assertEquals(3, k.nrAnonPages());
        scans(3); // 1300 dirty, 1400 recent, 1500 nominated
        assertEquals(3, counter("sksm_madvise_calls"));
        assertEquals(2, counter("sksm_pages_merged"));
        assertEquals(2, k.nrAnonPages());
        assertEquals(k.frameAt(pid, page(1)), k.frameAt(pid, page(0)));
        assertEquals(15, counter("sksm_agent_scans"));
        assertEquals(45, counter("sksm_agent_pages_visited"));
        assertEquals(0xB3, k.readLong(pid, page(2)));
    }

    @Test
    void ageShouldRoundUpToWholeScans() {
        // age_ms=250 with scan_ms=100 needs 3 clean scans.
        Kernel k2 = new Kernel(Algorithms.create("sksm-aged", Map.of("scan_ms", "100", "age_ms", "250")));
        try (k2) {
            SksmAged a = (SksmAged) k2.merger();
            int p = k2.spawn();
            long b = k2.mmapAnonymous(p, 2L * PAGE_SIZE);
            k2.writeLong(p, b, 1);
            k2.writeLong(p, b + PAGE_SIZE, 1);
            k2.madvise(p, b, 2L * PAGE_SIZE, VmFlags.MADV_MERGEABLE);
            for (int i = 1; i <= 3; i++) {
                k2.advanceTo(a.nextWakeNanos());
                a.wake(k2);
                assertEquals(0, k2.counters().get("sksm_madvise_calls"), "scan " + i);
            }
            k2.advanceTo(a.nextWakeNanos());
            a.wake(k2);
            assertEquals(1, k2.counters().get("sksm_madvise_calls"));
            assertEquals(1, k2.nrAnonPages());
            k2.checkInvariants();
        }
    }
}
