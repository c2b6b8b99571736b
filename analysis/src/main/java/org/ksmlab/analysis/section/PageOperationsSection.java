package org.ksmlab.analysis.section;

import static org.ksmlab.analysis.JmhResults.BENCHMARK;
import static org.ksmlab.analysis.JmhResults.ERROR;
import static org.ksmlab.analysis.JmhResults.METHOD;
import static org.ksmlab.analysis.JmhResults.METRIC;
import static org.ksmlab.analysis.JmhResults.PACKAGE;
import static org.ksmlab.analysis.JmhResults.PARAM_PREFIX;
import static org.ksmlab.analysis.JmhResults.PRIMARY;
import static org.ksmlab.analysis.JmhResults.SCORE;
import static org.ksmlab.analysis.JmhResults.SOURCE;
import static org.ksmlab.analysis.JmhResults.UNIT;
import static tech.tablesaw.aggregate.AggregateFunctions.mean;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ksmlab.analysis.Results;
import org.ksmlab.analysis.Units;
import org.ksmlab.analysis.render.DisplayTable;
import org.ksmlab.analysis.render.Numbers;
import org.ksmlab.analysis.section.SectionOutput.ReportChart;
import org.ksmlab.analysis.section.SectionOutput.ReportTable;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Page operations (micro): how long comparing two pages and hashing one page take, per page,
 * and what bandwidth that is, next to the machine's measured memory read bandwidth. These are
 * the two primitives ksmd spends its time in (memcmp_pages and the page checksum).
 *
 * <p>From {@code org.ksmlab.bench.micro}: {@code PageCompareBenchmark} (one op = one page-pair
 * compare; params workingSet, difference), {@code PageChecksumBenchmark} (one op = one 4096-byte
 * page hashed; param workingSet) and optionally {@code MemoryBandwidthBenchmark.streamRead}
 * (one op = one pass over sizeMiB MiB). Scores in any JMH time unit or throughput are
 * normalised to ns per op ({@link Units}); GB/s = bytes per op / ns per op (10^9 bytes/s).
 */
public final class PageOperationsSection implements ReportSection {
    public static final String MICRO_PACKAGE = "org.ksmlab.bench.micro";
    public static final String COMPARE = "PageCompareBenchmark";
    public static final String CHECKSUM = "PageChecksumBenchmark";
    public static final String BANDWIDTH = "MemoryBandwidthBenchmark";
    public static final int PAGE_BYTES = 4096;

    /**
     * Bytes one operation reads, keyed by "benchmark/difference". A compare reads both pages up
     * to the first difference: equal pages and a difference at byte 4095 ("late") read all
     * 2 × 4096 bytes, a difference at byte 64 ("early") reads 2 × 64. A checksum reads one page.
     * MemoryBandwidthBenchmark reads sizeMiB · 2^20 bytes and is computed from its param.
     */
    static final Map<String, Long> BYTES_PER_OP = Map.of(
            COMPARE + "/equal", 2L * PAGE_BYTES,
            COMPARE + "/early", 2L * 64,
            COMPARE + "/late", 2L * PAGE_BYTES,
            CHECKSUM + "/", (long) PAGE_BYTES);

    /** Report order of known values; unknown values follow, alphabetically. */
    private static final List<String> BENCHMARK_ORDER = List.of(COMPARE, CHECKSUM, BANDWIDTH);
    private static final List<String> METHOD_ORDER = List.of("scalar", "vector", "mismatch", "xxh64", "xxh3", "crc32c");
    private static final List<String> WORKING_SET_ORDER = List.of("hot", "cold");
    private static final List<String> DIFFERENCE_ORDER = List.of("equal", "early", "late");

    public static final String OPERATION = "operation";
    public static final String WORKING_SET = "working set";
    public static final String DIFFERENCE = "difference";
    public static final String NS_PER_PAGE = "ns/page";
    public static final String GB_PER_S = "GB/s";
    public static final String OF_BANDWIDTH = "× memory bandwidth";

    @Override
    public String id() {
        return "page-ops";
    }

