package org.ksmlab.bench.micro;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * The physical limit the compare and checksum numbers are judged against: one op is one
 * sequential pass over an off-heap segment of {@code sizeMiB} MiB, reading every 8-byte word
 * (summed, and the sum returned so the reads are not dead code). Single-threaded read bandwidth
 * is {@code sizeMiB * 2^20 / score} bytes per ns (= GB/s).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1) // forks inherit the host JVM's flags (pom.xml ksmlab.jvm.flags, passed by run.sh)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class MemoryBandwidthBenchmark {
    /** Size of the segment read per op, in MiB; should be far larger than the last-level cache. */
    @Param("1024")
    int sizeMiB;

    /** Seed of the segment's contents. */
    @Param("42")
    long seed;

    private Arena arena;
    /** The segment streamed through, page aligned, filled with seeded random words. */
    private MemorySegment data;
    /** Its size in bytes. */
    private long sizeBytes;

    @Setup
    public void setup() {
        if (sizeMiB < 1) {
            throw new IllegalArgumentException("sizeMiB must be >= 1, was " + sizeMiB);
        }
        sizeBytes = (long) sizeMiB << 20;
        arena = Arena.ofShared();
        data = arena.allocate(sizeBytes, 4096);
        SplittableRandom rnd = new SplittableRandom(seed);
        for (long i = 0; i < sizeBytes; i += Long.BYTES) {
            data.set(ValueLayout.JAVA_LONG, i, rnd.nextLong());
        }
    }

    @TearDown
    public void tearDown() {
        arena.close();
    }

    /** Sums every 8-byte word of the segment, in address order. */
    @Benchmark
    public long streamRead() {
        MemorySegment d = data;
        long n = sizeBytes;
        long sum = 0;
        for (long i = 0; i < n; i += Long.BYTES) {
            sum += d.get(ValueLayout.JAVA_LONG, i);
        }
        return sum;
    }

    /** The segment (for tests). */
    MemorySegment data() {
        return data;
    }
}
