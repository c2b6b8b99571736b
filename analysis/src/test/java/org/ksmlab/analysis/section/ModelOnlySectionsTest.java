package org.ksmlab.analysis.section;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.ksmlab.analysis.Fixtures;
import org.ksmlab.analysis.input.Benchmarks;
import org.ksmlab.analysis.input.Results;
import tech.tablesaw.api.Table;

/** The merger comparison built from a sweep's model points alone (no JMH): the same counters, no wall time. */
class ModelOnlySectionsTest {
    @Test
    void theComparisonReadsTheSweepsCountersAsItReadsJmhs() throws Exception {
        Results r = Results.read(List.of(Fixtures.path("model")));
        Table points = Points.of(r.longTable(), Benchmarks.MERGER_COMPARISON, "converge");
        assertEquals(10, points.rowCount(), "5 mergers x 2 mixes");
        for (int i = 0; i < points.rowCount(); i++) {
            assertEquals(0, points.intColumn(Points.N).get(i), "no wall time");
            assertEquals(0.0, points.doubleColumn(Points.COUNTERS_VARY).get(i));
        }
        SectionOutput out = new AlgorithmComparisonSection().build(r).orElseThrow();
        assertFalse(out.headline().sentences().isEmpty());
        assertFalse(String.join(" ", out.prose()).contains("Some model counters differed"));
    }
}
