package org.ksmlab.bench.macro;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.ksmlab.engine.memory.PageMode;
import org.ksmlab.engine.mm.Kernel;
import org.ksmlab.engine.sim.Algorithms;
import org.ksmlab.engine.sim.Convergence;
import org.ksmlab.engine.workload.Workload;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How fast ksmd converges and what it costs, over its sysfs knobs: one simulation of a workload
 * mix under {@code ksm} until the counters are stable, single shot (the run merges its own
 * freshly built memory: JMH sample 38's trap), the workload rebuilt before every iteration.
 *
 * <p>The score is the host's wall time to build the workload and simulate it to stability (ms
 * per run); the model's answers are the {@link ConvergenceCounters} next to it: virtual time to
 * 50/90/99 % of the final saving, pages saved, modelled ksmd CPU ‰, COW faults after merge,
 * tracking bytes, general_profit, full scans. Knobs not swept keep the kernel defaults
 * (max_page_sharing 256, use_zero_pages 0).
 *
 * @see "mm/ksm.c: ksm_do_scan, scan_get_next_rmap_item"
 */
@Fork(1) // forks inherit the host JVM's flags (pom.xml ksmlab.jvm.flags, passed by run.sh)
public class KsmConvergenceBenchmark {
    /** One ksm run's inputs, rebuilt before every iteration. */
    @State(Scope.Thread)
    public static class Run {
        /** sysfs pages_to_scan: pages per ksmd batch (ignored by the model while advisor=scan-time). */
        @Param({"100", "1000"})
        int pagesToScan;

        /** sysfs sleep_millisecs: virtual ms ksmd sleeps between batches. */
        @Param({"20"})
        int sleepMillis;

        /** Total pages of the mix (all processes). */
        @Param({"8000"})
        int pages;

        /** A workload mix of datasets/ (org.ksmlab.datasets.Mixes). */
        @Param({"vm-fleet"})
        String mix;

        /** sysfs smart_scan: 1 skips pages that repeatedly fail to merge. */
        @Param({"1"})
        int smartScan;

        /** sysfs advisor_mode: {@code none} or {@code scan-time} (the advisor then sets pages_to_scan). */
        @Param({"none"})
        String advisor;

        /** Seed of the workload's contents and choices. */
        @Param("42")
        long seed;

        /**
         * How the model holds page contents: {@code byte} (4 KiB of bytes per page, the reference)
         * or {@code symbolic} (a content identity per page; the same counters, for sizes beyond
         * this machine's memory).
         */
        @Param({"byte"})
        String pageMode;

        /** The knobs in sysfs write order (pages_to_scan before advisor_mode: EINVAL after it). */
        Map<String, String> knobs;
        /** The workload of the next run. */
        Workload workload;

        @Setup(Level.Iteration)
        public void build() {
            knobs = MacroRuns.ksmKnobs(pagesToScan, sleepMillis, smartScan, advisor);
            // The knobs are written at attach, as sysfs would take them: a bad value fails here, not in the timed run.
            new Kernel(Algorithms.create("ksm", knobs)).close();
            PageMode.parse(pageMode); // a bad name fails here, not in the timed run
            workload = MacroRuns.workload(mix, pages, seed);
        }
    }

    /** One run to stability; returns the pages saved (also in the counters). */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 1)
    @Measurement(iterations = 3)
    public long converge(Run run, ConvergenceCounters counters) {
        Convergence c = Convergence.of(MacroRuns.untilStable(run.workload, "ksm", run.knobs, PageMode.parse(run.pageMode)));
        counters.set(c);
        return c.savedPages();
    }
}
