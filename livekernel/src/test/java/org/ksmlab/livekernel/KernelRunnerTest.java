package org.ksmlab.livekernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
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

    /** Passes generated from known costs: the fit finds them again, holding the others. */
    @Test
    void calibrationShouldRecoverTheCostsThePassesWereMadeWith() {
        org.ksmlab.engine.cost.CostModel base = org.ksmlab.engine.cost.CostModel.defaults();
        Map<String, Double> truth = new LinkedHashMap<>(base.asMap());
        truth.put("page_visit_ns", 150.0);
        truth.put("checksum_page_ns", 850.0);
        truth.put("tree_step_ns", 110.0);
        truth.put("merge_ns", 320.0);
        List<Calibration.Pass> passes = new ArrayList<>();
        // checksum, merging (stable-tree steps, two page compares, a merge each), steady, unique passes, small batches, chains
        truth.put("stable_step_ns", 40.0);
        truth.put("wakeup_ns", 15000.0);
        truth.put("pass_ns", 180000.0);
        truth.put("volatile_page_ns", 600.0);
        long[][] work = {{4000, 0, 0, 0, 0, 0, 4000, 0, 0, 0, 5, 1, 0}, {4000, 4000L * 16384, 400, 3900, 4000, 0, 4000, 0, 0, 28000, 5, 1, 0},
                {0, 0, 0, 0, 0, 0, 4000, 0, 0, 0, 5, 1, 0}, {4000, 4000L * 64, 48000, 0, 0, 0, 4000, 0, 0, 0, 5, 1, 0},
                {0, 0, 0, 0, 0, 0, 4000, 0, 0, 0, 41, 1, 0}, {4000, 0, 0, 0, 0, 0, 4000, 0, 0, 0, 41, 1, 0},
                {4000, 4000L * 16384, 0, 3996, 4000, 0, 4000, 0, 0, 90000, 5, 1, 0},
                {0, 0, 0, 0, 0, 0, 65536, 0, 0, 0, 7, 1, 0}, {1000, 0, 0, 0, 0, 0, 4000, 0, 0, 0, 5, 1, 1000}};
        for (int p = 0; p < work.length; p++) {
            Map<String, Long> w = new LinkedHashMap<>();
            for (int c = 0; c < Calibration.WORK.size(); c++) w.put(Calibration.WORK.get(c), work[p][c]);
            Calibration.Pass pass = new Calibration.Pass("t", p + 1, 4000, 1, w);
            passes.add(new Calibration.Pass("t", p + 1, 4000, Math.round(Calibration.modelNanos(pass, truth)), w));
        }
        Calibration.Fit fit = Calibration.fit(passes, base);
        for (String c : Calibration.FITTED) {
            assertEquals(truth.get(c), fit.costs().get(c), 0.11, c);
        }
        assertEquals(base.asMap().get("write_protect_ns"), fit.costs().get("write_protect_ns"));
        assertEquals(1.0, fit.min(), 1e-3);
        assertEquals(1.0, fit.max(), 1e-3);
        String props = Calibration.properties(fit, "test provenance", "a test");
        assertTrue(props.contains("# test provenance"), props);
        assertTrue(props.contains("# Source: a test (9 full scans; model/kernel CPU per pass 1.00 .. 1.00)"), props);
        assertTrue(props.contains("checksum_page_ns=850"), props);
    }

    /**
     * Passes measured on a machine whose speed moved from workload to workload (0.6 to 1.4 times),
     * each with the speed probe around it: fitted with the probes, the costs are the machine's at
     * the speed where the reference costs what they say, and every pass comes out exact.
     */
    @Test
    void calibrationShouldTakeEachWorkloadsSpeedProbeIntoAccount() {
        org.ksmlab.engine.cost.CostModel base = org.ksmlab.engine.cost.CostModel.defaults();
        Map<String, Map<String, Long>> references = new LinkedHashMap<>();
        for (KsmdSpeed.Reference r : List.of(KsmdSpeed.SMALL, KsmdSpeed.LARGE)) references.put(r.name(), KsmdSpeed.price(r).work());
        Map<String, Double> truth = new LinkedHashMap<>(base.asMap());
        truth.put("page_visit_ns", 150.0);
        truth.put("checksum_page_ns", 850.0);
        truth.put("tree_step_ns", 110.0);
        truth.put("stable_step_ns", 40.0);
        truth.put("merge_ns", 320.0);
        truth.put("wakeup_ns", 15000.0);
        truth.put("pass_ns", 180000.0);
        truth.put("volatile_page_ns", 600.0);
        Map<String, Double> truthReference = new LinkedHashMap<>();
        references.forEach((r, w) -> truthReference.put(r, Calibration.workNanos(w, truth)));
        long[][] work = {{4000, 0, 0, 0, 0, 0, 4000, 0, 0, 0, 5, 1, 0}, {4000, 4000L * 16384, 400, 3900, 4000, 0, 4000, 0, 0, 28000, 5, 1, 0},
                {0, 0, 0, 0, 0, 0, 4000, 0, 0, 0, 5, 1, 0}, {4000, 4000L * 64, 48000, 0, 0, 0, 4000, 0, 0, 0, 5, 1, 0},
                {0, 0, 0, 0, 0, 0, 4000, 0, 0, 0, 41, 1, 0}, {4000, 0, 0, 0, 0, 0, 4000, 0, 0, 0, 41, 1, 0},
                {4000, 4000L * 16384, 0, 3996, 4000, 0, 4000, 0, 0, 90000, 5, 1, 0},
                {0, 0, 0, 0, 0, 0, 65536, 0, 0, 0, 7, 1, 0}, {1000, 0, 0, 0, 0, 0, 4000, 0, 0, 0, 5, 1, 1000}};
        double[] speed = {0.6, 1.4, 1.0, 0.8, 1.2, 0.7, 1.3, 0.9, 0.9};
        List<Calibration.Pass> passes = new ArrayList<>();
        for (int p = 0; p < work.length; p++) {
            Map<String, Long> w = new LinkedHashMap<>();
            for (int c = 0; c < Calibration.WORK.size(); c++) w.put(Calibration.WORK.get(c), work[p][c]);
            double cpu = Calibration.workNanos(w, truth) * speed[p];
            String ref = p % 2 == 0 ? "small" : "large"; // each workload probed with one of the two references
            passes.add(new Calibration.Pass("t", p + 1, 4000, Math.round(cpu), w, ref, Math.round(truthReference.get(ref) * speed[p])));
        }
        Calibration.Fit fit = Calibration.fit(passes, base, references);
        // the costs come out at the mean speed of the small reference's probes (it sets the scale; 1.0 here, the
        // large one's 0.95 does not matter): the truth, held costs and all
        for (String c : Calibration.FITTED) {
            assertEquals(truth.get(c), fit.costs().get(c), 0.2, c);
        }
        assertEquals(1.0, fit.min(), 2e-3);
        assertEquals(1.0, fit.max(), 2e-3);
        // fitted as measured, the speeds leak into the costs (nine passes, eight costs: it can fit them, wrongly)
        Calibration.Fit raw = Calibration.fit(passes, base);
        assertTrue(Calibration.FITTED.stream().anyMatch(c -> Math.abs(raw.costs().get(c) / truth.get(c) - 1) > 0.1), raw.costs().toString());
        // a pass probed with a reference the fit has no work counts for is an error, not a guess
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Calibration.fit(passes, base, Map.of("small", references.get("small"))));
        assertTrue(e.getMessage().contains("reference 'large'"), e.getMessage());
    }

    /**
     * The model's own passes as the "kernel": each pass's work counts (recorded per sample)
     * reproduce its CPU, so the fit finds costs that give every pass exactly.
     */
    @Test
    void calibrationOfTheModelAgainstItselfShouldFitEveryPass() {
        Scenario sc = new Scenario("t", "dup:pages=3000,distinct=30,volatile=0.1", Map.of("pages_to_scan", "1000"));
        SideResult model = ModelRunner.run(sc);
        assertEquals(model.series().size(), ((List<?>) model.extra().get("work")).size(), "work counts at every sample");
        List<Calibration.Pass> passes = Calibration.passes(List.of(new KernelCheck.Outcome(sc, model, model)));
        assertTrue(passes.size() >= 3, passes.toString());
        Calibration.Fit fit = Calibration.fit(passes, org.ksmlab.engine.cost.CostModel.defaults());
        assertEquals(1.0, fit.min(), 0.002);
        assertEquals(1.0, fit.max(), 0.002);
    }

    /** A least-squares solution with a negative part: NNLS keeps it at zero and refits the rest. */
    @Test
    void nnlsShouldKeepEveryCostNonNegative() {
        double[][] a = {{1, 1}, {1, 2}, {1, 3}};
        double[] b = {3, 2, 1}; // unconstrained: x = (4, -1)
        double[] x = Calibration.nnls(a, b);
        assertEquals(2.0, x[0], 1e-9);
        assertEquals(0.0, x[1], 1e-12);
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

    /**
     * The speed table holds the simulator's measured wall time (from the model run) against the
     * kernel's time to converge, and counts every full-scan cell in which the counters differ.
     */
    @Test
    void theSpeedTableShouldSayHowMuchSoonerTheModelAnswersAndWhetherEveryCounterAgreed() {
        Scenario sc = new Scenario("t", "dup:pages=3000,distinct=30", Map.of("pages_to_scan", "1000"));
        SideResult model = ModelRunner.run(sc);
        Object wall = model.extra().get(ModelRunner.SIMULATOR_WALL_MS);
        assertTrue(wall instanceof Double d && d > 0, "measured: " + wall);
        assertEquals(0, ComparisonTable.differingCells(model, model));
        // a "kernel" that agrees in every pass but one counter of one pass
        List<Map<String, Long>> off = new ArrayList<>();
        for (Map<String, Long> x : model.series()) off.add(new java.util.LinkedHashMap<>(x));
        Map<String, Long> last = off.get(off.size() - 1);
        last.put("pages_sharing", last.get("pages_sharing") + 1);
        SideResult kernel = new SideResult(model.finalCounters(), model.convergedFullScans(), 4000, off, Map.of(), null);
        assertEquals(1, ComparisonTable.differingCells(kernel, model));
        String speed = ComparisonTable.speed(List.of(new KernelCheck.Outcome(sc, kernel, model), new KernelCheck.Outcome(sc, model, model)));
        double ratio = 4000 / (Double) wall;
        assertTrue(speed.contains(String.format("%15.1fx 1 cells differ", ratio)), speed);
        assertTrue(speed.contains("equal in every full scan"), speed);
        assertEquals(1L, new KernelCheck.Outcome(sc, kernel, model).toJson().get("counter_cells_differing"));
    }
    /**
     * The per-phase table divides the simulating thread's CPU over each pass by the pass's
     * scanned pages, against ksmd's CPU per page of the same pass (here the model's modelled
     * ksmd CPU stands in for the kernel's), and flags a ratio above the goal of 0.5.
     */
    @Test
    void theCpuPerPageTableShouldDivideEachPassOfTheSimulatorsCpuByItsPages() {
        Scenario sc = new Scenario("t", "dup:pages=3000,distinct=30", Map.of("pages_to_scan", "1000"));
        SideResult model = ModelRunner.run(sc);
        List<?> cpu = (List<?>) model.extra().get(ModelRunner.SIMULATOR_CPU_NS);
        assertEquals(model.series().size(), cpu.size());
        for (int i = 1; i < cpu.size(); i++) {
            assertTrue(((Number) cpu.get(i)).longValue() >= ((Number) cpu.get(i - 1)).longValue(), "cumulative: " + cpu);
        }
        int z = -1, a = -1;
        for (int i = 0; i < model.series().size(); i++) {
            long fs = model.series().get(i).get("full_scans");
            if (fs == 1) z = i;
            if (fs == 0) a = i;
        }
        long pages = model.series().get(z).get("pages_scanned") - model.series().get(a).get("pages_scanned");
        assertEquals(3000, pages);
        double expected = (((Number) cpu.get(z)).longValue() - ((Number) cpu.get(a)).longValue()) / (double) pages;
        assertEquals(expected, ComparisonTable.simulatorCpuPerPage(model, 1));
        double ksmd = ComparisonTable.perPage(model, 1);
        String table = ComparisonTable.cpuPerPage(List.of(new KernelCheck.Outcome(sc, model, model)));
        String cell = String.format("%.0f / %.0f = %.2f%s", expected, ksmd, expected / ksmd, expected / ksmd > 0.5 ? " >0.5" : "");
        assertTrue(table.contains(cell), cell + " in\n" + table);
        assertNull(ComparisonTable.simulatorCpuPerPage(SideResult.unavailable("x"), 1));
    }
    /** The model side in symbolic pages gives the byte side's counters in every sample, and says which mode it ran. */
    @Test
    void theModelSideInSymbolicPagesShouldGiveTheSameCounters() {
        Scenario sc = new Scenario("t", "dup:pages=3000,distinct=30,zero=0.1", Map.of("pages_to_scan", "1000"));
        SideResult bytes = ModelRunner.run(sc, Map.of(), org.ksmlab.engine.memory.PageMode.BYTE);
        SideResult symbolic = ModelRunner.run(sc, Map.of(), org.ksmlab.engine.memory.PageMode.SYMBOLIC);
        assertEquals(bytes.series(), symbolic.series());
        assertEquals(bytes.finalCounters().get("pages_sharing"), symbolic.finalCounters().get("pages_sharing"));
        assertEquals(bytes.convergedMs(), symbolic.convergedMs());
        assertEquals("byte", bytes.extra().get("page_mode"));
        assertEquals("symbolic", symbolic.extra().get("page_mode"));
    }
}
