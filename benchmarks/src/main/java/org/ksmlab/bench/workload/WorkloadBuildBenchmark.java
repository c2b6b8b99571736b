package org.ksmlab.bench.workload;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import org.ksmlab.engine.memory.PageStore;
import org.ksmlab.engine.mm.Kernel;
import org.ksmlab.engine.mm.NoMerger;
import org.ksmlab.engine.workload.Workload;
import org.ksmlab.engine.workload.Workloads;
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
 * What building a workload costs against the memory speed it cannot beat: {@code build} sets up
 * the {@code dup} workload of {@code pages} pages with {@code distinct} contents (0: all
 * different) in a fresh kernel model (processes, the mapping, a write fault and the content of
 * every page, MADV_MERGEABLE), {@code bulkFill} writes the same number of bytes into fresh frame
 * memory (mapped as the model maps its frames) with one {@code MemorySegment.fill}. Both pay the
 * host's page faults on fresh memory. One op is one whole build or fill (single shot, rebuilt
 * every iteration); the ratio build / bulkFill is the overhead of the model's bookkeeping and
 * content generation over raw memory bandwidth.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1) // forks inherit the host JVM's flags (pom.xml ksmlab.jvm.flags, passed by run.sh)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
public class WorkloadBuildBenchmark {
    @Param("262144")
    int pages;

    /** Distinct contents (0: every page different). */
    @Param({"16", "0"})
    long distinct;

    private Kernel kernel;
    private Workload workload;
    private MemorySegment fresh;

    @Setup(Level.Iteration)
    public void setup() {
        kernel = new Kernel(new NoMerger());
        workload = Workloads.create("dup:pages=" + pages + ",distinct=" + distinct);
        fresh = PageStore.freshMemory((long) pages * PageStore.PAGE_SIZE);
    }

    @TearDown(Level.Iteration)
    public void tearDown() {
        kernel.close();
        PageStore.release(fresh);
    }

    /** Builds the workload; returns the anonymous pages it mapped. */
    @Benchmark
    public long build() {
        workload.start(kernel, NO_EVENTS);
        return kernel.nrAnonPages();
    }

    /** Writes as many bytes into fresh frame memory with one fill; returns a byte of it. */
    @Benchmark
    public byte bulkFill() {
        fresh.fill((byte) 0x5A);
        return fresh.get(java.lang.foreign.ValueLayout.JAVA_BYTE, fresh.byteSize() - 1);
    }

    /** A scheduler that drops later events (the build is what is measured). */
    static final Workload.Scheduler NO_EVENTS = new Workload.Scheduler() {
        @Override
        public void at(long nanos, Runnable action) {
        }

        @Override
        public void every(long firstNanos, long periodNanos, Runnable action) {
        }
    };
}
