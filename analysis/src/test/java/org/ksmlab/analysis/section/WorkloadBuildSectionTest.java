package org.ksmlab.analysis.section;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.ksmlab.analysis.Fixtures;
import org.ksmlab.analysis.input.Results;
import tech.tablesaw.api.Table;

/** The workload-build section on the {@code build} fixture (a real 16,384-page run of WorkloadBuildBenchmark). */
class WorkloadBuildSectionTest {
    @Test
    void eachBuildStandsBesideTheBulkFillOfTheSameBytesWithTheirRatio() throws Exception {
        SectionOutput out = new WorkloadBuildSection().build(Results.read(List.of(Fixtures.path("build")))).orElseThrow();
        Table t = out.tables().get(0).data();
        assertEquals(2, t.rowCount(), "distinct 16 and all different");
        for (int r = 0; r < t.rowCount(); r++) {
            assertEquals("16384", t.stringColumn("pages").get(r));
            double ratio = t.doubleColumn(WorkloadBuildSection.OF_FILL).get(r);
            assertEquals(t.doubleColumn(WorkloadBuildSection.MS).get(r) / t.doubleColumn("bulk fill ms").get(r), ratio, 1e-12);
            assertEquals(6, t.intColumn(Points.N).get(r));
        }
        assertTrue(out.prose().get(0).contains("Baseline: one MemorySegment.fill"), out.prose().get(0));
    }
}
