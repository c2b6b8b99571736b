package org.ksmlab.analysis.section;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NumbersTest {

    @ParameterizedTest(name = "{0} reads {1}")
    @CsvSource({
            "512, 512",
            "1024, 1020",
            "16, 16.0",
            "0.8, 0.800",
            "0.0123456, 0.0123",
            "53687091.2, 53700000",
            "0, 0.00",
            "-2.5, -2.50",
            "NaN, ''"})
    void scoresShowThreeSignificantFigures(double x, String expected) {
        assertEquals(expected, Numbers.sig3(x));
    }

    @ParameterizedTest(name = "{0} ± {1} reads {2}")
    @CsvSource({
            "16.0, 0.25, 16.0 ± 0.3",
            "512, 5.12, 512 ± 5",
            "102.4, 0.39, 102 ± 0.4",
            "53687091.2, 250000, 53700000 ± 250000",
            "16.0, NaN, 16.0"})
    void errorsAreRoundedToTheScoresLastDigit(double score, double error, String expected) {
        assertEquals(expected, Numbers.withError(score, error));
    }
}
