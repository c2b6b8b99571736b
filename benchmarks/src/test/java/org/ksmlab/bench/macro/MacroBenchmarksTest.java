package org.ksmlab.bench.macro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.ksmlab.engine.mm.SyscallException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Builds each macro state as JMH would (fields, then @Setup), calls the benchmark once and
 * checks the counters of the tiny deterministic run (golden values from this model at the
 * commit that added them; a change means the model's results changed).
 *
 * <p>What the values pin (issue 10): the ksm runs at sleep 0 and 20 ms save the same 329 pages
 * and show the 20 COW faults of the first periodic rewrite (the stop rule waits for it); every
 * merger of the comparison runs to the same horizon ({@code ms=8000} on vm-fleet); SKSM's COW
 * faults appear; times count from the opt-in (codepatch offers its memory at 2000 ms, so SKSM's
 * merge inside madvise is at 0 ms, ksm's first merging pass ends 822 ms later).
 */
class MacroBenchmarksTest {
    private static String counters(ConvergenceCounters c) {
        return String.format("saved=%d t50=%d t90=%d t99=%d cpu=%d cow=%d tracking=%d profit=%d scans=%d cpuNs=%d"
                        + " ms=%d optIn=%d avg=%d",
                c.pagesSaved, c.virtualMsTo50, c.virtualMsTo90, c.virtualMsTo99, c.cpuPermille, c.cowAfterMerge,
                c.trackingBytes, c.netProfitBytes, c.fullScans, c.cpuNs, c.virtualMs, c.optInMs, c.savedAvgPages);
    }

    private static KsmConvergenceBenchmark.Run ksmRun(int pagesToScan, int sleepMillis, String advisor) {
        return ksmRun(pagesToScan, sleepMillis, advisor, "byte");
    }

    private static KsmConvergenceBenchmark.Run ksmRun(int pagesToScan, int sleepMillis, String advisor, String pageMode) {
        KsmConvergenceBenchmark.Run r = new KsmConvergenceBenchmark.Run();
        r.pageMode = pageMode;
        r.pagesToScan = pagesToScan;
        r.sleepMillis = sleepMillis;
        r.pages = 400;
        r.mix = "vm-fleet";
        r.smartScan = 1;
        r.advisor = advisor;
        r.seed = 42;
        r.build();
        return r;
    }

    @ParameterizedTest(name = "pages_to_scan={0} sleep={1} advisor={2}")
    @CsvSource(delimiter = '|', value = {
            "100 | 20 | none | saved=329 t50=222 t90=222 t99=222 cpu=3 cow=20 tracking=7248 profit=1321984 scans=19 cpuNs=7229817 ms=2122 optIn=0 avg=313",
            "1000 | 0 | none | saved=329 t50=1 t90=1 t99=1 cpu=1000 cow=20 tracking=7248 profit=1321984 scans=14463 cpuNs=3000324477 ms=3000 optIn=0 avg=336",
            "100 | 20 | scan-time | saved=329 t50=23 t90=23 t99=23 cpu=10 cow=20 tracking=7248 profit=1321984 scans=83 cpuNs=20420160 ms=2050 optIn=0 avg=337"})
    void ksmConvergeShouldReportTheRunsCounters(int pagesToScan, int sleepMillis, String advisor, String expected) {
        for (String pageMode : new String[] {"byte", "symbolic"}) {
            KsmConvergenceBenchmark.Run r = ksmRun(pagesToScan, sleepMillis, advisor, pageMode);
            ConvergenceCounters c = new ConvergenceCounters();
            long saved = new KsmConvergenceBenchmark().converge(r, c);
            assertEquals(c.pagesSaved, saved);
            assertEquals(expected, counters(c), pageMode + " pages");
        }
    }

    @Test
    void anUnknownPageModeShouldFailInSetup() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ksmRun(100, 20, "none", "bits"));
        assertEquals("page mode 'bits': expected byte or symbolic", e.getMessage());
    }

    @Test
    void aBadKnobShouldFailInSetupNotInTheTimedRun() {
        assertThrows(SyscallException.class, () -> ksmRun(100, 20, "cpu-time")); // EINVAL, as sysfs
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
            "none | vm-fleet | 400 | saved=0 t50=0 t90=0 t99=0 cpu=0 cow=0 tracking=0 profit=0 scans=0 cpuNs=0 ms=8000 optIn=0 avg=0",
            "ksm | vm-fleet | 400 | saved=329 t50=222 t90=222 t99=222 cpu=3 cow=20 tracking=7248 profit=1321984 scans=77 cpuNs=25251138 ms=8000 optIn=0 avg=325",
            "sksm | vm-fleet | 400 | saved=330 t50=0 t90=0 t99=0 cpu=0 cow=20 tracking=262756 profit=1088924 scans=0 cpuNs=766494 ms=8000 optIn=0 avg=332",
            "sksm-resizable | vm-fleet | 400 | saved=330 t50=0 t90=0 t99=0 cpu=0 cow=20 tracking=12696 profit=1338984 scans=0 cpuNs=765561 ms=8000 optIn=0 avg=332",
            "sksm-aged | vm-fleet | 400 | saved=330 t50=6000 t90=6000 t99=6000 cpu=0 cow=0 tracking=262756 profit=1088924 scans=8 cpuNs=1223397 ms=8000 optIn=0 avg=103",
            "sksm | code-patching | 1680 | saved=1140 t50=0 t90=0 t99=0 cpu=0 cow=0 tracking=268636 profit=4400804 scans=0 cpuNs=2772775 ms=9000 optIn=2000 avg=1140",
            "ksm | code-patching | 1680 | saved=1140 t50=822 t90=822 t99=822 cpu=2 cow=0 tracking=40960 profit=4561920 scans=17 cpuNs=19697908 ms=9000 optIn=2000 avg=1041"})
    void mergerComparisonShouldReportTheRunsCounters(String algo, String mix, int pages, String expected) {
        for (String pageMode : new String[] {"byte", "symbolic"}) {
            MergerComparisonBenchmark.Run r = new MergerComparisonBenchmark.Run();
            r.algo = algo;
            r.mix = mix;
            r.pages = pages;
            r.seed = 42;
            r.pageMode = pageMode;
            r.horizon();
            r.build();
            ConvergenceCounters c = new ConvergenceCounters();
            long saved = new MergerComparisonBenchmark().converge(r, c);
            assertEquals(c.pagesSaved, saved);
            assertEquals(expected, counters(c), pageMode + " pages");
        }
    }

    @Test
    void anUnknownAlgorithmShouldFailInSetup() {
        MergerComparisonBenchmark.Run r = new MergerComparisonBenchmark.Run();
        r.algo = "uksm";
        r.mix = "vm-fleet";
        r.pages = 400;
        r.seed = 42;
        r.pageMode = "byte";
        assertThrows(IllegalArgumentException.class, r::horizon);
    }
}
