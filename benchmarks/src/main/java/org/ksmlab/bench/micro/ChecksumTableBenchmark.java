package org.ksmlab.bench.micro;

import java.util.HashMap;
import java.util.HashSet;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.ksmlab.engine.cost.WorkCounts;
import org.ksmlab.engine.memory.PageChecksum;
import org.ksmlab.engine.memory.PageCompare;
import org.ksmlab.engine.memory.PageStore;
import org.ksmlab.engine.sksm.ChecksumTable;
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
 * SKSM's checksum table, one operation per op: the RFC's static chained table
 * ({@link #staticChained}, 2^16 buckets keyed by the u32 checksum), the open-addressing table of
 * sksm-resizable ({@link #openAddressing}, keyed by the 64-bit xxh64, grown to fit) and
 * {@code java.util.HashMap<Long, Integer>} as the baseline ({@link #hashMap}: boxed keys, one
 * frame per hash, the same content compare on a hit).
 *
 * <p>Each table holds {@code N} entry pages under their xxh64; every entry has a twin page with
 * the same contents outside the table. {@code op}:
 * <ul>
 * <li>{@code HIT}: look up a twin, found after a full 4 KiB compare (MADV_MERGE of a duplicate);
 *     returns the entry's frame.</li>
 * <li>{@code MISS}: look up a seeded random hash that no entry has (MADV_MERGE of a unique page:
 *     the walk, no compare); returns -1.</li>
 * <li>{@code INSERT}: insert a twin under a fresh hash and remove it again (a unique page's
 *     insert, and its free), so the table stays at N entries; returns the entry count between
 *     the two (N + 1).</li>
 * </ul>
 * {@code workingSet}: see {@link MicroPagePool}; hot is {@value MicroPagePool#HOT_BYTES} bytes of
 * pages (16 entries and their twins), cold {@code coldMiB} MiB of pages, visited in a seeded
 * permutation.
 *
 * @see "SKSM RFC: sksm_find_identical, sksm_insert"
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1) // forks inherit the host JVM's flags (pom.xml ksmlab.jvm.flags, passed by run.sh)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class ChecksumTableBenchmark {
    /** What one op does (see the class comment). */
    public enum Op { HIT, MISS, INSERT }

    /** Slots the open-addressing table starts with, as sksm-resizable's default initial_slots. */
    static final int INITIAL_SLOTS = 1024;

    /** {@code hot} (cache resident) or {@code cold} ({@code coldMiB} MiB of pages). */
    @Param({"hot", "cold"})
    String workingSet;

    @Param({"HIT", "MISS", "INSERT"})
    Op op;

    /** Size of the cold pool in MiB (entries and twins); ignored when hot. */
    @Param("1024")
    int coldMiB;

    /** Seed of the page contents, the miss hashes and the visiting order. */
    @Param("42")
    long seed;

    private PageStore store;
    private final PageCompare compare = PageCompare.best();
    /** Work charged by the engine tables (not read; the engine's interface wants one). */
    private final WorkCounts work = new WorkCounts();
    private ChecksumTable chained;
    private ChecksumTable open;
    private HashMap<Long, Integer> map;
    /** Per entry: its frame, its twin's frame, its xxh64, a hash no entry has. */
    private int[] entry;
    private int[] twin;
    private long[] hash;
    private long[] missHash;
    /** Visiting order, a seeded permutation; {@code mask} = entries − 1 (a power of two). */
    private int[] order;
    private int mask;
    private int cursor;

    @Setup
    public void setup() {
        int n = MicroPagePool.entries(workingSet, coldMiB, 2 * PageStore.PAGE_SIZE);
        SplittableRandom rnd = new SplittableRandom(seed);
        store = new PageStore();
        entry = new int[n];
        twin = new int[n];
        hash = new long[n];
        missHash = new long[n];
        chained = ChecksumTable.staticChained();
        open = ChecksumTable.openAddressing(INITIAL_SLOTS);
        map = new HashMap<>();
        for (int i = 0; i < n; i++) {
            entry[i] = store.allocate(PageStore.F_ANON);
            MicroPagePool.fillRandom(store, entry[i], rnd);
            twin[i] = store.allocateCopy(entry[i], PageStore.F_ANON);
            hash[i] = PageChecksum.XXH64.hash64(store.chunk(entry[i]), PageStore.offset(entry[i]));
            chained.insert(hash[i], entry[i]);
            open.insert(hash[i], entry[i]);
            map.put(hash[i], entry[i]);
        }
        // The chained table keeps only the low 32 bits: a miss hash must not share them with an entry.
        HashSet<Integer> checksums = new HashSet<>();
        for (long h : hash) {
            checksums.add((int) h);
        }
        for (int i = 0; i < n; i++) {
            long h;
            do {
                h = rnd.nextLong();
            } while (checksums.contains((int) h));
            missHash[i] = h;
        }
        order = MicroPagePool.order(n, rnd);
        mask = n - 1;
        cursor = 0;
    }

    @TearDown
    public void tearDown() {
        store.close();
    }

    @Benchmark
    public int staticChained() {
        return engineTable(chained);
    }

    @Benchmark
    public int openAddressing() {
        return engineTable(open);
    }

    @Benchmark
    public int hashMap() {
        int i = order[cursor++ & mask];
        return switch (op) {
            case HIT -> {
                Integer e = map.get(hash[i]);
                yield e != null && sameContents(e, twin[i]) ? e : -1;
            }
            case MISS -> {
                Integer e = map.get(missHash[i]);
                yield e != null && sameContents(e, twin[i]) ? e : -1;
            }
            case INSERT -> {
                map.put(missHash[i], twin[i]);
                int size = map.size();
                map.remove(missHash[i]);
                yield size;
            }
        };
    }

    private int engineTable(ChecksumTable t) {
        int i = order[cursor++ & mask];
        return switch (op) {
            case HIT -> t.findIdentical(hash[i], twin[i], store, work);
            case MISS -> t.findIdentical(missHash[i], twin[i], store, work);
            case INSERT -> {
                t.insert(missHash[i], twin[i]);
                int size = t.entries();
                t.remove(missHash[i], twin[i]);
                yield size;
            }
        };
    }

    private boolean sameContents(int a, int b) {
        return compare.firstDifference(store.chunk(a), PageStore.offset(a), store.chunk(b), PageStore.offset(b)) < 0;
    }

    /** Entries in each table (for tests). */
    int entries() {
        return mask + 1;
    }

    /** The entry the next op visits, and its frame (for tests). */
    int nextEntryFrame() {
        return entry[order[cursor & mask]];
    }
}
