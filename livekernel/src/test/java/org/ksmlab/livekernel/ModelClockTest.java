package org.ksmlab.livekernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The arithmetic of the model's clock as kernel-check measures it (no kernel needed). */
class ModelClockTest {
    @Test
    void configHzShouldComeFromTheConfigLine() {
        assertEquals(Optional.of(250), KsmdPacing.configHz(List.of("CONFIG_HZ_250=y", "CONFIG_HZ=250", "CONFIG_SCHED_HRTICK=y")));
        assertEquals(Optional.empty(), KsmdPacing.configHz(List.of("# CONFIG_HZ_PERIODIC is not set")));
        assertEquals(Optional.empty(), KsmdPacing.configHz(java.nio.file.Path.of("/nonexistent/config.gz")));
    }

    /** 80 sleeps of 20 ms at HZ=250: 6 ticks each, 24 ms; 20 of them a tick late: 250 per mille. */
    @Test
    void latenessShouldCountTheTicksBeyondTheSleepsRoundedUpLength() {
        long span = (80L * 24 + 20 * 4) * 1_000_000 + 1_500_000; // plus poll lag, under half a tick
        KsmdPacing.Lateness l = KsmdPacing.lateness(span, 80, 20, 250);
        assertEquals(250, l.latePermille());
        assertEquals(6, l.ticksPerSleep());
        assertEquals(0, KsmdPacing.lateness(80L * 24 * 1_000_000, 80, 20, 250).latePermille());
        assertEquals(0, KsmdPacing.lateness(80L * 23 * 1_000_000, 80, 20, 250).latePermille(), "never below 0");
        assertEquals(1000, KsmdPacing.lateness(80L * 40 * 1_000_000, 80, 20, 250).latePermille(), "never above 1000");
        assertEquals(3, KsmdPacing.lateness(1, 1, 20, 100).ticksPerSleep(), "HZ=100: 2 ticks + 1");
    }

    @Test
    void probesBeforeAndAfterShouldCombineWeightedByTheirSleeps() {
        KsmdPacing.Lateness a = KsmdPacing.lateness(80L * 24 * 1_000_000, 80, 20, 250).withWakeWaits(100_000, 0); // 0 extra
        KsmdPacing.Lateness b = KsmdPacing.lateness(40L * 26 * 1_000_000, 40, 20, 250).withWakeWaits(400_000, 100); // 500 extra
        KsmdPacing.Lateness c = KsmdPacing.Lateness.combine(a, b);
        assertEquals(120, c.sleeps());
        assertEquals(167, c.extraPermille());
        assertEquals(33, c.longWakePermille());
        assertEquals(134, c.latePermille());
        assertEquals(200_000, c.wakeWaitNanos());
    }

    @Test
    void shareShouldBeTheRunTimeOverTheRunnableTime() {
        Ksmd.RunWait a = Ksmd.parseRunWait("35649034842 32583919128 44311\n");
        Ksmd.RunWait b = Ksmd.parseRunWait("35849034842 32633919128 44911\n");
        assertEquals(800, b.minus(a).sharePermille()); // ran 200 ms, waited 50 ms
        assertEquals(600, b.minus(a).timeslices());
        assertEquals(1000, new Ksmd.RunWait(0, 0).sharePermille());
    }

    @Test
    void clockShouldGiveTheModelTheMeasuredKnobsAndSayWhereTheyCameFrom() {
        // converged at full scan 1: ran 900 ms, waited 300 ms; 10 wake-ups x 10 ms (the probe's wait per wake-up),
        // the other 200 ms stretch the batches: share 900 / 1100
        Map<String, Long> pass1 = KernelRunnerTest.s(1, 24, 1, 9, 0, 10, 900_000_000);
        pass1.put("ksmd_wait_ns", 300_000_000L);
        pass1.put("ksmd_timeslices", 30L);
        pass1.put("ksmd_wakeups", 10L);
        Map<String, Long> pass2 = new java.util.LinkedHashMap<>(pass1);
        pass2.put("full_scans", 2L);
        pass2.put("ksmd_wait_ns", 900_000_000L); // after convergence: not the time to converge's contention
        SideResult kernel = KernelRunner.result(new java.util.ArrayList<>(List.of(KernelRunnerTest.s(0, 0, 0, 0, 0, 0, 0), pass1, pass2)),
                false, 1);
        Map<String, Object> timing = KernelRunner.timing(123_456, new Ksmd.RunWait(0, 0, 0), new Ksmd.RunWait(900_000_000, 900_000_000, 30), 10);
        timing.put("sleep_millisecs", "20");
        kernel.extra().put("timing", timing);
        Map<String, Object> c = KernelCheck.clock(new KsmdPacing.Hz(250, "CONFIG_HZ in /proc/config.gz"),
                KsmdPacing.lateness(80L * 25 * 1_000_000, 80, 20, 250).withWakeWaits(10_000_000, 100).withBatchCpu(30_000),
                KsmdSpeed.Speed.combine(List.of(new KsmdSpeed.Speed(KsmdSpeed.SMALL, List.of(9_000_000L), 12_000_000),
                        new KsmdSpeed.Speed(KsmdSpeed.SMALL, List.of(10_000_000L, 9_500_000L), 12_000_000))),
                1_000, kernel);
        // 250 per mille of the probe's sleeps took a tick more, 100 of them for a long wake-up wait: 150 late timers;
        // the speed probes: a median of 9.5 ms of ksmd CPU for the reference the model prices at 12 ms: 792 per mille
        assertEquals(Map.of("kernel.hz", "250", "kernel.timer_late_permille", "150", "kernel.ksmd_cpu_share_permille", "818",
                "kernel.ksmd_wake_latency_us", "10000", "kernel.ksmd_prior_cpu_ns", "123456",
                "kernel.ksmd_cpu_cost_permille", "792", "cost.wakeup_ns", "36878.8", "kernel.ksmd_preempt_wait_us", "10000"),
                c.get("model_kernel_knobs"));
        // 30 µs per one-page batch at 0.792 of the calibration's speed is 37.9 µs of model CPU, less the page's 1 µs
        assertTrue(c.get("wakeup_source").toString().contains("= 36.9 µs per wake-up"), c.toString());
        assertTrue(c.get("speed_probe").toString().contains("kernel median 9.50 ms of 3 probes (9.00 .. 10.00), model 12.00 ms: 792 per mille"), c.toString());
        assertTrue(c.get("pacing_probe").toString().contains("250 per mille of 80 sleeps"), c.toString());
        assertTrue(c.get("pacing_probe").toString().contains("150 per mille late timers"), c.toString());
        assertTrue(c.get("cpu_share_source").toString().contains("up to full scan 1"), c.toString());
        assertTrue(c.get("cpu_share_source").toString().contains("10 wake-ups x 10.000 ms (the probe's wait per wake-up) = 100.0 ms, the rest, 200.0 ms"), c.toString());
        // 30 times on a CPU, 10 of them wake-ups: 20 preemptions shared the 200 ms
        assertTrue(c.get("cpu_share_source").toString().contains("(20 preemptions, 10.000 ms each)"), c.toString());
    }