    @Override
    public String title() {
        return "Page operations (micro)";
    }

    @Override
    public String absentNote() {
        return "no " + COMPARE + " or " + CHECKSUM + " results from " + MICRO_PACKAGE + " in these runs";
    }

    @Override
    public Optional<SectionOutput> build(Results results) {
        Table all = results.longTable();
        Table primary = all.where(all.stringColumn(PACKAGE).isEqualTo(MICRO_PACKAGE)
                .and(all.stringColumn(METRIC).isEqualTo(PRIMARY))
                .and(all.stringColumn(BENCHMARK).isIn(BENCHMARK_ORDER)));
        if (primary.where(primary.stringColumn(BENCHMARK).isIn(COMPARE, CHECKSUM)).isEmpty()) {
            return Optional.empty();
        }
        Table perPage = perPage(primary);
        Optional<Bandwidth> bandwidth = referenceBandwidth(perPage);
        bandwidth.ifPresent(bw -> perPage.addColumns(
                perPage.doubleColumn(GB_PER_S).divide(bw.gbPerSecond()).setName(OF_BANDWIDTH)));

        Table headline = headline(perPage.where(perPage.stringColumn(BENCHMARK).isIn(COMPARE, CHECKSUM)));
        List<String> prose = new ArrayList<>();
        prose.add("Time per 4 KiB page and the bandwidth it amounts to for the two primitives ksmd spends its time in:"
                + " comparing a page pair (" + COMPARE + "; equal pages read 2 × 4096 bytes, a first difference at"
                + " byte 64 reads 2 × 64, at byte 4095 reads 2 × 4096) and hashing one page (" + CHECKSUM
                + ", 4096 bytes). Hot: the pages are in cache; cold: a working set larger than the last-level cache."
                + " GB/s = bytes read per op / ns per op. Errors are JMH's 99.9% confidence half-widths.");
        prose.add(bandwidth.map(bw -> "Memory bandwidth: " + BANDWIDTH + ".streamRead over its largest buffer ("
                        + bw.sizeMiB() + " MiB) reads " + Numbers.sig3(bw.gbPerSecond()) + " GB/s; the last column"
                        + " divides each operation's GB/s by it (1.00 = as fast as streaming memory).")
                .orElse("No " + BANDWIDTH + " in these results, so no comparison with memory bandwidth."));
        boolean repeated = perPage.selectColumns(OPERATION, WORKING_SET, DIFFERENCE).dropDuplicateRows().rowCount()
                < perPage.rowCount();
        if (repeated) {
            prose.add("Some points were measured in more than one result file: the per-page table lists each with its"
                    + " source; the headline and the chart show their mean.");
        }
        Table detail = perPage.selectColumns(displayColumns(perPage, repeated));
        detail.setName("page-ops");
        List<ReportTable> tables = List.of(
                new ReportTable("page-ops-headline", "Headline: ns per page and GB/s, hot and cold", headline, true),
                new ReportTable("page-ops", "Page operations, per page (ns/page ± error)", detail, false));
        ReportChart chart = new ReportChart("page-ops",
                "Time per page (ns) of each page operation, hot vs cold working set (lower is better)",
                Charts.groupedBars(
                        "Page compare and checksum: time per 4 KiB page, hot vs cold",
                        "operation (benchmark.method, difference)", "ns per page (lower is better)",
                        headline.stringColumn(OPERATION).asList().stream().map(k -> k.replace("Benchmark.", ".")).toList(),
                        nanosPerWorkingSet(headline)));
        return Optional.of(new SectionOutput(prose, tables, List.of(chart)));
    }

    private static String[] displayColumns(Table perPage, boolean withSource) {
        List<String> names = new ArrayList<>(List.of(OPERATION, WORKING_SET, DIFFERENCE, NS_PER_PAGE,
                NS_PER_PAGE + DisplayTable.ERROR_SUFFIX, GB_PER_S));
        if (perPage.containsColumn(OF_BANDWIDTH)) names.add(OF_BANDWIDTH);
        if (withSource) names.add(SOURCE);
        return names.toArray(String[]::new);
    }

