package org.ksmlab.bench.sksm;

import static org.ksmlab.engine.memory.PageStore.PAGE_SIZE;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.ksmlab.bench.macro.ConvergenceCounters;
import org.ksmlab.engine.memory.PageChecksum;
import org.ksmlab.engine.memory.PageCompare;
import org.ksmlab.engine.memory.PageStore;
import org.ksmlab.engine.mm.Kernel;
import org.ksmlab.engine.mm.VmFlags;
import org.ksmlab.engine.sim.Algorithms;
import org.ksmlab.engine.sim.Convergence;
import org.ksmlab.engine.sim.SimulationResult;
import org.ksmlab.engine.workload.PageContents;
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
 * MADV_MERGE throughput of each SKSM variant, and what one page's unavoidable work costs.
 *
 * <p>{@link #madvMerge}: one {@code madvise(MADV_MERGE)} over {@code pages} freshly written
 * pages of one process, single shot (merging mutates its input: JMH sample 38's trap), the
 * process rebuilt before every iteration. {@code mix=duplicate}: page i holds content
 * {@code i % 16} (16 table inserts, the rest merge); {@code unique}: every page differs (every
 * page is inserted). Throughput: pages/s = {@code pages} / score (score in ms per call, so
 * pages·1000/score); GB/s = pages/s × 4096 / 10^9.
 *
 * <p>{@link #xxh64AndCompare}: one xxh64 of a page plus one full compare of two equal pages
 * (average time, ns), the floor of a merge. The ratio of a merge's cost per page to it is
 * {@code (score_ms · 10^6 / pages) / baseline_ns}.
 */
@Fork(1) // forks inherit the host JVM's flags (pom.xml ksmlab.jvm.flags, passed by run.sh)
public class SksmMergeBenchmark {
    /** The SKSM algorithms by their {@code --algo} names. */
    public enum Variant {
        SKSM("sksm"), SKSM_RESIZABLE("sksm-resizable"), SKSM_AGED("sksm-aged");

        final String algo;

        Variant(String algo) {
            this.algo = algo;
        }
    }

    /** Distinct contents of the {@code duplicate} workload. */
    static final int DUPLICATE_CONTENTS = 16;

    /** One process with {@code pages} written pages, rebuilt before every iteration. */
    @State(Scope.Thread)
    public static class MergeState {
        @Param({"SKSM", "SKSM_RESIZABLE", "SKSM_AGED"})
        Variant variant;

        /**
         * {@code duplicate} (16 distinct contents) or {@code unique}: this benchmark's own two
         * mixes of one process's pages (one MADV_MERGE, no ksmd), not the datasets/ mixes.
         */
        @Param({"duplicate", "unique"})
        String mix;

        @Param({"4096", "65536"})
        int pages;

        @Param("42")
        long seed;

        Kernel kernel;
        int pid;
        long base;

        @Setup(Level.Iteration)
        public void build() {
            if (!mix.equals("duplicate") && !mix.equals("unique")) {
                throw new IllegalArgumentException("mix=" + mix + ": expected duplicate or unique");
            }
            kernel = new Kernel(Algorithms.create(variant.algo, Map.of()));
            pid = kernel.spawn();
            base = kernel.mmapAnonymous(pid, (long) pages * PAGE_SIZE);
            for (int i = 0; i < pages; i++) {
                long key = PageContents.key(seed, mix.equals("duplicate") ? i % DUPLICATE_CONTENTS : i);
                kernel.writePage(pid, base + (long) i * PAGE_SIZE, (store, frame) -> PageContents.fill(store, frame, key));
            }
        }

        @TearDown(Level.Iteration)
        public void close() {
            kernel.close();
        }
    }

    /** Two equal pages and the pool's position, for the baseline. */
    @State(Scope.Thread)
    public static class PagePairState {
        @Param("42")
        long seed;

        PageStore store;
        MemorySegment chunk;
        long a;
        long b;
        final PageCompare compare = PageCompare.best();

        @Setup
        public void setup() {
            store = new PageStore();
            int fa = store.allocate(PageStore.F_ANON);
            int fb = store.allocate(PageStore.F_ANON);
            SplittableRandom rnd = new SplittableRandom(seed);
            long key = rnd.nextLong();
            PageContents.fill(store, fa, key);
            PageContents.fill(store, fb, key);
            chunk = store.chunk(fa); // both frames are in the first chunk
            a = PageStore.offset(fa);
            b = PageStore.offset(fb);
        }

        @TearDown
        public void tearDown() {
            store.close();
        }
    }

    /**
     * One MADV_MERGE over the whole range; returns nr_anon_pages after it. The counters carry
     * the same model results as the macro benchmarks (one sample at virtual time 0: the times to
     * 50/90/99 % and CPU ‰ are 0, the merge being synchronous).
     */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 5)
    @Measurement(iterations = 10)
    public long madvMerge(MergeState s, ConvergenceCounters counters) {
        s.kernel.madvise(s.pid, s.base, (long) s.pages * PAGE_SIZE, VmFlags.MADV_MERGE);
        counters.set(Convergence.of(new SimulationResult("", s.variant.algo, s.seed, Map.of(), Map.of(), List.of(s.kernel.counters()))));
        return s.kernel.nrAnonPages();
    }

    /** The floor per page: one xxh64 plus one compare of two equal pages (-1 when equal). */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @Warmup(iterations = 2, time = 1)
    @Measurement(iterations = 3, time = 1)
    public long xxh64AndCompare(PagePairState s) {
        long h = PageChecksum.XXH64.hash64(s.chunk, s.a);
        return h ^ s.compare.firstDifference(s.chunk, s.a, s.chunk, s.b);
    }
}
