package org.ksmlab.analysis.section;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.ksmlab.analysis.Fixtures;
import org.ksmlab.analysis.input.BadInputException;
import org.ksmlab.analysis.input.Results;
import tech.tablesaw.api.Table;

/**
 * The "Real memory" section on the fixture {@code real/real-memory/node-idle.json}, which is
 * {@code ./run.sh real-memory --out DIR node-idle} of the shipped dataset as captured (three
 * idle node processes); the numbers below are that file's.
 */
class RealMemorySectionTest {
    @Test
    void theSectionShouldShowTheHistogramTheMergersAndTheCheck() throws Exception {
        SectionOutput out = new RealMemorySection().build(Results.read(List.of(Fixtures.path("real")))).orElseThrow();
        Table hist = out.tables().get(0).data();
        assertEquals(1, hist.rowCount());
        assertEquals("node-idle", hist.getString(0, "dataset"));
        assertEquals("node, node, node", hist.getString(0, "processes"));
        assertEquals(5515L, hist.longColumn("anonymous pages").get(0));
        assertEquals(5001L, hist.longColumn("pages, 1 copy").get(0));
        assertEquals(210L, hist.longColumn("pages, 3-10 copies").get(0));
        assertEquals(258L, hist.longColumn("pages, 11-256 copies").get(0));
        assertEquals(410L, hist.longColumn("ideal saving (pages)").get(0));
        Table m = out.tables().get(1).data();
        assertEquals(List.of("none", "ksm", "sksm", "sksm-resizable", "sksm-aged"), m.stringColumn("merger").asList());
        assertEquals(409L, m.longColumn("saved at the horizon (pages)").get(1));
        assertEquals(99.8, m.doubleColumn("% of the ideal").get(1));
        assertEquals(208.5, m.doubleColumn("modelled CPU (ms)").get(1));
        Table c = out.tables().get(2).data();
        assertEquals(List.of("pages_shared", "pages_sharing", "ksm_zero_pages", "converged_full_scans"), c.stringColumn("after convergence").asList());
        assertEquals(List.of(58L, 356L, 54L, 2L), c.longColumn("kernel (measured)").asList());
        assertEquals(c.longColumn("kernel (measured)").asList(), c.longColumn("model (predicted)").asList());
        assertTrue(out.prose().get(1).contains("node-idle: equal"), out.prose().get(1));
        assertEquals(1, out.charts().size());
        assertTrue(out.charts().get(0).drawable());
    }

    @Test
    void aTruncatedSummaryShouldBeBadInputNamingTheFile() {
        BadInputException e = assertThrows(BadInputException.class, () -> Results.read(List.of(Fixtures.path("bad/real-memory-truncated"))));
        assertTrue(e.getMessage().contains("real-memory/node-idle.json"), e.getMessage());
    }
}
