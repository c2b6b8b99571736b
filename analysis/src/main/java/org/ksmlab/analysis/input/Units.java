package org.ksmlab.analysis.input;

import java.util.Map;

/**
 * Normalises JMH score units to nanoseconds per operation.
 *
 * <p>JMH writes time units with {@code TimeValue}'s abbreviations (ns, us, ms, s, min, hr,
 * day). AverageTime, SampleTime and SingleShotTime report {@code <unit>/op}; Throughput reports
 * {@code ops/<unit>}, which is inverted. The error of an inverted score keeps its relative size
 * (first-order propagation: d(1/x) = dx / x²).
 */
public final class Units {
    private Units() {}

    /** Nanoseconds in one JMH time unit. */
    private static final Map<String, Double> NANOS = Map.of(
            "ns", 1.0, "us", 1e3, "µs", 1e3, "ms", 1e6, "s", 1e9,
            "min", 60e9, "hr", 3600e9, "day", 86400e9);

    /** Whether {@link #nanosPerOp} understands the unit. */
    public static boolean isTimePerOp(String unit) {
        return !Double.isNaN(nanosPerOp(1.0, unit));
    }

    /** The score in ns/op; NaN when the unit is not a time per op or ops per time. */
    public static double nanosPerOp(double score, String unit) {
        String[] parts = unit.strip().split("/");
        if (parts.length != 2) return Double.NaN;
        if (parts[1].equals("op")) {
            Double nanos = NANOS.get(parts[0]);
            return nanos == null ? Double.NaN : score * nanos;
        }
        if (parts[0].equals("ops")) {
            Double nanos = NANOS.get(parts[1]);
            return nanos == null ? Double.NaN : nanos / score;
        }
        return Double.NaN;
    }

    /** The score's error in ns/op (NaN stays NaN). */
    public static double nanosPerOpError(double score, double error, String unit) {
        if (Double.isNaN(error)) return Double.NaN;
        double nanos = nanosPerOp(score, unit);
        return Math.abs(nanos * error / score);
    }
}
