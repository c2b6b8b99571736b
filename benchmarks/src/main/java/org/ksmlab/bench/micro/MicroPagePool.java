package org.ksmlab.bench.micro;

import java.util.SplittableRandom;
import org.ksmlab.engine.memory.PageStore;

/**
 * Shared setup for the micro benchmarks: pool sizes for the {@code hot} and {@code cold}
 * working sets, seeded page fills and the seeded visiting order.
 *
 * <p>Hot pools are {@value #HOT_BYTES} bytes of pages: they stay in L2 (and partly L1), so a
 * hot result is the cost of the instructions. Cold pools are {@code coldMiB} MiB, far larger than
 * the last-level cache, and are visited in a seeded random permutation so neither the hardware
 * prefetcher nor the previous op has brought the next page in: a cold result is dominated by
 * DRAM latency and bandwidth.
 */
final class MicroPagePool {
    /** Working-set sizes, the {@code workingSet} parameter. */
    static final String HOT = "hot";
    static final String COLD = "cold";
    /** Visiting orders, the {@code order} parameter of the compare and checksum benchmarks. */
    static final String PERMUTED = "permuted";
    static final String SEQUENTIAL = "sequential";
    /** Bytes of page data in a hot pool: 16 page pairs, or 32 single pages. */
    static final int HOT_BYTES = 32 * PageStore.PAGE_SIZE;

    private MicroPagePool() {
    }

    /**
     * Number of pool entries of {@code bytesPerEntry} bytes for a working set: the largest power
     * of two that fits in the hot size or in {@code coldMiB} MiB (at least 1), so the visit
     * index can be masked.
     */
    static int entries(String workingSet, int coldMiB, int bytesPerEntry) {
        long bytes = switch (workingSet) {
            case HOT -> HOT_BYTES;
            case COLD -> {
                if (coldMiB < 1) {
                    throw new IllegalArgumentException("coldMiB must be >= 1, was " + coldMiB);
                }
                yield (long) coldMiB << 20;
            }
            default -> throw new IllegalArgumentException("workingSet must be hot or cold, was '" + workingSet + "'");
        };
        long n = Math.max(1, bytes / bytesPerEntry);
        if (n > 1 << 30) {
            throw new IllegalArgumentException("pool too large: " + n + " entries");
        }
        return Integer.highestOneBit((int) n);
    }

    /** Fills a frame with 512 seeded random 8-byte words. */
    static void fillRandom(PageStore store, int frame, SplittableRandom rnd) {
        for (int i = 0; i < PageStore.PAGE_SIZE; i += Long.BYTES) {
            store.writeLong(frame, i, rnd.nextLong());
        }
    }

    /**
     * The visiting order: a seeded random permutation of {@code 0..n-1}. It matters for cold
     * pools (a sequential walk would let the prefetcher stream the next pages in); hot pools get
     * the same treatment so the two differ only in size.
     */
    static int[] order(int n, SplittableRandom rnd) {
        return org.ksmlab.engine.workload.Shuffle.permutation(n, rnd);
    }

    /**
     * The visiting order named {@code order}: {@code permuted} ({@link #order(int, SplittableRandom)})
     * or {@code sequential} (address order, {@code 0..n-1}: what the hardware prefetcher streams best,
     * the order the C reference also measures). Draws from {@code rnd} only when permuted.
     */
    static int[] order(String order, int n, SplittableRandom rnd) {
        return switch (order) {
            case PERMUTED -> order(n, rnd);
            case SEQUENTIAL -> java.util.stream.IntStream.range(0, n).toArray();
            default -> throw new IllegalArgumentException("order must be permuted or sequential, was '" + order + "'");
        };
    }
}
