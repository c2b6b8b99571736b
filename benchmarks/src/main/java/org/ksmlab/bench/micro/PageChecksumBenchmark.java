package org.ksmlab.bench.micro;

import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.ksmlab.engine.memory.PageChecksum;
import org.ksmlab.engine.memory.PageStore;
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
 * One page checksum ({@code calc_checksum}) per op, by each {@link PageChecksum} variant.
 * Returns the 64-bit hash (CRC32C: 32 bits, zero-extended).
 *
 * <p>{@code workingSet}: see {@link MicroPagePool}; a hot pool is 32 pages (the same
 * 128 KiB as {@link PageCompareBenchmark}'s 16 pairs), a cold pool {@code coldMiB} MiB of pages.
 *
 * @see "mm/ksm.c: calc_checksum"
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1) // forks inherit the host JVM's flags (pom.xml ksmlab.jvm.flags, passed by run.sh)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class PageChecksumBenchmark {
    /** {@code hot} (32 pages, cache resident) or {@code cold} ({@code coldMiB} MiB of pages). */
    @Param({"hot", "cold"})
    String workingSet;

    /** Size of the cold pool in MiB; ignored when hot. */
    @Param("1024")
    int coldMiB;

    /**
     * Visiting order of the pages: {@code permuted} (a seeded permutation: every cold op misses the
     * caches and the prefetcher) or {@code sequential} (address order, the prefetcher's best case).
     */
    @Param({"permuted", "sequential"})
    String order;

    /** Seed of the page contents and of the visiting order. */
    @Param("42")
    long seed;

    /** Holds the pages off-heap. */
    private PageStore store;
    /** Chunk and offset of each page (pre-resolved: no lookup in the op). */
    private MemorySegment[] chunk;
    private long[] offset;
    /** The pages in the visiting order {@link #order}. */
    private int[] visit;
    /** {@code pages - 1}; pages is a power of two. */
    private int mask;
    /** Ops done so far in this trial; selects the next page. */
    private int cursor;

    @Setup
    public void setup() {
        int pages = MicroPagePool.entries(workingSet, coldMiB, PageStore.PAGE_SIZE);
        SplittableRandom rnd = new SplittableRandom(seed);
        store = new PageStore();
        chunk = new MemorySegment[pages];
        offset = new long[pages];
        for (int i = 0; i < pages; i++) {
            int frame = store.allocate(PageStore.F_ANON);
            MicroPagePool.fillRandom(store, frame, rnd);
            chunk[i] = store.chunk(frame);
            offset[i] = PageStore.offset(frame);
        }
        visit = MicroPagePool.order(order, pages, rnd);
        mask = pages - 1;
        cursor = 0;
    }

    @TearDown
    public void tearDown() {
        store.close();
    }

    /** xxh64 seed 0, the kernel's checksum. */
    @Benchmark
    public long xxh64() {
        int i = visit[cursor++ & mask];
        return PageChecksum.XXH64.hash64(chunk[i], offset[i]);
    }

    /** XXH3 64-bit, seed 0. */
    @Benchmark
    public long xxh3() {
        int i = visit[cursor++ & mask];
        return PageChecksum.XXH3.hash64(chunk[i], offset[i]);
    }

    /** CRC32C (the JDK's intrinsic). */
    @Benchmark
    public long crc32c() {
        int i = visit[cursor++ & mask];
        return PageChecksum.CRC32C.hash64(chunk[i], offset[i]);
    }

    /** Number of pages in the pool (for tests). */
    int pages() {
        return mask + 1;
    }

    /** The chunk and offset of pool entry {@code i} (for tests). */
    MemorySegment chunk(int i) {
        return chunk[i];
    }

    long offset(int i) {
        return offset[i];
    }

    /** Index of the page the next op will hash (for tests). */
    int nextPage() {
        return visit[cursor & mask];
    }
}
