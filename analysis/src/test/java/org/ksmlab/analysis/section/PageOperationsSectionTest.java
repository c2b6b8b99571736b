package org.ksmlab.analysis.section;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ksmlab.analysis.Fixtures;
import org.ksmlab.analysis.input.Results;
import org.ksmlab.analysis.render.DisplayTable;
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
    void comparePerPageIsTheMedianAndGigabytesPerSecondCountBothPagesRead() throws Exception {
        Table t = table(build("micro"), "page-ops");
        Row equal = row(t, "PageCompareBenchmark.scalar", "hot", "equal");
        assertEquals(512.0, equal.getDouble("ns/page"), EXACT);
        assertEquals(10, equal.getInt("n"), "2 forks × 5 iterations pooled");
        assertEquals(16.0, equal.getDouble("GB/s"), EXACT); // 8192 bytes / 512 ns
        Row early = row(t, "PageCompareBenchmark.scalar", "hot", "early");
        assertEquals(16.0, early.getDouble("ns/page"), EXACT);
        assertEquals(8.0, early.getDouble("GB/s"), EXACT); // 2 × 64 bytes / 16 ns
        Row late = row(t, "PageCompareBenchmark.vector", "cold", "late");
        assertEquals(8192 / 820.0, late.getDouble("GB/s"), EXACT);
    }

    /**
     * The noisy point of the fixture: 10 iterations from 60 to 300 ns. The median (100), not
     * JMH's mean (120), is shown, with the 95 % order-statistic interval [x(2), x(9)] = [80, 140],
     * which reaches 40 % from the median and is flagged.
     */
    @Test
    void aNoisyPointShowsItsMedianAndIsFlagged() throws Exception {
        Table t = table(build("micro"), "page-ops");
        Row noisy = row(t, "PageCompareBenchmark.vector", "cold", "early");
        assertEquals(100.0, noisy.getDouble("ns/page"), EXACT);
        assertEquals(80.0, noisy.getDouble("ns/page low"), EXACT);
        assertEquals(140.0, noisy.getDouble("ns/page high"), EXACT);
        List<List<String>> shown = DisplayTable.of(t).rows();
        assertTrue(shown.contains(List.of("PageCompareBenchmark.vector", "cold", "early", "100 [80.0, 140] ⚠", "10",
                "1.28", "0.0640")), shown.toString());
        assertTrue(shown.contains(List.of("PageCompareBenchmark.scalar", "hot", "equal", "512 [512, 512]", "10", "16.0",
                "0.800")), "a steady point is not flagged");
    }

    @Test
    void checksumReadsOnePagePerOp() throws Exception {
        Table t = table(build("micro"), "page-ops");
        Row xxh3 = row(t, "PageChecksumBenchmark.xxh3", "hot", "");
        assertEquals(256.0, xxh3.getDouble("ns/page"), EXACT);
        assertEquals(16.0, xxh3.getDouble("GB/s"), EXACT); // 4096 bytes / 256 ns
    }

    @Test
    void memoryBandwidthIsTheHardwareReferenceAndEveryOperationIsRatedAgainstIt() throws Exception {
        SectionOutput out = build("micro");
        Table t = table(out, "page-ops");
        Row dram = row(t, "MemoryBandwidthBenchmark.streamRead", "1024 MiB", "");
        assertEquals(20.0, dram.getDouble("GB/s"), EXACT); // 1024 · 2^20 bytes / 53687091.2 ns
        assertEquals(204.8, dram.getDouble("ns/page"), EXACT); // per 4096 bytes streamed
        assertEquals(1.0, dram.getDouble("× memory bandwidth"), EXACT);
        Row cache = row(t, "MemoryBandwidthBenchmark.streamRead", "1 MiB", "");
        assertEquals(40.0, cache.getDouble("GB/s"), EXACT);
        assertEquals(2.0, cache.getDouble("× memory bandwidth"), EXACT);
        assertEquals(0.8, row(t, "PageCompareBenchmark.scalar", "hot", "equal").getDouble("× memory bandwidth"), EXACT);
        assertEquals(0.2, row(t, "PageChecksumBenchmark.xxh64", "cold", "").getDouble("× memory bandwidth"), EXACT);
        assertTrue(out.prose().get(1).startsWith("Baseline (hardware reference): MemoryBandwidthBenchmark.streamRead"),
                out.prose().get(1));
    }

    @Test
    void perPageTableListsOperationsInReportOrder() throws Exception {
        Table t = table(build("micro"), "page-ops");
        assertEquals(List.of("operation", "working set", "difference", "ns/page", "ns/page low", "ns/page high", "n",
                "GB/s", "× memory bandwidth"), t.columnNames());
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
    void headlinePivotsWorkingSetsIntoNanosAndGigabytesColumnsWithAGeneratedSentence() throws Exception {
        SectionOutput out = build("micro");
        Table h = out.headline().table().data();
        assertEquals(List.of("operation", "hot ns/page", "cold ns/page", "hot GB/s", "cold GB/s"), h.columnNames());
        assertEquals(12, h.rowCount());
        assertEquals("PageCompareBenchmark.scalar, equal", h.getString(0, "operation"));
        assertEquals(List.of(512.0, 1024.0, 16.0, 8.0), List.of(h.doubleColumn(1).get(0), h.doubleColumn(2).get(0),
                h.doubleColumn(3).get(0), h.doubleColumn(4).get(0)));
        assertEquals("PageChecksumBenchmark.crc32c", h.getString(11, "operation"));
        assertEquals(20.0, h.doubleColumn("hot GB/s").get(11), EXACT); // 4096 / 204.8
        assertEquals(List.of("No merger comparison in these results. The simulator's page primitives on this machine"
                + " (Java, wall time; not the kernel): comparing two equal pages in cache takes 102 ns with mismatch,"
                + " 128 ns with vector, 512 ns with scalar; hashing a page in cache takes 205 ns with crc32c, 256 ns with"
                + " xxh3, 512 ns with xxh64."), out.headline().sentences());
    }

    @Test
    void otherTimeUnitsAndThroughputAreNormalisedToNanosPerPage() throws Exception {
        Table t = table(build("micro-us"), "page-ops");
        Row microseconds = row(t, "PageChecksumBenchmark.xxh64", "hot", "");
        assertEquals(512.0, microseconds.getDouble("ns/page"), EXACT);
        assertEquals(8.0, microseconds.getDouble("GB/s"), EXACT);
        Row throughput = row(t, "PageChecksumBenchmark.xxh3", "hot", ""); // 4 ops/us
        assertEquals(250.0, throughput.getDouble("ns/page"), EXACT);
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

    /** Results for one point from several folders are pooled: the median of all their iterations. */
    @Test
    void repeatedPointsFromSeveralRunsArePooled(@TempDir Path tmp) throws Exception {
        Path a = tmp.resolve("run-a/jmh");
        Path b = tmp.resolve("run-b/jmh");
        Files.createDirectories(a);
        Files.createDirectories(b);
        Files.copy(Fixtures.path("micro-us/jmh/page-ops-us.json"), a.resolve("x.json"));
        // run-b measured xxh64 hot at 1.024 us in every iteration instead of 0.512 us
        Files.writeString(b.resolve("x.json"), Files.readString(Fixtures.path("micro-us/jmh/page-ops-us.json"))
                .replace("0.512", "1.024"));
        SectionOutput out = new PageOperationsSection().build(Results.read(List.of(tmp.resolve("run-a"),
                tmp.resolve("run-b")))).orElseThrow();
        Table perPage = table(out, "page-ops");
        assertEquals(4, perPage.rowCount(), "one row per point");
        Row xxh64Hot = row(perPage, "PageChecksumBenchmark.xxh64", "hot", "");
        assertEquals(20, xxh64Hot.getInt("n"));
        assertEquals(768.0, xxh64Hot.getDouble("ns/page"), EXACT, "median of ten 512s and ten 1024s");
        assertEquals(512.0, xxh64Hot.getDouble("ns/page low"), EXACT);
        assertEquals(1024.0, xxh64Hot.getDouble("ns/page high"), EXACT);
    }

    @Test
    void sectionIsAbsentWhenNoPageOperationBenchmarksRan() throws Exception {
        Results results = Results.read(List.of(Fixtures.path("other")));
        assertTrue(new PageOperationsSection().build(results).isEmpty());
    }

    @Test
    void chartHasOneSeriesPerWorkingSet() throws Exception {
        SectionOutput out = build("micro");
        assertEquals(List.of("page-ops"), out.charts().stream().map(SectionOutput.ChartSpec::name).toList());
        assertEquals(List.of("hot", "cold"), out.charts().getFirst().series().stream().map(SectionOutput.Series::name).toList());
    }
}
