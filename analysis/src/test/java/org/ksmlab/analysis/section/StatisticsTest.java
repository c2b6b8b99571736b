package org.ksmlab.analysis.section;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StatisticsTest {
    private static final double EXACT = 1e-12;

    /** Binomial(n, ½) tails, by hand: P(B ≤ 0) = 1/2^n, P(B ≤ 1) = (1 + n)/2^n. */
    @Test
    void binomialTailsAreExact() {
        assertEquals(1.0 / 64, Statistics.binomialCdf(6, 0), EXACT);
        assertEquals(7.0 / 64, Statistics.binomialCdf(6, 1), EXACT);
        assertEquals(56.0 / 1024, Statistics.binomialCdf(10, 2), EXACT); // 1 + 10 + 45
    }

    /** With three values no 95 % interval exists: the range, covering the median 1 − 2/8 = 75 % of the time. */
    @Test
    void threeValuesGiveTheRangeAtSeventyFivePercent() {
        Statistics.Interval i = Statistics.of(new double[] {451, 380, 900});
        assertEquals(new Statistics.Interval(451, 380, 900, 3, 0.75), i);
        assertTrue(i.wide(), "900 is 100 % above the median");
    }

    /** Six values: [min, max] covers 1 − 2/64 = 96.9 %, the first n with a 95 % interval. */
    @Test
    void sixValuesReachNinetyFivePercentWithTheRange() {
        Statistics.Interval i = Statistics.of(new double[] {100, 101, 99, 102, 98, 100});
        assertEquals(100, i.median(), EXACT);
        assertEquals(98, i.low(), EXACT);
        assertEquals(102, i.high(), EXACT);
        assertEquals(1 - 2.0 / 64, i.confidence(), EXACT);
        assertFalse(i.wide(), "±2 %");
    }

    /** Ten values: [x(2), x(9)], coverage 1 − 2·11/1024; x(3) would give only 89 %. */
    @Test
    void tenValuesDropTheExtremes() {
        Statistics.Interval i = Statistics.of(new double[] {60, 80, 100, 100, 100, 100, 100, 120, 140, 300});
        assertEquals(new Statistics.Interval(100, 80, 140, 10, 1 - 22.0 / 1024), i);
        assertTrue(i.wide());
    }

    @Test
    void oneValueHasNoIntervalAndIsFlagged() {
        Statistics.Interval i = Statistics.of(new double[] {5});
        assertEquals(new Statistics.Interval(5, 5, 5, 1, 0), i);
        assertTrue(i.wide());
        assertNull(Statistics.of(new double[] {Double.NaN}));
    }

    @Test
    void anIntervalJustWithinTenPercentIsNotFlagged() {
        assertFalse(new Statistics.Interval(100, 90, 110, 6, 0.97).wide());
        assertTrue(new Statistics.Interval(100, 90, 110.5, 6, 0.97).wide());
    }
}
