package org.ksmlab.engine.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ksmlab.engine.workload.Workloads;

class ConvergenceTest {
    private static Map<String, Long> ksmSample(long ms, long sharing, long zero) {
        Map<String, Long> s = new LinkedHashMap<>();
        s.put("virtual_ms", ms);
        s.put("pages_sharing", sharing);
        s.put("ksm_zero_pages", zero);
        return s;
    }

    private static SimulationResult result(String algo, List<Map<String, Long>> series) {
        return new SimulationResult("hand-made", algo, 42, Map.of(), Map.of(), series);
    }

    @Test
    void ksmSeriesShouldGiveTheFirstSampleReachingEachPercentOfTheFinalSaving() {
        // Final saving 1000 = 990 sharing + 10 zero pages. 50 %: 500 first reached at 300 ms;
        // 90 %: 900 at 700 ms (a dip to 880 at 800 ms does not move it); 99 %: 990 at 900 ms.
        Map<String, Long> last = ksmSample(1000, 990, 10);
        last.put("ksmd_cpu_ns", 25_000_000L);
        last.put("cow_on_ksm_pages", 7L);
        last.put("tracking_bytes", 4096L);
        last.put("general_profit", 1000L * 4096 - 80L * 64);
        last.put("full_scans", 5L);
        List<Map<String, Long>> series = List.of(ksmSample(0, 0, 0), ksmSample(100, 100, 0), ksmSample(300, 490, 10),
                ksmSample(700, 895, 5), ksmSample(800, 880, 0), ksmSample(900, 985, 5), last);
        Convergence c = Convergence.of(result("ksm", series));
        // Time-weighted from 0 (no opt-in reported), trapezoids: (5000 + 60000 + 280000 + 89000 + 93500 + 99500) / 1000 = 627.
        assertEquals(new Convergence(1000, 300, 700, 900, 25, 7, 4096, 1000L * 4096 - 80L * 64, 5, 1000, 25_000_000L, 0, 627), c);
    }

    @Test
    void sksmShouldBeChargedItsTableAndProfitBeSavedBytesMinusTracking() {
        Map<String, Long> s = new LinkedHashMap<>();
        s.put("virtual_ms", 200L);
        s.put("sksm_pages_sharing", 7500L);
        s.put("sksm_cow_after_merge", 3L);
        s.put("sksm_table_slots", 65536L);
        s.put("sksm_table_entries", 501L);
        s.put("cpu_ns", 11_854_440L);
        Convergence chained = Convergence.of(result("sksm", List.of(s)));
        long chainedTracking = 65536L * 4 + 501L * 12;
        // One sample at 200 ms and no sample at opt-in (0): the curve starts at 0 there, so the average is half.
        assertEquals(new Convergence(7500, 200, 200, 200, 59, 3, chainedTracking, 7500L * 4096 - chainedTracking, 0, 200,
                11_854_440L, 0, 3750), chained);
        Convergence open = Convergence.of(result("sksm-resizable", List.of(s)));
        assertEquals(65536L * 12 + 501L * 8, open.trackingBytes());
    }

    @Test
    void noSavingShouldGiveZeroTimesAndNoProfit() {
        Map<String, Long> s = new LinkedHashMap<>();
        s.put("virtual_ms", 200L);
        s.put("nr_anon_pages", 8000L);
        assertEquals(new Convergence(0, 0, 0, 0, 0, 0, 0, 0, 0, 200, 0, 0, 0), Convergence.of(result("none", List.of(s))));
    }

    /**
     * Times count from the workload's opt-in, not from t = 0: a ksm-like series on a workload that
     * offers its memory at 2000 ms (codepatch's merge phase), full passes ending at 2600 and 3200 ms.
     */
    @Test
    void timesAndTheAverageSavingShouldCountFromTheOptIn() {
        List<Map<String, Long>> series = List.of(ksmSample(0, 0, 0), ksmSample(2600, 600, 0), ksmSample(3200, 1000, 0),
                ksmSample(4000, 1000, 0));
        SimulationResult r = new SimulationResult("hand-made", "ksm", 42, Map.of(), Map.of("opt_in_ms", 2000L), series);
        Convergence c = Convergence.of(r);
        assertEquals(2000, c.optInMs());
        assertEquals(600, c.virtualMsTo50(), "2600 ms is 600 ms after the opt-in");
        assertEquals(1200, c.virtualMsTo90());
        // From (2000, 0): 600·300 + 600·800 + 800·1000 = 1_460_000 over 2000 ms = 730 pages.
        assertEquals(730, c.savedAvgPages());
        assertEquals(730.0, Convergence.timeWeightedSaving(series, 2000));
    }

    /** A merger that merges inside the opt-in call (SKSM) has its saving from the opt-in on. */
    @Test
    void aSavingMadeAtTheOptInShouldCountFromIt() {
        Map<String, Long> at = new LinkedHashMap<>(Map.of("virtual_ms", 0L, "sksm_pages_sharing", 700L));
        Map<String, Long> later = new LinkedHashMap<>(Map.of("virtual_ms", 1000L, "sksm_pages_sharing", 700L));
        Map<String, Long> broken = new LinkedHashMap<>(Map.of("virtual_ms", 2000L, "sksm_pages_sharing", 600L));
        assertEquals(675.0, Convergence.timeWeightedSaving(List.of(at, later, broken), 0)); // (700000 + 650000) / 2000
        assertEquals(700.0, Convergence.timeWeightedSaving(List.of(at), 0), "a run that ends at its opt-in");
    }

    @Test
    void permilleShouldRoundHalfUp() {
        assertEquals(2, Convergence.permille(1_500_000, 1000)); // 1.5e6 ns of 1e9 ns = 1.5 ‰
        assertEquals(1, Convergence.permille(1_499_999, 1000));
        assertEquals(0, Convergence.permille(5, 0));
    }

    @Test
    void percentOutsideZeroToHundredShouldBeRejected() {
        assertThrows(IllegalArgumentException.class, () -> Convergence.virtualMsTo(List.of(ksmSample(0, 1, 0)), 1, 101));
    }

    /** The definition's promise: saved pages = nr_anon_pages under none − nr_anon_pages under the merger. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ksm", "sksm", "sksm-resizable", "sksm-aged"})
    void savedPagesShouldEqualTheAnonymousPagesNoneKeepsMinusTheMergers(String algo) {
        String spec = "dup:pages=300,distinct=50,procs=3,zero=0.2,seed=7";
        long noneAnon = run(spec, "none", Map.of()).series().getLast().get("nr_anon_pages");
        Map<String, String> knobs = algo.equals("ksm") ? Map.of("use_zero_pages", "1") : Map.of();
        SimulationResult r = run(spec, algo, knobs);
        Convergence c = Convergence.of(r);
        assertEquals(noneAnon - r.series().getLast().get("nr_anon_pages"), c.savedPages());
        assertEquals(900 - 50, c.savedPages()); // one copy of each of the 50 contents, the zero pages on the zero page
    }

    private static SimulationResult run(String spec, String algo, Map<String, String> knobs) {
        return new Simulation(Workloads.create(spec), algo, knobs, Simulation.Options.stable()).run();
    }
}