    /** run.sh starts the CLI with an ahead-of-time cache; a workload child must not inherit it (its JVM rejects it). */
    @Test
    void workloadChildrenShouldNotInheritTheAheadOfTimeCacheNorTheHeapSize() {
        assertEquals(false, WorkloadProcesses.inherited("-XX:AOTCache=/x/cli/target/ksmlab.aot"));
        assertEquals(false, WorkloadProcesses.inherited("-Xmx4g"));
        assertEquals(true, WorkloadProcesses.inherited("--enable-native-access=ALL-UNNAMED"));
    }

    @Test
    void ratiosBeyondTheToleranceShouldBeFlagged() {
        assertEquals("0.980", ComparisonTable.ratio(980, 1000, 0.05));
        assertEquals("1.060 OUTSIDE", ComparisonTable.ratio(1060, 1000, 0.05));
        assertEquals("1.190", ComparisonTable.ratio(1190, 1000, 0.20));
        assertEquals("-", ComparisonTable.ratio(5, 0, 0.05));
    }

    /** A short workload runs three times on the kernel, a sleep-0 one five; the run with the median time to converge is compared, all shown. */
    @Test
    void aShortWorkloadIsComparedByItsMedianKernelRun() {
        assertEquals(3, KernelCheck.runsOf(Scenario.builtIn().get(0)));
        // the grid: sleep 20 at 100, 1000, 10000 pages one run each; sleep 0 (ksmd's CPU alone) five runs each
        assertEquals(List.of(1, 1, 1, 5, 5, 5), Scenario.grid().stream().map(KernelCheck::runsOf).toList());
        java.util.function.LongFunction<SideResult> run = ms -> new SideResult(Map.of("stable", 1L), 2, ms,
                List.of(KernelRunnerTest.s(0, 0, 0, 0, 0, 0, 0)), new java.util.LinkedHashMap<>(Map.of("cpu", "run " + ms)), null);
        SideResult m = KernelCheck.medianRun(List.of(run.apply(252), run.apply(239), run.apply(243)));
        assertEquals(243, m.convergedMs());
        assertEquals("run 243", m.extra().get("cpu")); // the whole run, not a mix
        assertEquals(List.of(252L, 239L, 243L), m.extra().get(KernelCheck.RUNS_KEY));
        assertEquals(239, KernelCheck.medianRun(List.of(run.apply(252), run.apply(239))).convergedMs()); // even: the lower middle
        SideResult one = run.apply(250);
        assertEquals(one, KernelCheck.medianRun(List.of(one)));
        // A miss against the median is put beside the kernel's own spread.
        SideResult five = KernelCheck.medianRun(List.of(run.apply(163), run.apply(184), run.apply(201), run.apply(192), run.apply(198)));
        assertEquals(192, five.convergedMs());
        assertEquals(" (inside the kernel's own runs, 163 to 201 ms)", ComparisonTable.withinKernelRuns(172, five)); // 0.896
        assertEquals(" (outside the kernel's own runs too, 163 to 201 ms)", ComparisonTable.withinKernelRuns(210, five)); // 1.094
        assertEquals("", ComparisonTable.withinKernelRuns(195, five)); // 1.016: not flagged
        assertEquals("", ComparisonTable.withinKernelRuns(100, run.apply(192))); // one run: nothing to compare with
        SideResult failed = SideResult.unavailable("workload did not start");
        assertEquals(failed, KernelCheck.medianRun(List.of(run.apply(240), failed, run.apply(250))));
        String text = ComparisonTable.render(new Scenario("t", "dup:pages=4000", Map.of()), m, SideResult.unavailable("no model"));
        assertTrue(text.contains("after 243 ms (wall; the median of 3 runs: 252, 239, 243 ms)"), text);
    }

    /** A full scan's end on the kernel: the middle of the poll interval in which full_scans moved. */
    @Test
    void aFullScansEndIsTheMiddleOfThePollIntervalThatSawIt() {
        long t0 = 5_000_000_000L;
        assertEquals(239, KernelRunner.boundaryMs(t0, t0 + 238_000_000L, t0 + 240_100_000L)); // 239.05
        assertEquals(1, KernelRunner.boundaryMs(t0, t0, t0 + 2_200_000L)); // the first poll after run=1: 1.1
    }
}
