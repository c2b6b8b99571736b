package org.ksmlab.engine.exposure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The decision counts' rates, exact test and information, against values computed by hand. */
class ConfusionTest {
    @Test
    void perfectDecisionsShouldBeWorthOneBitEach() {
        Confusion c = new Confusion(10, 0, 0, 10);
        assertEquals(1.0, c.tpr());
        assertEquals(0.0, c.fpr());
        assertEquals(1.0, c.accuracy());
        assertTrue(c.reliable());
        // P(TP >= 10) with 10 "held" calls among 20 decisions, 10 of them held: 1 / C(20, 10)
        assertEquals(1.0 / 184756, c.pValue(), 1e-15);
        assertEquals(1.0, c.bitsPerDecision(), 1e-12);
    }

    @Test
    void decisionsAtChanceShouldBeWorthNothing() {
        assertEquals(0.5, new Confusion(10, 0, 10, 0).accuracy());
        assertEquals(1.0, new Confusion(10, 0, 10, 0).pValue());
        assertEquals(0, new Confusion(10, 0, 10, 0).bitsPerDecision());
        assertEquals(0.5, new Confusion(0, 10, 0, 10).accuracy());
        assertEquals(0, new Confusion(0, 10, 0, 10).bitsPerDecision());
        // 6 of 10 against 4 of 10 could well be chance (p = 0.33): not credited
        Confusion c = new Confusion(6, 4, 4, 6);
        assertTrue(c.pValue() > Confusion.SIGNIFICANCE);
        assertEquals(0, c.bitsPerDecision());
        assertFalse(c.reliable());
    }

    @Test
    void partialDetectionShouldBeWorthTheMutualInformation() {
        // 100 held guesses, 60 found; 100 not held, none called: I = H(Y) - H(Y|X)
        Confusion c = new Confusion(60, 40, 0, 100);
        double expected = h2(0.3) - 0.5 * h2(0.6) - 0.5 * h2(0); // = 0.3958...
        assertEquals(0.395815602, expected, 1e-9);
        assertEquals(expected, c.bitsPerDecision(), 1e-12);
        assertEquals(0.8, c.accuracy());
        assertFalse(c.reliable(), "60 % found is below the 90 % of a reliable detection");
    }

    /** Binary entropy, bits. */
    private static double h2(double p) {
        return p <= 0 || p >= 1 ? 0 : -(p * Math.log(p) + (1 - p) * Math.log(1 - p)) / Math.log(2);
    }
}
