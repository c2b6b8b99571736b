package org.ksmlab.analysis.section;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.ksmlab.analysis.Fixtures;
import org.ksmlab.analysis.input.Results;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Row;
import tech.tablesaw.api.Table;

class PageOperationsSectionTest {
    private static final double EXACT = 1e-9;

    private static SectionOutput build(String... folders) throws Exception {
        Results results = Results.read(java.util.Arrays.stream(folders).map(Fixtures::path).toList());
        return new PageOperationsSection().build(results).orElseThrow();
    }

    private static Table table(SectionOutput out, String id) {
        return out.tables().stream().filter(t -> t.id().equals(id)).findFirst().orElseThrow().data();
    }

    /** The single row of the per-page table for this operation, working set and difference. */
    private static Row row(Table perPage, String operation, String workingSet, String difference) {
        Table match = perPage.where(perPage.stringColumn("operation").isEqualTo(operation)
                .and(perPage.stringColumn("working set").isEqualTo(workingSet))
                .and(perPage.stringColumn("difference").isEqualTo(difference)));
        assertEquals(1, match.rowCount(), operation + " " + workingSet + " " + difference);
        return match.row(0);
    }

    @Test
    void comparePerPageIsNanosPerOpAndGigabytesPerSecondCountBothPagesRead() throws Exception {
        Table t = table(build("micro"), "page-ops");
        Row equal = row(t, "PageCompareBenchmark.scalar", "hot", "equal");
        assertEquals(512.0, equal.getDouble("ns/page"), EXACT);
        assertEquals(5.12, equal.getDouble("ns/page ±"), EXACT);
        assertEquals(16.0, equal.getDouble("GB/s"), EXACT); // 8192 bytes / 512 ns
        Row early = row(t, "PageCompareBenchmark.scalar", "hot", "early");
        assertEquals(16.0, early.getDouble("ns/page"), EXACT);
        assertEquals(8.0, early.getDouble("GB/s"), EXACT); // 2 × 64 bytes / 16 ns
        Row late = row(t, "PageCompareBenchmark.vector", "cold", "late");
        assertEquals(8192 / 820.0, late.getDouble("GB/s"), EXACT);
    }

    @Test
    void checksumReadsOnePagePerOp() throws Exception {
        Table t = table(build("micro"), "page-ops");
        Row xxh3 = row(t, "PageChecksumBenchmark.xxh3", "hot", "");
        assertEquals(256.0, xxh3.getDouble("ns/page"), EXACT);
        assertEquals(16.0, xxh3.getDouble("GB/s"), EXACT); // 4096 bytes / 256 ns
    }

    @Test
    void memoryBandwidthIsTheLargestBufferAndEveryOperationIsRatedAgainstIt() throws Exception {
        Table t = table(build("micro"), "page-ops");
        Row dram = row(t, "MemoryBandwidthBenchmark.streamRead", "1024 MiB", "");
        assertEquals(20.0, dram.getDouble("GB/s"), EXACT); // 1024 · 2^20 bytes / 53687091.2 ns
        assertEquals(204.8, dram.getDouble("ns/page"), EXACT); // per 4096 bytes streamed
        assertEquals(1.0, dram.getDouble("× memory bandwidth"), EXACT);
        Row cache = row(t, "MemoryBandwidthBenchmark.streamRead", "1 MiB", "");
        assertEquals(40.0, cache.getDouble("GB/s"), EXACT);
        assertEquals(2.0, cache.getDouble("× memory bandwidth"), EXACT);
        assertEquals(0.8, row(t, "PageCompareBenchmark.scalar", "hot", "equal").getDouble("× memory bandwidth"), EXACT);
        assertEquals(0.2, row(t, "PageChecksumBenchmark.xxh64", "cold", "").getDouble("× memory bandwidth"), EXACT);
    }

    @Test
    void perPageTableListsOperationsInReportOrder() throws Exception {
        Table t = table(build("micro"), "page-ops");
        assertEquals(List.of("operation", "working set", "difference", "ns/page", "ns/page ±", "GB/s",
                "× memory bandwidth"), t.columnNames());
        assertEquals(26, t.rowCount());
        assertEquals(List.of("PageCompareBenchmark.scalar", "hot", "equal"),
                List.of(t.getString(0, "operation"), t.getString(0, "working set"), t.getString(0, "difference")));
        assertEquals(List.of("PageCompareBenchmark.scalar", "hot", "early"),
                List.of(t.getString(1, "operation"), t.getString(1, "working set"), t.getString(1, "difference")));
        assertEquals(List.of("PageCompareBenchmark.scalar", "cold", "equal"),
                List.of(t.getString(3, "operation"), t.getString(3, "working set"), t.getString(3, "difference")));
        assertEquals("PageChecksumBenchmark.xxh64", t.getString(18, "operation"));
        assertEquals("1 MiB", t.getString(24, "working set"));
        assertEquals("1024 MiB", t.getString(25, "working set"));
    }

