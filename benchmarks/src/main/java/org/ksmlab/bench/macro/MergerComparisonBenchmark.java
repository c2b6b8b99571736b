package org.ksmlab.bench.macro;

import java.util.concurrent.TimeUnit;
import org.ksmlab.engine.memory.PageMode;
import org.ksmlab.engine.sim.Algorithms;
import org.ksmlab.engine.sim.Convergence;
import org.ksmlab.engine.sim.Horizon;
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
 * Every merger on the same workload mix over the same virtual horizon: one simulation per
 * iteration, single shot, the workload rebuilt before every iteration; each algorithm with its
 * default knobs (ksm: the kernel's sysfs defaults; sksm-aged: scan every 1 s, nominate after 5 s).
 *
 * <p>The horizon ({@link Horizon}) is computed once per trial, untimed: every registered merger
 * run until stable on this mix and size, the latest stop rounded up to a whole virtual second.
 * Every merger then runs for exactly that long, so savings, COW faults and CPU are counted over
 * the same stretch of the workload (periodic rewrites included) whichever merger finishes first.
 *
 * <p>Score: host wall time to build and simulate to the horizon (ms per run): the simulator's own
 * speed. The comparison itself is in the {@link ConvergenceCounters}: saving at the horizon and
 * time-weighted, time to 50/90/99 % from opt-in, CPU, COW churn, tracking overhead and net
 * profit, comparable across algorithms by their definitions in {@link Convergence}. The
 * {@code series} command writes the same runs' samples for the saving-over-time chart.
 */
@Fork(1) // forks inherit the host JVM's flags (pom.xml ksmlab.jvm.flags, passed by run.sh)
public class MergerComparisonBenchmark {
    /** One run's inputs, rebuilt before every iteration. */
    @State(Scope.Thread)
    public static class Run {
        /** The merger ({@code --algo} name). */
        @Param({"none", "ksm", "sksm", "sksm-resizable", "sksm-aged"})
        String algo;

        /** A workload mix of datasets/ (org.ksmlab.datasets.Mixes). */
        @Param({"vm-fleet", "code-patching"})
        String mix;

        /** Total pages of the mix (all processes). */
        @Param({"8000"})
        int pages;

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

        /** The comparison's virtual horizon for this mix and size, the same for every merger, ms. */
        long horizonMs;
        /** The workload of the next run. */
        Workload workload;

        @Setup(Level.Trial)
        public void horizon() {
            Algorithms.get(algo); // an unknown name fails here, listing the names
            horizonMs = MacroRuns.horizonMs(mix, pages, seed, PageMode.parse(pageMode));
        }

        @Setup(Level.Iteration)
        public void build() {
            workload = MacroRuns.workload(mix, pages, seed);
        }
    }

    /** One run to the horizon; returns the pages saved at it (also in the counters). */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 1)
    @Measurement(iterations = 3)
    public long converge(Run run, ConvergenceCounters counters) {
        Convergence c = Convergence.of(MacroRuns.toHorizon(run.workload, run.algo, run.horizonMs, PageMode.parse(run.pageMode)));
        counters.set(c);
        return c.savedPages();
    }
}
