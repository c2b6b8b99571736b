package org.ksmlab.analysis.input;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.ksmlab.analysis.Fixtures;
import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.Table;

class JmhResultsTest {

    private static final List<String> SMALL_COLUMNS = List.of("benchmark", "method", "param_difference",
            "param_sizeMiB", "param_workingSet", "metric", "score", "error", "unit", "mode", "threads", "forks",
            "jdk", "package", "source", "n", "raw");

    private static Table small() throws BadInputException {
        return JmhResults.load(List.of(Fixtures.path("small/jmh/bandwidth.json"), Fixtures.path("small/jmh/compare.json")));
    }

    @Test
    void longTableHasOneParamColumnPerParameterNameSeenInAnyFile() throws Exception {
        Table t = small();
        assertEquals(SMALL_COLUMNS, t.columnNames());
        ColumnType[] expected = {ColumnType.STRING, ColumnType.STRING, ColumnType.STRING, ColumnType.STRING,
                ColumnType.STRING, ColumnType.STRING, ColumnType.DOUBLE, ColumnType.DOUBLE, ColumnType.STRING,
                ColumnType.STRING, ColumnType.INTEGER, ColumnType.INTEGER, ColumnType.STRING, ColumnType.STRING,
                ColumnType.STRING, ColumnType.INTEGER, ColumnType.STRING};
        assertEquals(Arrays.asList(expected), Arrays.asList(t.typeArray()));
    }

    @Test
    void longTableHasOneRowPerBenchmarkEntryAndMetric() throws Exception {
        Table t = small();
        assertEquals(4, t.rowCount());
        assertEquals(List.of(
                List.of("MemoryBandwidthBenchmark", "streamRead", "", "1024", "", "primary", 53687091.2, Double.NaN,
                        "ns/op", "avgt", 1, 1, "25", "org.ksmlab.bench.micro", "small/jmh/bandwidth.json", 5,
                        raw("5.36870912E7", 5)),
                List.of("PageCompareBenchmark", "scalar", "early", "", "hot", "primary", 16.0, 0.25,
                        "ns/op", "avgt", 1, 2, "25", "org.ksmlab.bench.micro", "small/jmh/compare.json", 10, raw("16.0", 10)),
                List.of("PageCompareBenchmark", "scalar", "early", "", "hot", "·gc.alloc.rate", 0.01, 0.001,
                        "MB/sec", "avgt", 1, 2, "25", "org.ksmlab.bench.micro", "small/jmh/compare.json", 10, raw("0.01", 10)),
                List.of("PageCompareBenchmark", "scalar", "early", "", "hot", "pagesCompared", 0.0625, Double.NaN,
                        "ops/ns", "avgt", 1, 2, "25", "org.ksmlab.bench.micro", "small/jmh/compare.json", 10,
                        raw("0.0625", 10))),
                rows(t));
    }

    @Test
    void entryWithoutParamsGivesNoParamColumnsAndKeepsItsPackage() throws Exception {
        Table t = JmhResults.load(List.of(Fixtures.path("other/jmh/scan.json")));
        assertEquals(List.of("benchmark", "method", "metric", "score", "error", "unit", "mode", "threads", "forks",
                "jdk", "package", "source", "n", "raw"), t.columnNames());
        assertEquals(List.of(
                List.of("ScanBenchmark", "fullScan", "primary", 12.5, 0.5, "ms/op", "avgt", 1, 2, "25",
                        "org.ksmlab.bench.ksm", "other/jmh/scan.json", 10, raw("12.5", 10)),
                List.of("ScanBenchmark", "fullScan", "pagesSaved", 1000.0, 0.0, "#", "avgt", 1, 2, "25",
                        "org.ksmlab.bench.ksm", "other/jmh/scan.json", 10, raw("1000.0", 10))), rows(t));
    }

    @Test
    void runsTableRecordsHowEachEntryWasRun() throws Exception {
        Table runs = JmhResults.read(List.of(Fixtures.path("small/jmh/compare.json"))).runsTable();
        assertEquals(1, runs.rowCount());
        assertEquals("1.37", runs.stringColumn("jmh").get(0));
        assertEquals("OpenJDK 64-Bit Server VM 25+36-LTS", runs.stringColumn("jvm").get(0));
        assertEquals("--add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED"
                + " --sun-misc-unsafe-memory-access=allow -Xmx4g", runs.stringColumn("jvm args").get(0));
        assertEquals("3 × 1 s", runs.stringColumn("warmup").get(0));
        assertEquals("5 × 1 s", runs.stringColumn("measurement").get(0));
        assertEquals("2", runs.stringColumn("forks").get(0));
    }

    @Test
    void truncatedJsonIsRejectedNamingTheFile() {
        var e = assertThrows(BadInputException.class,
                () -> JmhResults.load(List.of(Fixtures.path("bad/truncated/jmh/cut.json"))));
        assertTrue(e.getMessage().startsWith(Fixtures.path("bad/truncated/jmh/cut.json") + ": not valid JSON"),
                e.getMessage());
    }

    @Test
    void jsonObjectIsRejectedAsNotAJmhResultArray() {
        var e = assertThrows(BadInputException.class,
                () -> JmhResults.load(List.of(Fixtures.path("bad/not-jmh/jmh/other.json"))));
        assertEquals(Fixtures.path("bad/not-jmh/jmh/other.json")
                + ": expected a JSON array of JMH benchmark entries (-rf json), found a JSON object", e.getMessage());
    }

    /**
     * The table's rows as lists of boxed values, for whole-table comparisons. Doubles are read
     * with getDouble: Tablesaw stores NaN as its missing value and get() would box it as null.
     */
    /** The raw column's cell: {@code value} {@code n} times, space-separated (every iteration of every fork). */
    private static String raw(String value, int n) {
        return String.join(" ", java.util.Collections.nCopies(n, value));
    }

    static List<List<Object>> rows(Table t) {
        List<List<Object>> rows = new ArrayList<>();
        for (int r = 0; r < t.rowCount(); r++) {
            List<Object> row = new ArrayList<>();
            for (int c = 0; c < t.columnCount(); c++) {
                row.add(t.column(c) instanceof DoubleColumn d ? (Object) d.getDouble(r) : t.column(c).get(r));
            }
            rows.add(row);
        }
        return rows;
    }
}