    /**
     * One row per primary result with operation, working set, difference, ns/page (± error) and
     * GB/s, in report order. Bandwidth rows give the time per 4096 bytes streamed.
     */
    static Table perPage(Table primary) {
        StringColumn operation = StringColumn.create(OPERATION);
        StringColumn workingSet = StringColumn.create(WORKING_SET);
        StringColumn difference = StringColumn.create(DIFFERENCE);
        DoubleColumn nsPerPage = DoubleColumn.create(NS_PER_PAGE);
        DoubleColumn nsError = DoubleColumn.create(NS_PER_PAGE + DisplayTable.ERROR_SUFFIX);
        DoubleColumn gbPerS = DoubleColumn.create(GB_PER_S);
        StringColumn sizeMiB = StringColumn.create("sizeMiB");
        IntColumn rank = IntColumn.create("rank");
        for (int r = 0; r < primary.rowCount(); r++) {
            String benchmark = primary.stringColumn(BENCHMARK).get(r);
            String method = primary.stringColumn(METHOD).get(r);
            String ws = param(primary, "workingSet", r);
            String diff = param(primary, "difference", r);
            String size = param(primary, "sizeMiB", r);
            double score = primary.doubleColumn(SCORE).getDouble(r);
            String unit = primary.stringColumn(UNIT).get(r);
            double ns = Units.nanosPerOp(score, unit);
            double nsErr = Units.nanosPerOpError(score, primary.doubleColumn(ERROR).getDouble(r), unit);
            double bytes;
            double pages;
            if (benchmark.equals(BANDWIDTH)) {
                bytes = parseOrNaN(size) * (1 << 20);
                pages = bytes / PAGE_BYTES;
                ws = size.isEmpty() ? "" : size + " MiB";
            } else {
                Long b = BYTES_PER_OP.get(benchmark + "/" + diff);
                bytes = b == null ? Double.NaN : b;
                pages = 1; // one op handles one page (pair)
            }
            operation.append(benchmark + "." + method);
            workingSet.append(ws);
            difference.append(diff);
            nsPerPage.append(ns / pages);
            nsError.append(nsErr / pages);
            gbPerS.append(bytes / ns);
            sizeMiB.append(size);
            rank.append(rank(benchmark, method, ws, diff, size));
        }
        Table t = Table.create("per-page", primary.stringColumn(BENCHMARK).copy(), operation, workingSet, difference,
                nsPerPage, nsError, gbPerS, sizeMiB, rank, primary.stringColumn(SOURCE).copy());
        return t.sortAscendingOn("rank", OPERATION, WORKING_SET, DIFFERENCE, SOURCE);
    }

    /** Sort key: benchmark, method, working set, difference in report order; buffer size for bandwidth. */
    private static int rank(String benchmark, String method, String ws, String diff, String sizeMiB) {
        int b = indexOrEnd(BENCHMARK_ORDER, benchmark);
        int m = indexOrEnd(METHOD_ORDER, method);
        int w = benchmark.equals(BANDWIDTH) ? 0 : indexOrEnd(WORKING_SET_ORDER, ws);
        int d = indexOrEnd(DIFFERENCE_ORDER, diff);
        int size = benchmark.equals(BANDWIDTH) ? (int) Math.min(99_999, parseOrZero(sizeMiB)) : 0;
        return (((b * 10 + m) * 10 + w) * 10 + d) * 100_000 + size;
    }

    private static int indexOrEnd(List<String> order, String value) {
        int i = order.indexOf(value);
        return i < 0 ? order.size() : i;
    }

    /** Measured memory read bandwidth: streamRead over a buffer of sizeMiB. */
    private record Bandwidth(String sizeMiB, double gbPerSecond) {}