    @Test
    void headlinePivotsWorkingSetsIntoNanosAndGigabytesColumns() throws Exception {
        SectionOutput out = build("micro");
        var headline = out.tables().stream().filter(SectionOutput.ReportTable::headline).toList();
        assertEquals(1, headline.size());
        Table h = headline.getFirst().data();
        assertEquals(List.of("operation", "hot ns/page", "cold ns/page", "hot GB/s", "cold GB/s"), h.columnNames());
        assertEquals(12, h.rowCount());
        assertEquals("PageCompareBenchmark.scalar, equal", h.getString(0, "operation"));
        assertEquals(List.of(512.0, 1024.0, 16.0, 8.0), List.of(h.doubleColumn(1).get(0), h.doubleColumn(2).get(0),
                h.doubleColumn(3).get(0), h.doubleColumn(4).get(0)));
        assertEquals("PageChecksumBenchmark.crc32c", h.getString(11, "operation"));
        assertEquals(20.0, h.doubleColumn("hot GB/s").get(11), EXACT); // 4096 / 204.8
    }

    @Test
    void otherTimeUnitsAndThroughputAreNormalisedToNanosPerPage() throws Exception {
        Table t = table(build("micro-us"), "page-ops");
        Row microseconds = row(t, "PageChecksumBenchmark.xxh64", "hot", "");
        assertEquals(512.0, microseconds.getDouble("ns/page"), EXACT);
        assertEquals(10.0, microseconds.getDouble("ns/page ±"), EXACT);
        assertEquals(8.0, microseconds.getDouble("GB/s"), EXACT);
        assertTrue(Double.isNaN(row(t, "PageChecksumBenchmark.xxh64", "cold", "").getDouble("ns/page ±")));
        Row throughput = row(t, "PageChecksumBenchmark.xxh3", "hot", ""); // 4 ops/us
        assertEquals(250.0, throughput.getDouble("ns/page"), EXACT);
        assertEquals(12.5, throughput.getDouble("ns/page ±"), EXACT);
        assertEquals(16.384, throughput.getDouble("GB/s"), EXACT);
        Row milliseconds = row(t, "PageCompareBenchmark.scalar", "hot", "equal");
        assertEquals(512.0, milliseconds.getDouble("ns/page"), EXACT);
        assertEquals(16.0, milliseconds.getDouble("GB/s"), EXACT);
    }

    @Test
    void withoutBandwidthBenchmarkTheRatioColumnIsLeftOut() throws Exception {
        SectionOutput out = build("micro-us");
        assertFalse(table(out, "page-ops").containsColumn("× memory bandwidth"));
        assertTrue(out.prose().stream().anyMatch(p -> p.startsWith("No MemoryBandwidthBenchmark")));
    }

    @Test
    void repeatedPointsFromSeveralRunsAreListedWithTheirSourceAndAveragedInTheHeadline(@TempDir Path tmp)
            throws Exception {
        Path a = tmp.resolve("run-a/jmh");
        Path b = tmp.resolve("run-b/jmh");
        Files.createDirectories(a);
        Files.createDirectories(b);
        Files.copy(Fixtures.path("micro-us/jmh/page-ops-us.json"), a.resolve("x.json"));
        // run-b measured xxh64 hot at 1.024 us instead of 0.512 us
        Files.writeString(b.resolve("x.json"), Files.readString(Fixtures.path("micro-us/jmh/page-ops-us.json"))
                .replaceFirst("\"score\" : 0\\.512,", "\"score\" : 1.024,"));
        SectionOutput out = new PageOperationsSection().build(Results.read(List.of(tmp.resolve("run-a"),
                tmp.resolve("run-b")))).orElseThrow();
        Table perPage = table(out, "page-ops");
        assertEquals("source", perPage.columnNames().getLast());
        assertEquals(8, perPage.rowCount());
        Table xxh64Hot = perPage.where(perPage.stringColumn("operation").isEqualTo("PageChecksumBenchmark.xxh64")
                .and(perPage.stringColumn("working set").isEqualTo("hot")));
        assertEquals(List.of("run-a/jmh/x.json", "run-b/jmh/x.json"), xxh64Hot.stringColumn("source").asList());
        assertEquals(List.of(512.0, 1024.0), xxh64Hot.doubleColumn("ns/page").asList());
        Table headline = table(out, "page-ops-headline");
        assertEquals(3, headline.rowCount());
        assertEquals(768.0, headline.where(headline.stringColumn("operation").isEqualTo("PageChecksumBenchmark.xxh64"))
                .doubleColumn("hot ns/page").get(0), EXACT);
    }

    @Test
    void sectionIsAbsentWhenNoPageOperationBenchmarksRan() throws Exception {
        Results results = Results.read(List.of(Fixtures.path("other")));
        assertTrue(new PageOperationsSection().build(results).isEmpty());
    }

    @Test
    void chartIsAPng() throws Exception {
        SectionOutput out = build("micro");
        assertEquals(List.of("page-ops"), out.charts().stream().map(SectionOutput.ReportChart::name).toList());
        byte[] png = out.charts().getFirst().png();
        assertEquals(List.of((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G'),
                List.of(png[0], png[1], png[2], png[3]));
    }
}
