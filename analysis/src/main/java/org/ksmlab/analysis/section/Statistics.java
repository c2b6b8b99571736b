package org.ksmlab.analysis.section;

import java.util.Arrays;

/**
 * How the report summarises repeated wall-time measurements: the <b>median</b> of every
 * measured iteration (all forks and all result files of a point pooled), its number <b>n</b>,
 * and a distribution-free <b>confidence interval of the median</b> from order statistics.
 *
 * <p>The interval is {@code [x(k), x(n−k+1)]} of the sorted values, with the largest k for
 * which it covers the true median with probability at least {@value #LEVEL} (a binomial(n, ½)
 * tail: P(B ≤ k−1) ≤ (1 − level) / 2); it needs n ≥ 6. With fewer values it is the range
 * [min, max], whose coverage is only 1 − 2^(1−n) (75 % for n = 3): {@link Interval#confidence}
 * says which. Unlike JMH's own error (a Student-t interval of the mean, which at n = 3 is ±31.6
 * standard errors wide and assumes normal noise), this interval needs no assumption about the
 * noise and is never wider than the values measured.
 *
 * <p>An interval is <b>wide</b>, and flagged in the tables, when either end lies more than
 * {@value #WIDE_FRACTION} of the median away from it (±10 %), or when there is only one value.
 *
 * <p>The model's own results (virtual time, counted by the model) are deterministic: they are
 * not summarised here but checked to be equal in every iteration.
 */
public final class Statistics {
    private Statistics() {}

    /** The nominal confidence of the interval. */
    public static final double LEVEL = 0.95;
    /** An interval reaching further than this fraction of the median from it is flagged. */
    public static final double WIDE_FRACTION = 0.10;
    /** The fewest values for which an order-statistic interval reaches {@link #LEVEL}. */
    public static final int MIN_N_FOR_LEVEL = 6;

    /**
     * A median with its interval.
     *
     * @param median the median of the values (mean of the middle two for even n)
     * @param low lower end of the interval
     * @param high upper end
     * @param n number of values
     * @param confidence the interval's actual coverage of the median (at least {@link #LEVEL}
     *     when n ≥ {@link #MIN_N_FOR_LEVEL}; 0 for n = 1)
     */
    public record Interval(double median, double low, double high, int n, double confidence) {
        /** Whether the interval is wide (see the class comment). */
        public boolean wide() {
            return n < 2 || median - low > WIDE_FRACTION * Math.abs(median) || high - median > WIDE_FRACTION * Math.abs(median);
        }

        /** The interval with every value divided by {@code d} (a per-page figure from a per-run one). */
        public Interval dividedBy(double d) {
            return new Interval(median / d, low / d, high / d, n, confidence);
        }

        /** The interval of 1/x (a rate from a time): the ends swap. */
        public Interval reciprocal(double scale) {
            return new Interval(scale / median, scale / high, scale / low, n, confidence);
        }
    }

    /** The median and interval of {@code values} (NaN values are dropped); null when none is left. */
    public static Interval of(double[] values) {
        double[] v = Arrays.stream(values).filter(x -> !Double.isNaN(x)).sorted().toArray();
        int n = v.length;
        if (n == 0) return null;
        double median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
        int k = 1;
        while (k + 1 <= n / 2 && 2 * binomialCdf(n, k) <= 1 - LEVEL) k++;
        double coverage = n == 1 ? 0 : 1 - 2 * binomialCdf(n, k - 1);
        return new Interval(median, v[k - 1], v[n - k], n, coverage);
    }

    /** P(B ≤ j) for B ~ binomial(n, ½). */
    static double binomialCdf(int n, int j) {
        double sum = 0;
        double c = 1; // C(n, 0)
        for (int i = 0; i <= j; i++) {
            sum += c;
            c = c * (n - i) / (i + 1);
        }
        return sum / Math.pow(2, n);
    }
}
