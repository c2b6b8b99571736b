package org.ksmlab.engine.ksm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SmartScanAndAdvisorTest {
    /**
     * A page that never merges is processed at visits 1, 2, 3, 4, 6, 9, 14, 23 and skipped in
     * between (skip_age: 1, 2, 4, then 8 passes) — the pattern measured on Linux 6.18.
     */
    @Test
    void smartScanSkipsAnUnmergeablePageOnTheKernelsSchedule() {
        try (KsmHarness h = new KsmHarness()) {
            int pid = h.kernel.spawn();
            long base = h.mapFilled(pid, 11);
            h.mergeable(pid, base, 1);
            List<Integer> skippedVisits = new ArrayList<>();
            long before = 0;
            for (int visit = 1; visit <= 24; visit++) {
                h.scans(1);
                long skipped = h.c("pages_skipped");
                if (skipped > before) skippedVisits.add(visit);
                before = skipped;
            }
            assertEquals(List.of(5, 7, 8, 10, 11, 12, 13, 15, 16, 17, 18, 19, 20, 21, 22, 24), skippedVisits);
            assertEquals(8, h.c("pages_scanned"), "processed at 1, 2, 3, 4, 6, 9, 14, 23");
        }
    }

    @Test
    void smartScanOffVisitsEveryPageEveryPass() {
        try (KsmHarness h = new KsmHarness("smart_scan=0")) {
            int pid = h.kernel.spawn();
            long base = h.mapFilled(pid, 11);
            h.mergeable(pid, base, 1);
            h.scans(24);
            assertEquals(0, h.c("pages_skipped"));
            assertEquals(24, h.c("pages_scanned"));
        }
    }

    @Test
    void skipAgeDoublesFromOneToEight() {
        assertEquals(List.of(1, 1, 1, 1, 2, 2, 4, 4, 4, 8, 8),
                List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 200).stream().map(KsmScan::skipAge).toList());
    }

    /**
     * scan_time_advisor by hand. Pass 1: 4 s, 2 s of CPU: cpu% = 2000*100/4000 = 50; factor =
     * 1*100/4 = 25; change = ewma(0, 4*100/4 = 100) = 30; pages = 500*100/25*30/100 = 600;
     * per-page cost 500/50 = 10 caps at [10*10, 10*70] = [100, 700]: 600. Pass 2: 2 s, 1 s of
     * CPU: cpu% 50, factor 50, change = ewma(30, 2*100/4 = 50) = (70*30 + 30*50)/100 = 36;
     * pages = 600*100/50*36/100 = 432; caps [120, 840]: 432.
     */
    @Test
    void advisorSetsPagesToScanAsTheKernelsIntegerArithmeticDoes() {
        try (KsmHarness h = new KsmHarness()) {
            KsmKnobs k = h.ksm.knobs();
            h.ksm.writeKnob("advisor_target_scan_time", "1");
            h.ksm.writeKnob("advisor_mode", "scan-time");
            assertEquals(500, k.pagesToScan);
            Advisor a = h.ksm.advisor();
            a.startScan(k, 0);
            k.pagesToScan = a.stopScan(k, 4_000_000_000L, 2_000_000_000L);
            assertEquals(600, k.pagesToScan);
            a.startScan(k, 4_000_000_000L);
            k.pagesToScan = a.stopScan(k, 6_000_000_000L, 3_000_000_000L);
            assertEquals(432, k.pagesToScan);
        }
    }

    @Test
    void advisorIsCappedByMaxPagesToScan() {
        try (KsmHarness h = new KsmHarness()) {
            KsmKnobs k = h.ksm.knobs();
            h.ksm.writeKnob("advisor_target_scan_time", "1000");
            h.ksm.writeKnob("advisor_max_pages_to_scan", "800");
            h.ksm.writeKnob("advisor_mode", "scan-time");
            Advisor a = h.ksm.advisor();
            a.startScan(k, 0);
            // 1 s pass, ~0 CPU: cpu% floors at 1, per-page cost 500, the MIN_CPU floor gives
            // 5000 pages, then advisor_max_pages_to_scan caps at 800.
            assertEquals(800, a.stopScan(k, 1_000_000_000L, 0));
        }
    }
}
