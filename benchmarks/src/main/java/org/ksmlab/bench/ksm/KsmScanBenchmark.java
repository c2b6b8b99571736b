package org.ksmlab.bench.ksm;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.ksmlab.engine.cost.CostModel;
import org.ksmlab.engine.ksm.Ksm;
import org.ksmlab.engine.memory.PageChecksum;
import org.ksmlab.engine.memory.PageStore;
import org.ksmlab.engine.mm.Kernel;
import org.ksmlab.engine.workload.Shuffle;
import org.ksmlab.engine.workload.Workload;
import org.ksmlab.engine.workload.Workloads;
import org.openjdk.jmh.annotations.AuxCounters;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How fast the KSM model scans: {@link #scanToConvergence} runs ksmd over a large duplicate
 * workload until it has converged (pass 1 checksums, pass 2 merges, then steady passes) and
 * counts the pages it scanned; {@link #xxh64} hashes one page of the same frames, the work the
 * kernel cannot avoid either. Model cost per scanned page = scanToConvergence time /
 * {@code pagesScanned}; its ratio to the xxh64 time is the figure of merit (aim: at most 1.5).
 *
 * <p>The workload is rebuilt for every iteration (merging mutates it: JMH sample 38's trap).
 */
@Fork(value = 1, jvmArgsAppend = {"-Xmx8g"})
@Warmup(iterations = 1)
@Measurement(iterations = 3)
public class KsmScanBenchmark {

    /** A freshly written workload with KSM installed, not yet scanned. */
    @State(Scope.Thread)
    public static class Workload1 {
        /** Pages in the duplicate workload (4 processes share contents, 1/16 of pages distinct per process). */
        @Param("262144")
        public int pages;
        @Param("5")
        public int fullScans;
        @Param("42")
        public long seed;

        Kernel kernel;
        Ksm ksm;

        @Setup(Level.Iteration)
        public void build() {
            Map<String, String> knobs = new LinkedHashMap<>();
            knobs.put("pages_to_scan", "100000");
            knobs.put("sleep_millisecs", "0");
            ksm = new Ksm(knobs, CostModel.defaults());
            kernel = new Kernel(ksm);
            int perProc = pages / 4;
            Workload w = Workloads.create("dup:procs=4,pages=" + perProc + ",distinct=" + Math.max(1, perProc / 16) + ",seed=" + seed);
            w.start(kernel, new Workload.Scheduler() {
                @Override public void at(long nanos, Runnable action) { throw new UnsupportedOperationException(); }
                @Override public void every(long first, long period, Runnable action) { throw new UnsupportedOperationException(); }
            });
        }

        @TearDown(Level.Iteration)
        public void close() {
            kernel.close();
        }
    }

    /** Pages the scan visited (pages_scanned), next to the time in the JMH JSON. */
    @AuxCounters(AuxCounters.Type.EVENTS)
    @State(Scope.Thread)
    public static class Scanned {
        public long pagesScanned;
        public long pagesSharing;

        @Setup(Level.Iteration)
        public void clear() {
            pagesScanned = 0;
            pagesSharing = 0;
        }
    }

    /** Frames of a duplicate workload to hash, visited in a seeded random order. */
    @State(Scope.Thread)
    public static class Frames {
        @Param("262144")
        public int pages;
        @Param("42")
        public long seed;
        PageStore store;
        int[] order;
        int cursor;

        @Setup(Level.Trial)
        public void build() {
            store = new PageStore();
            int n = Integer.highestOneBit(pages);
            SplittableRandom rng = new SplittableRandom(seed);
            int[] frames = new int[n];
            for (int i = 0; i < n; i++) {
                frames[i] = store.allocate(PageStore.F_ANON);
                store.fillLong(frames[i], rng.nextLong());
            }
            order = Shuffle.permutation(n, rng);
            for (int i = 0; i < n; i++) {
                order[i] = frames[order[i]];
            }
        }

        @TearDown(Level.Trial)
        public void close() {
            store.close();
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public long scanToConvergence(Workload1 w, Scanned out) {
        long target = w.ksm.fullScans() + w.fullScans;
        while (w.ksm.fullScans() < target) {
            w.kernel.advanceTo(w.ksm.nextWakeNanos());
            w.ksm.wake(w.kernel);
        }
        Map<String, Long> c = w.kernel.counters();
        out.pagesScanned = c.get("pages_scanned");
        out.pagesSharing = c.get("pages_sharing");
        return out.pagesSharing;
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @Warmup(iterations = 2, time = 1)
    @Measurement(iterations = 3, time = 1)
    public int xxh64(Frames f) {
        int frame = f.order[f.cursor++ & (f.order.length - 1)];
        return PageChecksum.XXH64.checksum32(f.store, frame);
    }
}
