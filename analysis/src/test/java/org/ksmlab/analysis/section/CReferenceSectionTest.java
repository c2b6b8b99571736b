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
 * The Java-against-C section on the {@code cref} fixture: hand-made figures (six equal iterations,
 * so every median is exact) for Java and C, with one cold Java point on another pool size.
 */
class CReferenceSectionTest {
    private static Table table() throws Exception {
        SectionOutput out = new CReferenceSection().build(Results.read(List.of(Fixtures.path("cref")))).orElseThrow();
        return out.tables().get(0).data();
    }

    private static int row(Table t, String primitive, String workingSet, String order, String java) {
        for (int r = 0; r < t.rowCount(); r++) {
            if (t.stringColumn("primitive").get(r).equals(primitive) && t.stringColumn("working set").get(r).equals(workingSet)
                    && t.stringColumn("order").get(r).equals(order) && t.stringColumn("Java").get(r).equals(java)) {
                return r;
            }
        }
        throw new AssertionError("no row " + primitive + " / " + workingSet + " / " + order + " / " + java + " in\n" + t.print());
    }

    @Test
    void eachJavaPrimitiveIsItsMedianOverTheCMedianOfTheSameWorkingSetAndOrder() throws Exception {
        Table t = table();
        assertEquals(5, t.rowCount(), t.print());
        int hot = row(t, "compare equal", "hot", "permuted", "PageCompare.vector");
        assertEquals("memcmp", t.stringColumn("C").get(hot));
        assertEquals(50.0 / 55.0, t.doubleColumn(CReferenceSection.RATIO).get(hot), 1e-12);
        int cold = row(t, "compare equal", "cold (64 MiB)", "permuted", "PageCompare.vector");
        assertEquals(500.0 / 600.0, t.doubleColumn(CReferenceSection.RATIO).get(cold), 1e-12);
        int xxh64 = row(t, "checksum xxh64", "hot", "permuted", "PageChecksum.xxh64");
        assertEquals(270.0 / 250.0, t.doubleColumn(CReferenceSection.RATIO).get(xxh64), 1e-12);
        // the streaming read per 4096 bytes: 64 MiB in 64 * 256 * 300 ns is 300 ns per page
        int stream = row(t, "streaming read", "64 MiB", "sequential", "MemoryBandwidth.streamRead");
        assertEquals(300.0, t.doubleColumn(CReferenceSection.JAVA_NS).get(stream), 1e-9);
        assertEquals(300.0 / 320.0, t.doubleColumn(CReferenceSection.RATIO).get(stream), 1e-12);
    }

    @Test
    void aNoisyCFigureWidensTheRatioIntervalConservatively() throws Exception {
        Table t = table();
        // C XXH3: five rounds of 60 ns and one of 90: median 60, interval [60, 90] at n = 6
        int crc = row(t, "checksum xxh3", "hot", "permuted", "PageChecksum.crc32c");
        assertEquals(60.0, t.doubleColumn(CReferenceSection.C_NS).get(crc), 1e-12);
        assertEquals(50.0 / 60.0, t.doubleColumn(CReferenceSection.RATIO).get(crc), 1e-12);
        assertEquals(50.0 / 90.0, t.doubleColumn(CReferenceSection.RATIO + SectionOutput.LOW_SUFFIX).get(crc), 1e-12);
        assertEquals(50.0 / 60.0, t.doubleColumn(CReferenceSection.RATIO + SectionOutput.HIGH_SUFFIX).get(crc), 1e-12);
    }

    @Test
    void aColdJavaPointOnAnotherPoolSizeIsNotPairedAndTheProseSaysSo() throws Exception {
        SectionOutput out = new CReferenceSection().build(Results.read(List.of(Fixtures.path("cref")))).orElseThrow();
        String prose = String.join("\n", out.prose());
        assertTrue(prose.contains("Not paired") && prose.contains("compare/equal, cold, sequential"), prose);
        assertTrue(prose.contains("cc (fixture) 1.0"), prose);
    }

    @Test
    void aSkippedReferenceSaysWhyAndDrawsNoTable() throws Exception {
        SectionOutput out = new CReferenceSection().build(Results.read(List.of(Fixtures.path("cref-skipped")))).orElseThrow();
        assertTrue(out.tables().isEmpty());
        assertTrue(out.prose().get(0).contains("no C reference measured (no C compiler (cc or gcc) on PATH)"), out.prose().toString());
    }

    @Test
    void noReferenceMeansNoSection() throws Exception {
        assertTrue(new CReferenceSection().build(Results.read(List.of(Fixtures.path("small")))).isEmpty());
    }

    @Test
    void aNegativeRoundIsBadInputNamingTheFile() {
        BadInputException e = assertThrows(BadInputException.class,
                () -> Results.read(List.of(Fixtures.path("bad/c-reference-negative"))));
        assertTrue(e.getMessage().endsWith("c-reference.json: result 0 (compare/equal): nsPerPage[1] is -1; expected a positive number"),
                e.getMessage());
    }
}
