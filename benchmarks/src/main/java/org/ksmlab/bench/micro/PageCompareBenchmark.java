package org.ksmlab.bench.micro;

import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.ksmlab.engine.memory.PageCompare;
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
 * One page-pair compare ({@code memcmp_pages}) per op, by the three {@link PageCompare}
 * implementations. Returns the first differing byte (-1 for equal pages).
 *
 * <p>{@code difference}: {@code equal} pages (the whole 4096 bytes are read, the cost of a
 * successful merge check), first difference at byte {@value #EARLY_BYTE} ({@code early}: a
 * typical miss in the unstable tree, only the first cache lines are read) or at byte
 * {@value #LATE_BYTE} ({@code late}: the whole page is read and then some). {@code workingSet}:
 * see {@link MicroPagePool}; a cold pool holds {@code coldMiB} MiB of page pairs.
 *
 * @see "mm/ksm.c: memcmp_pages"
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1) // forks inherit the host JVM's flags (pom.xml ksmlab.jvm.flags, passed by run.sh)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class PageCompareBenchmark {
    /** Byte offset of the first difference for {@code difference=early}: the second cache line. */
    static final int EARLY_BYTE = 64;
    /** Byte offset of the first difference for {@code difference=late}: the last byte. */
    static final int LATE_BYTE = PageStore.PAGE_SIZE - 1;

    private static final PageCompare SCALAR = PageCompare.scalar();
    private static final PageCompare VECTOR = PageCompare.vector();
    private static final PageCompare MISMATCH = PageCompare.mismatch();

    /** {@code hot} (16 pairs, cache resident) or {@code cold} ({@code coldMiB} MiB of pairs). */
    @Param({"hot", "cold"})
    String workingSet;

    /** Where the pages of a pair first differ: {@code equal}, {@code early} (byte 64), {@code late} (byte 4095). */
    @Param({"equal", "early", "late"})
    String difference;

    /** Size of the cold pool in MiB (both pages of every pair counted); ignored when hot. */
    @Param("1024")
    int coldMiB;

    /**
     * Visiting order of the pairs: {@code permuted} (a seeded permutation: every cold op misses the
     * caches and the prefetcher) or {@code sequential} (address order, the prefetcher's best case).
     */
    @Param({"permuted", "sequential"})
    String order;

    /** Seed of the page contents and of the visiting order. */
    @Param("42")
    long seed;

    /** Holds the pages off-heap. */
    private PageStore store;
    /** Chunk and offset of the first page of each pair (pre-resolved: no lookup in the op). */
    private MemorySegment[] aChunk;
    private long[] aOffset;
    /** Chunk and offset of the second page of each pair. */
    private MemorySegment[] bChunk;
    private long[] bOffset;
    /** The pairs in the visiting order {@link #order}. */
    private int[] visit;
    /** {@code pairs - 1}; pairs is a power of two. */
    private int mask;
    /** Ops done so far in this trial; selects the next pair. */
    private int cursor;

    @Setup
    public void setup() {
        int firstDifference = switch (difference) {
            case "equal" -> -1;
            case "early" -> EARLY_BYTE;
            case "late" -> LATE_BYTE;
            default -> throw new IllegalArgumentException("difference must be equal, early or late, was '" + difference + "'");
        };
        int pairs = MicroPagePool.entries(workingSet, coldMiB, 2 * PageStore.PAGE_SIZE);
        SplittableRandom rnd = new SplittableRandom(seed);
        store = new PageStore();
        // All first pages, then all second pages: the two pages of a pair are far apart.
        int[] a = new int[pairs];
        for (int i = 0; i < pairs; i++) {
            a[i] = store.allocate(PageStore.F_ANON);
            MicroPagePool.fillRandom(store, a[i], rnd);
        }
        aChunk = new MemorySegment[pairs];
        aOffset = new long[pairs];
        bChunk = new MemorySegment[pairs];
        bOffset = new long[pairs];
        for (int i = 0; i < pairs; i++) {
            int b = store.allocateCopy(a[i], PageStore.F_ANON);
            if (firstDifference >= 0) {
                byte x = store.readByte(a[i], firstDifference);
                store.writeByte(b, firstDifference, (byte) (x ^ (1 + rnd.nextInt(255))));
            }
            aChunk[i] = store.chunk(a[i]);
            aOffset[i] = PageStore.offset(a[i]);
            bChunk[i] = store.chunk(b);
            bOffset[i] = PageStore.offset(b);
        }
        visit = MicroPagePool.order(order, pairs, rnd);
        mask = pairs - 1;
        cursor = 0;
    }

    @TearDown
    public void tearDown() {
        store.close();
    }

    /** Eight bytes at a time ({@link PageCompare#scalar()}). */
    @Benchmark
    public int scalar() {
        int i = visit[cursor++ & mask];
        return SCALAR.firstDifference(aChunk[i], aOffset[i], bChunk[i], bOffset[i]);
    }

    /** Vector API, one preferred-width vector per step ({@link PageCompare#vector()}). */
    @Benchmark
    public int vector() {
        int i = visit[cursor++ & mask];
        return VECTOR.firstDifference(aChunk[i], aOffset[i], bChunk[i], bOffset[i]);
    }

    /** The JDK's intrinsic {@code MemorySegment.mismatch} ({@link PageCompare#mismatch()}). */
    @Benchmark
    public int mismatch() {
        int i = visit[cursor++ & mask];
        return MISMATCH.firstDifference(aChunk[i], aOffset[i], bChunk[i], bOffset[i]);
    }

    /** Number of page pairs in the pool (for tests). */
    int pairs() {
        return mask + 1;
    }
}
