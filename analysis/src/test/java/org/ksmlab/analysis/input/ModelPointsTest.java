package org.ksmlab.analysis.input;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.ksmlab.analysis.Fixtures;
import tech.tablesaw.api.Table;

/** A sweep's model points (model/*.json, real output of 'sweep --suite quick') in the long table. */
class ModelPointsTest {
    @Test
    void eachPointIsAnEntryWhoseCountersAreOneValueEachAndWhoseWallTimeIsAbsent() throws Exception {
        Results r = Results.read(List.of(Fixtures.path("model")));
        Table t = r.longTable();
        Table ksm = t.where(t.stringColumn(JmhResults.METHOD).isEqualTo("converge")
                .and(t.stringColumn("param_algo").isEqualTo("ksm")).and(t.stringColumn("param_mix").isEqualTo("vm-fleet")));
        assertEquals(1 + 13, ksm.rowCount(), "the primary row and the 13 ConvergenceCounters");
        for (int i = 0; i < ksm.rowCount(); i++) {
            assertEquals(ModelPoints.MODE, ksm.stringColumn(JmhResults.MODE).get(i));
            // <results folder>/model/<file>: the fixture's folder is itself called "model"
            assertEquals("model/model/quick-09.json", ksm.stringColumn(JmhResults.SOURCE).get(i));
            if (ksm.stringColumn(JmhResults.METRIC).get(i).equals(JmhResults.PRIMARY)) {
                assertEquals(0, ksm.intColumn(JmhResults.N).get(i), "no wall time was measured");
                assertTrue(ksm.doubleColumn(JmhResults.SCORE).isMissing(i), "no score");
            } else {
                assertEquals(1, ksm.intColumn(JmhResults.N).get(i));
                assertEquals("#", ksm.stringColumn(JmhResults.UNIT).get(i));
            }
        }
        assertEquals(10, t.where(t.stringColumn(JmhResults.METRIC).isEqualTo(JmhResults.PRIMARY)).rowCount(), "10 points");
    }

    @Test
    void modelPointsTakeNoPartInTheMixedJmhVersionsCheck() throws Exception {
        // the fixture's model points beside a JMH 1.37 file: one JMH version, no complaint
        Results r = Results.read(List.of(Fixtures.path("model"), Fixtures.path("small")));
        assertTrue(r.longTable().rowCount() > 0);
    }

    @Test
    void aCounterThatIsNotAnIntegerIsBadInputNamingTheFileAndPoint() {
        BadInputException e = assertThrows(BadInputException.class, () -> Results.read(List.of(Fixtures.path("bad/model-not-integer"))));
        assertTrue(e.getMessage().endsWith("quick-09.json: point 0: counter pagesSaved is 1.5; expected an integer"), e.getMessage());
    }
}
