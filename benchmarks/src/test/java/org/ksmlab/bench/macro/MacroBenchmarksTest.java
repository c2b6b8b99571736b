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
 */
class MacroBenchmarksTest {
    private static String counters(ConvergenceCounters c) {
        return String.format("saved=%d t50=%d t90=%d t99=%d cpu=%d cow=%d tracking=%d profit=%d scans=%d cpuNs=%d",
                c.pagesSaved, c.virtualMsTo50, c.virtualMsTo90, c.virtualMsTo99, c.cpuPermille, c.cowAfterMerge,
                c.trackingBytes, c.netProfitBytes, c.fullScans, c.cpuNs);
    }

    private static KsmConvergenceBenchmark.Run ksmRun(int pagesToScan, int sleepMillis, String advisor) {
        KsmConvergenceBenchmark.Run r = new KsmConvergenceBenchmark.Run();
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
            "100 | 20 | none | saved=349 t50=181 t90=181 t99=181 cpu=4 cow=0 tracking=17095 profit=1403904 scans=4 cpuNs=1627645",
            "1000 | 0 | none | saved=349 t50=1 t90=1 t99=1 cpu=1000 cow=0 tracking=17095 profit=1403904 scans=4 cpuNs=1627647",
            "100 | 20 | scan-time | saved=349 t50=21 t90=21 t99=21 cpu=26 cow=0 tracking=17095 profit=1403904 scans=4 cpuNs=1627647"})
    void ksmConvergeShouldReportTheRunsCounters(int pagesToScan, int sleepMillis, String advisor, String expected) {
        KsmConvergenceBenchmark.Run r = ksmRun(pagesToScan, sleepMillis, advisor);
        ConvergenceCounters c = new ConvergenceCounters();
        long saved = new KsmConvergenceBenchmark().converge(r, c);
        assertEquals(c.pagesSaved, saved);
        assertEquals(expected, counters(c));
    }

    @Test
    void aBadKnobShouldFailInSetupNotInTheTimedRun() {
        assertThrows(SyscallException.class, () -> ksmRun(100, 20, "cpu-time")); // EINVAL, as sysfs
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
            "none | vm-fleet | 400 | saved=0 t50=0 t90=0 t99=0 cpu=0 cow=0 tracking=0 profit=0 scans=0 cpuNs=0",
            "ksm | vm-fleet | 400 | saved=349 t50=181 t90=181 t99=181 cpu=4 cow=0 tracking=17095 profit=1403904 scans=4 cpuNs=1627645",
            "sksm | vm-fleet | 400 | saved=350 t50=0 t90=0 t99=0 cpu=3 cow=0 tracking=262756 profit=1170844 scans=0 cpuNs=594436",
            "sksm-resizable | vm-fleet | 400 | saved=350 t50=0 t90=0 t99=0 cpu=3 cow=0 tracking=12696 profit=1420904 scans=0 cpuNs=592516",
            "sksm-aged | vm-fleet | 400 | saved=330 t50=6000 t90=6000 t99=6000 cpu=0 cow=0 tracking=262756 profit=1088924 scans=8 cpuNs=1170920",
            "sksm | code-patching | 1680 | saved=1140 t50=2000 t90=2000 t99=2000 cpu=1 cow=0 tracking=268636 profit=4400804 scans=0 cpuNs=2199006",
            "ksm | code-patching | 1680 | saved=1140 t50=2668 t90=2668 t99=2668 cpu=3 cow=0 tracking=79260 profit=4561920 scans=4 cpuNs=10006045"})
    void mergerComparisonShouldReportTheRunsCounters(String algo, String mix, int pages, String expected) {
        MergerComparisonBenchmark.Run r = new MergerComparisonBenchmark.Run();
        r.algo = algo;
        r.mix = mix;
        r.pages = pages;
        r.seed = 42;
        r.build();
        ConvergenceCounters c = new ConvergenceCounters();
        long saved = new MergerComparisonBenchmark().converge(r, c);
        assertEquals(c.pagesSaved, saved);
        assertEquals(expected, counters(c));
    }

    @Test
    void anUnknownAlgorithmShouldFailInSetup() {
        MergerComparisonBenchmark.Run r = new MergerComparisonBenchmark.Run();
        r.algo = "uksm";
        r.mix = "vm-fleet";
        r.pages = 400;
        r.seed = 42;
        assertThrows(IllegalArgumentException.class, r::build);
    }
}
