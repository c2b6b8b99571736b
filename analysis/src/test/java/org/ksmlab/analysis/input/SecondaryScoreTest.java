package org.ksmlab.analysis.input;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class SecondaryScoreTest {
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void eventsCountersAreReadPerIterationNotAsJmhsSum() throws Exception {
        // As JMH 1.37 writes an @AuxCounters(EVENTS) field measured in 3 iterations of 1 fork.
        var m = json.readTree("{\"score\": 20979.0, \"scoreError\": \"NaN\", \"scoreUnit\": \"#\", \"rawData\": [[6993.0, 6993.0, 6993.0]]}");
        assertEquals(6993.0, JmhResults.secondaryScore(m));
    }

    @Test
    void ratesAndOtherSecondaryMetricsKeepJmhsScore() throws Exception {
        var m = json.readTree("{\"score\": 512.5, \"scoreError\": 3.0, \"scoreUnit\": \"MB/sec\", \"rawData\": [[500.0, 525.0]]}");
        assertEquals(512.5, JmhResults.secondaryScore(m));
    }
}
