package org.ksmlab.engine.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ksmlab.engine.workload.Workloads;

class SimulationTest {
    private static SimulationResult run(String spec, Simulation.Options o) {
        return new Simulation(Workloads.create(spec), "none", Map.of(), o).run();
    }

    @Test
    void dupWorkloadAllocatesOneAnonymousPagePerWrittenPage() {
        SimulationResult r = run("dup:pages=500,procs=3,zero=0.2", Simulation.Options.stable());
        assertEquals(1500L, r.finalCounters().get("nr_anon_pages"));
        assertEquals(3L, r.finalCounters().get("vmas"));
        assertEquals(1500L, r.finalCounters().get("minor_faults"));
        assertEquals(0L, r.finalCounters().get("cow_faults"));
        assertEquals(1L, r.finalCounters().get("stable"));
        assertEquals(0L, r.finalCounters().get("converged_ms"));
        assertEquals(200L, r.finalCounters().get("virtual_ms"), "stable after two unchanged 100 ms samples");
    }

    @Test
    void volatilePagesAreRewrittenEveryPeriodInPlace() {
        // 10 of 100 pages rewritten every 50 ms for 1000 ms: 20 rounds x 10 pages, each a write
        // to an exclusively owned page (reused in place: no COW, no new fault).
        SimulationResult r = run("dup:pages=100,volatile=0.1,period_ms=50", Simulation.Options.forMs(1000));
        assertEquals(100L, r.finalCounters().get("nr_anon_pages"));
        assertEquals(100L, r.finalCounters().get("minor_faults"));
        assertEquals(1000L, r.finalCounters().get("virtual_ms"));
        assertEquals(11, r.series().size(), "samples at 0, 100, ..., 1000 ms");
    }

    @Test
    void sameSpecAndSeedGiveTheSameResultBitForBit() {
        String spec = "dup:pages=300,procs=2,distinct=7,zero=0.1,volatile=0.2,period_ms=30,seed=9";
        SimulationResult a = run(spec, Simulation.Options.forMs(500));
        SimulationResult b = run(spec, Simulation.Options.forMs(500));
        assertEquals(a.toJsonObject(), b.toJsonObject());
    }

    @Test
    void seriesCarriesTheContractFieldsInEverySample() {
        SimulationResult r = run("dup:pages=10", Simulation.Options.forMs(300));
        for (Map<String, Long> sample : r.series()) {
            assertEquals(true, sample.keySet().containsAll(List.of("virtual_ms", "nr_anon_pages", "cow_faults", "vmas")));
        }
        assertEquals(List.of(0L, 100L, 200L, 300L), r.series().stream().map(s -> s.get("virtual_ms")).toList());
    }

    /** A vm-fleet-like layout: 10 of each process's 200 pages rewritten every 1000 ms. */
    private static final String PERIODIC = "dup:procs=4,pages=200,distinct=100,zero=0.2,volatile=0.05,period_ms=1000";

    private static SimulationResult run(String spec, String algo, Map<String, String> knobs, Simulation.Options o) {
        return new Simulation(Workloads.create(spec), algo, knobs, o).run();
    }

    /**
     * Issue 10: SKSM merges inside madvise at t = 0 and its counters then hold still; the old rule
     * stopped it at 200 ms, before the first periodic rewrite, so it showed no COW fault. Now the
     * unchanged stretch must contain a firing of the writer: the rewrite at 1000 ms breaks the 40
     * merged volatile pages, the counters change, the rewrite at 2000 ms falls inside the new
     * stretch, and the run stops one sample later.
     */
    @Test
    void untilStableShouldWaitForAPeriodicWriterToFireInsideTheStableStretch() {
        SimulationResult r = run(PERIODIC, "sksm", Map.of(), Simulation.Options.stable());
        assertEquals(1L, r.finalCounters().get("stable"));
        assertEquals(2100L, r.finalCounters().get("virtual_ms"));
        assertEquals(40L, r.finalCounters().get("sksm_cow_after_merge"));
        assertEquals(1000L, r.finalCounters().get("converged_ms"));
        assertEquals(List.of(), r.warnings());
    }