    /** Mean GB/s of streamRead over the largest buffer measured (DRAM, not cache), if any. */
    private static Optional<Bandwidth> referenceBandwidth(Table perPage) {
        Table bw = perPage.where(perPage.stringColumn(BENCHMARK).isEqualTo(BANDWIDTH)
                .and(perPage.doubleColumn(GB_PER_S).isNotMissing()));
        if (bw.isEmpty()) return Optional.empty();
        Table bySize = bw.summarize(GB_PER_S, mean).by("sizeMiB");
        StringColumn sizes = bySize.stringColumn("sizeMiB");
        int largest = 0;
        for (int r = 1; r < bySize.rowCount(); r++) {
            if (parseOrZero(sizes.get(r)) > parseOrZero(sizes.get(largest))) largest = r;
        }
        return Optional.of(new Bandwidth(sizes.get(largest), bySize.doubleColumn(1).getDouble(largest)));
    }

    /**
     * operation (with difference) × working set: ns/page and GB/s side by side, by pivoting the
     * per-page table (several runs of one point are averaged).
     */
    static Table headline(Table ops) {
        Table keyed = withKey(ops);
        Table ns = keyed.pivot(OPERATION, WORKING_SET, NS_PER_PAGE, mean);
        Table gbs = keyed.pivot(OPERATION, WORKING_SET, GB_PER_S, mean);
        List<String> sets = workingSets(ops);
        Table headline = Table.create("page-ops-headline", StringColumn.create(OPERATION));
        for (String ws : sets) headline.addColumns(DoubleColumn.create(ws + " " + NS_PER_PAGE));
        for (String ws : sets) headline.addColumns(DoubleColumn.create(ws + " " + GB_PER_S));
        for (String key : keyed.stringColumn(OPERATION).unique().asList().stream()
                .sorted(Comparator.comparingInt(keyed.stringColumn(OPERATION)::firstIndexOf)).toList()) {
            headline.stringColumn(OPERATION).append(key);
            int nsRow = ns.stringColumn(OPERATION).firstIndexOf(key);
            int gbRow = gbs.stringColumn(OPERATION).firstIndexOf(key);
            for (String ws : sets) {
                headline.doubleColumn(ws + " " + NS_PER_PAGE).append(ns.doubleColumn(ws).getDouble(nsRow));
                headline.doubleColumn(ws + " " + GB_PER_S).append(gbs.doubleColumn(ws).getDouble(gbRow));
            }
        }
        return headline;
    }

    /** The per-page rows with operation = "Benchmark.method, difference" (the difference only for compare). */
    private static Table withKey(Table ops) {
        Table keyed = ops.copy();
        StringColumn key = StringColumn.create(OPERATION);
        for (int r = 0; r < keyed.rowCount(); r++) {
            String diff = keyed.stringColumn(DIFFERENCE).get(r);
            key.append(keyed.stringColumn(OPERATION).get(r) + (diff.isEmpty() ? "" : ", " + diff));
        }
        keyed.replaceColumn(OPERATION, key);
        return keyed;
    }

    private static List<String> workingSets(Table ops) {
        return ops.stringColumn(WORKING_SET).unique().asList().stream()
                .sorted(Comparator.comparingInt((String ws) -> indexOrEnd(WORKING_SET_ORDER, ws))
                        .thenComparing(ws -> ws))
                .toList();
    }

    /** Working set → ns/page per headline row (null where that working set was not measured). */
    private static Map<String, List<Double>> nanosPerWorkingSet(Table headline) {
        Map<String, List<Double>> series = new LinkedHashMap<>();
        for (String name : headline.columnNames()) {
            if (!name.endsWith(" " + NS_PER_PAGE)) continue;
            DoubleColumn column = headline.doubleColumn(name);
            List<Double> values = new ArrayList<>();
            for (int r = 0; r < column.size(); r++) values.add(column.isMissing(r) ? null : column.getDouble(r));
            series.put(name.substring(0, name.length() - NS_PER_PAGE.length() - 1), values);
        }
        return series;
    }

    private static String param(Table t, String name, int row) {
        String column = PARAM_PREFIX + name;
        return t.containsColumn(column) ? t.stringColumn(column).get(row) : "";
    }

    private static double parseOrNaN(String s) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static double parseOrZero(String s) {
        double d = parseOrNaN(s);
        return Double.isNaN(d) ? 0 : d;
    }
}
