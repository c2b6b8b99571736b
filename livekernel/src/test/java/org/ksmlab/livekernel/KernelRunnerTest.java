package org.ksmlab.livekernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Stability, convergence and CPU arithmetic on a series shaped like the kernel's (exp 1 of the kernel measurements). */
class KernelRunnerTest {
    static Map<String, Long> s(long pass, long ms, long shared, long sharing, long unshared, long scanned, long cpu) {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("wall_ms", ms);
        m.put("full_scans", pass);
        m.put("pages_scanned", scanned);
        m.put("pages_shared", shared);
        m.put("pages_sharing", sharing);
        m.put("pages_unshared", unshared);
        m.put("ksm_zero_pages", 0L);
        m.put("ksmd_cpu_ns", cpu);
        return m;
    }

    @Test
    void runShouldBeStableWhenTheCountersHeldForTwoFullScans() {
        List<Map<String, Long>> series = new ArrayList<>();
        series.add(s(0, 0, 0, 0, 0, 0, 0));
        series.add(s(1, 2, 0, 0, 0, 10, 6_000));
        assertFalse(KernelRunner.isStable(series, 2));
        series.add(s(2, 25, 1, 9, 0, 20, 20_000));
        assertFalse(KernelRunner.isStable(series, 2));
        series.add(s(3, 45, 1, 9, 0, 30, 22_000));
        assertFalse(KernelRunner.isStable(series, 2));
        series.add(s(4, 69, 1, 9, 0, 40, 24_000));
        assertTrue(KernelRunner.isStable(series, 2));
        SideResult r = KernelRunner.result(series, true, 1);
        assertEquals(2, r.convergedFullScans());
        assertEquals(25, r.convergedMs());
        assertEquals(1L, r.finalCounters().get("stable"));
        @SuppressWarnings("unchecked")
        Map<String, Object> cpu = (Map<String, Object>) r.extra().get("cpu");
        assertEquals(600.0, cpu.get("ns_per_scanned_page"));
        assertEquals(600.0, cpu.get("first_pass_ns_per_page"));
        assertEquals(200.0, cpu.get("steady_ns_per_page"));
    }

    @Test
    void calibrationShouldTakeVisitFromMergedPassesAndChecksumFromFirstPasses() {
        List<Map<String, Long>> series = List.of(s(0, 0, 0, 0, 0, 0, 0), s(1, 2, 0, 0, 0, 10, 10_000),
                s(2, 25, 1, 9, 0, 20, 30_000), s(3, 45, 1, 9, 0, 30, 32_000), s(4, 69, 1, 9, 0, 40, 34_000));
        SideResult k = KernelRunner.result(new ArrayList<>(series), true, 1);
        Map<String, Object> fin = new LinkedHashMap<>(k.finalCounters());
        fin.put("pages_volatile", 0L);
        SideResult kernel = new SideResult(fin, k.convergedFullScans(), k.convergedMs(), k.series(), k.extra(), null);
        Scenario sc = new Scenario("t", "dup:pages=10,distinct=1", Map.of());
        String cal = KernelCheck.calibration(List.of(new KernelCheck.Outcome(sc, kernel, SideResult.unavailable("x")))).orElseThrow();
        assertTrue(cal.contains("page_visit_ns=200.0"), cal);
        assertTrue(cal.contains("checksum_page_ns=800.0"), cal);
    }

    @Test
    void viaShouldBeStrippedFromTheModelSpec() {
        Scenario sc = new Scenario("p", "dup:pages=10,via=prctl,distinct=2", Map.of("pages_to_scan", "1000"));
        assertEquals("prctl", sc.via());
        assertEquals("dup:pages=10,distinct=2", sc.modelSpec());
        assertEquals("1000", sc.kernelKnobs().get("pages_to_scan"));
        assertEquals("256", sc.kernelKnobs().get("max_page_sharing"));
        assertEquals("madvise", new Scenario("m", "dup:pages=10", Map.of()).via());
    }

    @Test
    void unavailableModelShouldSayWhyAndCarryNoNumbers() {
        SideResult m = SideResult.unavailable("model unavailable: no ksm");
        assertEquals(Map.of("unavailable", "model unavailable: no ksm"), m.toJson());
        Scenario sc = new Scenario("t", "dup:pages=10,distinct=1", Map.of());
        List<Map<String, Long>> series = List.of(s(0, 0, 0, 0, 0, 0, 0), s(1, 2, 0, 0, 0, 10, 10_000));
        String table = ComparisonTable.render(sc, KernelRunner.result(new ArrayList<>(series), false, 1), m);
        assertTrue(table.contains("model unavailable"), table);
        assertTrue(table.contains("NOT stable"), table);
    }
}
