package org.ksmlab.engine.scenario;

import java.util.SplittableRandom;
import org.ksmlab.engine.workload.Shuffle;

/**
 * Which pages of a region a write, read or patch touches, and in which order: a contiguous
 * {@link PageRange} in address order, or a {@link Random} choice.
 */
public sealed interface Pages {
    /** The region page indices, in the order the step touches them, for a region of {@code regionPages}. */
    long[] indices(long regionPages, String region);

    /** Pages in address order. */
    record Range(PageRange range) implements Pages {
        @Override
        public long[] indices(long regionPages, String region) {
            PageRange r = range.within(regionPages, region);
            if (r.count() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("pages " + r + " of region '" + region + "': too many for one step");
            }
            long[] out = new long[(int) r.count()];
            for (int i = 0; i < out.length; i++) {
                out[i] = r.first() + i;
            }
            return out;
        }

        @Override
        public String toString() {
            return range.toString();
        }
    }

    /**
     * A seeded random choice: the {@code draw}-th permutation of the region's pages drawn from one
     * {@code SplittableRandom(seed)} ({@link Shuffle#permutation}, draws 0, 1, ... in turn), its
     * entries {@code skip .. skip+count-1}, in permutation order. With {@code fraction} instead of
     * a count, {@code count = round(fraction × pages)} and {@code skip} likewise from
     * {@code skipFraction}. This is how the {@code dup} workload places its zero and volatile
     * pages (one draw per process, zero pages first, volatile next), so a scenario can say the same.
     */
    record Random(long seed, int draw, double skipFraction, double fraction) implements Pages {
        public Random {
            if (draw < 0) throw new IllegalArgumentException("draw=" + draw + ": expected >= 0");
            if (fraction < 0 || skipFraction < 0 || fraction + skipFraction > 1.0) {
                throw new IllegalArgumentException("skip=" + skipFraction + ", fraction=" + fraction + ": expected fractions >= 0 whose sum is <= 1");
            }
        }

        @Override
        public long[] indices(long regionPages, String region) {
            if (regionPages > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("region '" + region + "' is too large for a random choice");
            }
            int n = (int) regionPages;
            SplittableRandom rng = new SplittableRandom(seed);
            int[] order = null;
            for (int d = 0; d <= draw; d++) {
                order = Shuffle.permutation(n, rng);
            }
            int skip = (int) Math.round(skipFraction * n);
            int count = (int) Math.round(fraction * n);
            long[] out = new long[count];
            for (int i = 0; i < count; i++) {
                out[i] = order[skip + i];
            }
            return out;
        }
    }

    /**
     * Pages listed by index, in this order (a {@code dataset} content's present pages: the pages
     * of the captured VMA that held anonymous memory). Every index must lie inside the region.
     */
    record Listed(long[] pages, String source) implements Pages {
        @Override
        public long[] indices(long regionPages, String region) {
            for (long i : pages) {
                if (i < 0 || i >= regionPages) {
                    throw new IllegalArgumentException(source + " lists page " + i + ", outside region '" + region + "' of " + regionPages
                            + " pages (map the region at least as large as the captured VMA)");
                }
            }
            return pages.clone();
        }

        @Override
        public String toString() {
            return source;
        }
    }
}