    /** The stop point no longer depends on how fast the merger is: ksm at sleep 0 and 20 ms end with the same saving. */
    @Test
    void ksmSavingUntilStableShouldNotDependOnItsScanSpeed() {
        SimulationResult fast = run(PERIODIC, "ksm", Map.of("sleep_millisecs", "0"), Simulation.Options.stable());
        SimulationResult slow = run(PERIODIC, "ksm", Map.of("sleep_millisecs", "20"), Simulation.Options.stable());
        assertEquals(Convergence.of(slow).savedPages(), Convergence.of(fast).savedPages());
        assertTrue((Long) fast.finalCounters().get("virtual_ms") > 1000, "the fast run saw the first rewrite");
    }

    /** A workload without periodic writers stops as before: two unchanged samples. */
    @Test
    void untilStableWithoutPeriodicWritersShouldStopAfterTwoUnchangedSamples() {
        SimulationResult r = run("dup:procs=4,pages=200,distinct=100", "sksm", Map.of(), Simulation.Options.stable());
        assertEquals(200L, r.finalCounters().get("virtual_ms"));
    }

    @Test
    void theOptInTimeShouldBeInTheFinalCounters() {
        assertEquals(0L, run(PERIODIC, "none", Map.of(), Simulation.Options.forMs(100)).finalCounters().get("opt_in_ms"));
        SimulationResult patch = run("codepatch:procs=4,lib_pages=10,base_pages=2", "ksm", Map.of(), Simulation.Options.forMs(3000));
        assertEquals(2000L, patch.finalCounters().get("opt_in_ms"), "codepatch offers its memory at merge_ms");
        assertEquals(null, run("dup:pages=10,mergeable=0", "none", Map.of(), Simulation.Options.forMs(100))
                .finalCounters().get("opt_in_ms"), "a workload that never opts in has none");
    }

