package org.ksmlab.analysis.input;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class UnitsTest {

    @ParameterizedTest(name = "{0} {1} is {2} ns/op")
    @CsvSource({
            "512, ns/op, 512",
            "0.512, us/op, 512",
            "0.000512, ms/op, 512",
            "2, s/op, 2000000000",
            "4, ops/us, 250",
            "2, ops/ns, 0.5",
            "1000, ops/s, 1000000",
            "1, min/op, 60000000000"})
    void timeUnitsNormaliseToNanosecondsPerOp(double score, String unit, double nanos) {
        assertEquals(nanos, Units.nanosPerOp(score, unit), nanos * 1e-12);
    }

    @Test
    void throughputErrorKeepsItsRelativeSize() {
        assertEquals(12.5, Units.nanosPerOpError(4, 0.2, "ops/us"), 1e-12); // 250 ns × 5%
        assertEquals(10.0, Units.nanosPerOpError(1, 0.01, "us/op"), 1e-12);
        assertTrue(Double.isNaN(Units.nanosPerOpError(1, Double.NaN, "us/op")));
    }

    @Test
    void nonTimeUnitsGiveNaN() {
        assertTrue(Double.isNaN(Units.nanosPerOp(1, "MB/sec")));
        assertTrue(Double.isNaN(Units.nanosPerOp(1, "B/op")));
        assertTrue(Double.isNaN(Units.nanosPerOp(1, "#")));
    }
}
