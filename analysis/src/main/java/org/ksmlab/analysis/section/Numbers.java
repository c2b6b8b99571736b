package org.ksmlab.analysis.section;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/** How numbers read in the report: three significant figures, errors as "± e" when finite. */
public final class Numbers {
    private Numbers() {}

    private static final MathContext THREE = new MathContext(3, RoundingMode.HALF_EVEN);

    /** 3 significant figures, no exponent: 0.800, 16.0, 512, 53700000; NaN → empty. */
    public static String sig3(double x) {
        return Double.isFinite(x) ? round3(x).toPlainString() : (Double.isNaN(x) ? "" : x > 0 ? "∞" : "-∞");
    }

    /** "16.0 ± 0.3": the error rounded to the score's last shown digit (one significant figure if that is 0). */
    public static String withError(double score, double error) {
        String s = sig3(score);
        if (!Double.isFinite(score) || !Double.isFinite(error)) return s;
        int scale = Math.max(0, round3(score).scale());
        BigDecimal e = BigDecimal.valueOf(Math.abs(error)).setScale(scale, RoundingMode.HALF_UP);
        if (e.signum() == 0 && error != 0) {
            e = BigDecimal.valueOf(Math.abs(error)).round(new MathContext(1, RoundingMode.HALF_UP));
        }
        return s + " ± " + e.toPlainString();
    }

    /** An exact count with thousands separators: 6,593. */
    public static String count(double x) {
        return Double.isFinite(x) ? String.format(java.util.Locale.ROOT, "%,d", Math.round(x)) : "";
    }

    private static BigDecimal round3(double x) {
        if (x == 0) return new BigDecimal("0.00");
        BigDecimal d = BigDecimal.valueOf(x).round(THREE);
        if (d.precision() < 3) d = d.setScale(d.scale() + 3 - d.precision(), RoundingMode.UNNECESSARY);
        if (d.scale() < 0) d = d.setScale(0, RoundingMode.UNNECESSARY);
        return d;
    }
}