    @Test
    void forScansOfAMergerWithoutScansShouldBeRefusedBeforeRunning() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run(PERIODIC, "sksm", Map.of(), new Simulation.Options(100, 86_400_000, -1, 3, false, 2)));
        assertEquals("--for-scans 3: algorithm 'sksm' makes no full scans (only a scanning daemon such as ksm does);"
                + " expected --for-ms N or --until-stable", e.getMessage());
    }

    @Test
    void aDaemonThatScansNoPageShouldBeRefusedForScansAndUntilStable() {
        Map<String, String> zero = Map.of("pages_to_scan", "0");
        IllegalArgumentException scans = assertThrows(IllegalArgumentException.class,
                () -> run(PERIODIC, "ksm", zero, new Simulation.Options(100, 86_400_000, -1, 3, false, 2)));
        assertEquals("--for-scans 3: pages_to_scan=0: ksmd scans no page per batch, so it never completes a full scan;"
                + " expected pages_to_scan > 0, or --for-ms N", scans.getMessage());
        IllegalArgumentException stable = assertThrows(IllegalArgumentException.class,
                () -> run(PERIODIC, "ksm", zero, Simulation.Options.stable()));
        assertTrue(stable.getMessage().startsWith("--until-stable: pages_to_scan=0: "), stable.getMessage());
        assertEquals(500L, run(PERIODIC, "ksm", zero, Simulation.Options.forMs(500)).finalCounters().get("virtual_ms"),
                "a duration is still fine");
    }

    /** ksmd not running (run=0) with periodic writers: the run stops at once with a warning, not after 24 virtual hours. */
    @Test
    void forScansOfAnIdleDaemonShouldStopWithAWarning() {
        SimulationResult r = run(PERIODIC, "ksm", Map.of("run", "0"), new Simulation.Options(100, 86_400_000, -1, 3, false, 2));
        assertEquals(0L, r.finalCounters().get("virtual_ms"));
        assertEquals(List.of("--for-scans 3: stopped at 0 virtual ms after 0 full scans: the ksm daemon is idle"
                + " (not running, or nothing left to scan) and nothing can wake it"), r.warnings());
    }

    /**
     * A stop asked for from outside (a signal, a wall-time budget) ends the run before its next
     * step: the result holds the counters where it stood, marked partial and not stable, with a
     * warning. Asked for when the third pass completes, it holds what a run of exactly three full
     * scans holds (every counter but the clock, which a --for-scans run reads at the pass's sample).
     */
    @Test
    void aStopRequestedMidRunShouldGiveThePartialResultMarkedPartial() {
        Map<String, String> knobs = Map.of("pages_to_scan", "100");
        Simulation sim = new Simulation(Workloads.create(PERIODIC), "ksm", knobs, Simulation.Options.stable());
        sim.onStep((virtualNanos, fullScans, progress) -> {
            if (fullScans >= 3) sim.requestStop();
        });
        SimulationResult partial = sim.run();
        SimulationResult three = run(PERIODIC, "ksm", knobs, new Simulation.Options(100, 86_400_000, -1, 3, false, 2));
        Map<String, Object> p = partial.finalCounters();
        assertEquals(1L, p.get("partial"));
        assertEquals(0L, p.get("stable"));
        assertEquals(3L, p.get("full_scans"));
        for (String k : List.of("pages_shared", "pages_sharing", "pages_unshared", "pages_volatile", "pages_scanned", "nr_anon_pages",
                "rmap_items", "ksmd_cpu_ns")) {
            assertEquals(three.finalCounters().get(k), p.get(k), k);
        }
        assertEquals(List.of(String.format(java.util.Locale.ROOT, "stopped on request at %,d", ((Number) p.get("virtual_ms")).longValue())
                + " virtual ms after 3 full scans, short of its stop rule:"
                + " a partial run (final.partial=1); its counters are where it stood, not stable, and converged_ms is where they"
                + " last settled so far"), partial.warnings());
        assertEquals(null, three.finalCounters().get("partial"), "a run that reached its rule is not marked");
    }

    /** A stop asked for before the run starts stops it before its first step. */
    @Test
    void aStopRequestedBeforeTheRunShouldStopItAtOnce() {
        Simulation sim = new Simulation(Workloads.create(PERIODIC), "ksm", Map.of(), Simulation.Options.stable());
        sim.requestStop();
        SimulationResult r = sim.run();
        assertEquals(1L, r.finalCounters().get("partial"));
        assertEquals(0L, r.finalCounters().get("virtual_ms"));
        assertEquals(0L, r.finalCounters().get("full_scans"));
        assertEquals(800L, r.finalCounters().get("nr_anon_pages"), "the workload was built: 4 processes of 200 pages");
    }

    @Test
    void untilStableThatReachesMaxMsShouldSaySo() {
        SimulationResult r = run("dup:pages=10,volatile=0.5,period_ms=5000", "none", Map.of(),
                new Simulation.Options(100, 3000, -1, -1, true, 2));
        assertEquals(0L, r.finalCounters().get("stable"));
        assertEquals(List.of("not stable within max_ms=3000 virtual ms: stopped there"), r.warnings());
    }
    /**
     * vm-fleet's layout at 4096 pages with smart_scan=0: a pass takes about 125 virtual ms and the
     * volatile pages are rewritten every 1000 ms, so pages_unshared repeats a cycle of 8 passes
     * (51, 153, then 204 for six passes) and never holds across a rewrite: the first rule never
     * holds. The saving rule stops the run once 100 passes are done and the saving held for 10.
     */
    @Test
    void untilStableShouldStopOnTheSavingWhenATrackingCounterCyclesForEver() {
        SimulationResult r = run("dup:procs=4,pages=1024,distinct=512,zero=0.2,volatile=0.05,period_ms=1000", "ksm",
                Map.of("pages_to_scan", "1000", "sleep_millisecs", "20", "smart_scan", "0"), Simulation.Options.stable());
        Map<String, Object> f = r.finalCounters();
        assertEquals(1L, f.get("stable"));
        assertEquals(12474L, f.get("virtual_ms"));
        assertEquals(100L, f.get("full_scans"));
        assertEquals(516L, f.get("pages_shared"));
        assertEquals(3376L, f.get("pages_sharing"));
        assertEquals(1222L, f.get("converged_ms"), "when the saving settled, not when pages_unshared last moved");
        assertEquals(10L, f.get("converged_full_scans"));
        List<Long> unshared = r.series().subList(r.series().size() - 12, r.series().size()).stream()
                .map(x -> x.get("pages_unshared")).toList();
        assertEquals(List.of(51L, 153L, 204L, 204L, 204L, 204L, 204L, 204L, 51L, 153L, 204L, 204L), unshared);
        assertEquals(List.of("pages_unshared kept changing with the workload's periodic writers: stopped when pages_shared,"
                + " pages_sharing, ksm_zero_pages had held for 10 samples covering two firings of every writer (converged_ms is"
                + " when they settled)"), r.warnings());
    }

    /** Without periodic writers the saving rule never applies: the first rule alone decides. */
    @Test
    void theSavingRuleShouldLeaveRunsWithoutWritersAlone() {
        SimulationResult r = run("dup:procs=4,pages=1024,distinct=512,zero=0.2", "ksm",
                Map.of("pages_to_scan", "1000", "sleep_millisecs", "20", "smart_scan", "0"), Simulation.Options.stable());
        assertEquals(1L, r.finalCounters().get("stable"));
        assertEquals(List.of(), r.warnings());
    }

    /**
     * A step listener sees the virtual time, the full scans and, when it asks, the merger's saving
     * counters as they are, the tracking counter at the last pass and how long the stability
     * counters have held.
     */
    @Test
    void aStepListenerReadsWhereTheRunStandsOnlyWhenItAsks() {
        Map<String, Long> last = new java.util.LinkedHashMap<>();
        EventLoop.Progress[] atEnd = {null};
        long[] steps = {0, 0};
        SimulationResult r = new Simulation(Workloads.create("dup:pages=400,distinct=4"), "ksm", Map.of("pages_to_scan", "100"),
                Simulation.Options.stable()).onStep((t, fullScans, progress) -> {
                    steps[0]++;
                    if (fullScans >= 3 && steps[1]++ == 0) last.putAll(progress.get().saving()); // once, after the merging pass
                    if (fullScans >= 4) atEnd[0] = progress.get();
                }).run();
        assertEquals(java.util.List.of("pages_shared", "pages_sharing", "ksm_zero_pages"), java.util.List.copyOf(last.keySet()));
        assertEquals(r.finalCounters().get("pages_shared"), last.get("pages_shared"));
        assertEquals(r.finalCounters().get("pages_sharing"), last.get("pages_sharing"));
        assertEquals(396L, last.get("pages_sharing")); // 400 pages of 4 contents
        assertTrue(steps[0] > steps[1], steps[0] + " steps, " + steps[1] + " asked");
        // at the stopping sample: pages_unshared as the result has it, and the stretch the until-stable rule saw
        assertEquals(4L, r.finalCounters().get("full_scans"));
        assertEquals(Map.of("pages_unshared", 0L), atEnd[0].trackingAtLastSample());
        assertTrue(atEnd[0].samplesArePasses());
        List<Map<String, Long>> series = r.series();
        int held = 0;
        for (int i = series.size() - 1; i > 0 && sameStability(series.get(i - 1), series.get(i)); i--) held++;
        assertEquals(held, atEnd[0].heldIntervals());
        assertEquals(2, held); // merged in the second pass, unchanged at the third and fourth
        // asking does not change the run
        SimulationResult quiet = new Simulation(Workloads.create("dup:pages=400,distinct=4"), "ksm", Map.of("pages_to_scan", "100"),
                Simulation.Options.stable()).run();
        assertEquals(quiet.series(), r.series());
    }

    private static boolean sameStability(Map<String, Long> a, Map<String, Long> b) {
        for (String k : org.ksmlab.engine.ksm.Ksm.STABILITY) {
            if (!java.util.Objects.equals(a.get(k), b.get(k))) return false;
        }
        return true;
    }
}
