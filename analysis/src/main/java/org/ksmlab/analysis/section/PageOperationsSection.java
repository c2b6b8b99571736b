package org.ksmlab.analysis.section;

import static org.ksmlab.analysis.input.Benchmarks.DIFFERENCE;
import static org.ksmlab.analysis.input.Benchmarks.SIZE_MIB;
import static org.ksmlab.analysis.input.Benchmarks.WORKING_SET;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ksmlab.analysis.input.Benchmarks;
import org.ksmlab.analysis.input.Benchmarks.Benchmark;
import org.ksmlab.analysis.input.Results;
import org.ksmlab.analysis.section.SectionOutput.ChartSpec;
import org.ksmlab.analysis.section.SectionOutput.Headline;
import org.ksmlab.analysis.section.SectionOutput.ReportTable;
import org.ksmlab.analysis.section.SectionOutput.Series;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * The page primitives of the simulator (micro benchmarks, Java, wall time): how long comparing
 * two pages and hashing one page take, per page, and what bandwidth that is, next to the
 * machine's measured memory read bandwidth (the hardware reference). These are the two
 * operations ksmd spends its time in (memcmp_pages and the page checksum); the figures are the
 * model's Java implementations, not the kernel's C.
 *
 * <p>From {@link Benchmarks#PAGE_COMPARE} (one op = one page-pair compare; params workingSet,
 * difference), {@link Benchmarks#PAGE_CHECKSUM} (one op = one 4096-byte page hashed; param
 * workingSet) and optionally {@link Benchmarks#MEMORY_BANDWIDTH} (one op = one pass over sizeMiB
 * MiB). Scores in any JMH time unit or throughput are normalised to ns per op; each figure is
 * the median of the measured iterations with its interval ({@link Statistics}); GB/s = bytes
 * per op / median ns per op (10^9 bytes/s).
 */
public final class PageOperationsSection implements ReportSection {
    public static final int PAGE_BYTES = 4096;

    /**
     * Bytes one operation reads, keyed by "benchmark/difference". A compare reads both pages up
     * to the first difference: equal pages and a difference at byte 4095 ("late") read all
     * 2 × 4096 bytes, a difference at byte 64 ("early") reads 2 × 64. A checksum reads one page.
     * MemoryBandwidthBenchmark reads sizeMiB · 2^20 bytes and is computed from its param.
     */
    static final Map<String, Long> BYTES_PER_OP = Map.of(
            Benchmarks.PAGE_COMPARE.simpleName() + "/equal", 2L * PAGE_BYTES,
            Benchmarks.PAGE_COMPARE.simpleName() + "/early", 2L * 64,
            Benchmarks.PAGE_COMPARE.simpleName() + "/late", 2L * PAGE_BYTES,
            Benchmarks.PAGE_CHECKSUM.simpleName() + "/", (long) PAGE_BYTES);

    private static final List<String> WORKING_SET_ORDER = List.of("hot", "hot sequential", "cold", "cold sequential");
    private static final List<String> DIFFERENCE_ORDER = List.of("equal", "early", "late");

    public static final String OPERATION = "operation";
    public static final String WORKING_SET_COLUMN = "working set";
    public static final String DIFFERENCE_COLUMN = "difference";
    public static final String NS_PER_PAGE = "ns/page";
    public static final String GB_PER_S = "GB/s";
    public static final String OF_BANDWIDTH = "× memory bandwidth";

    @Override
    public String id() {
        return "page-ops";
    }

    @Override
    public String title() {
        return "Page primitives: compare and checksum (micro)";
    }

    @Override
    public Part part() {
        return Part.SIMULATOR;
    }

    @Override
    public String absentNote() {
        return "no " + Benchmarks.PAGE_COMPARE.simpleName() + " or " + Benchmarks.PAGE_CHECKSUM.simpleName()
                + " results in these runs";
    }

    /** One row of the per-page table before it becomes columns. */
    private record Op(String benchmark, String method, String workingSet, String difference, double bytes, double pages,
                      Statistics.Interval ns) {
        String name() {
            return benchmark + "." + method;
        }
    }

    @Override
    public Optional<SectionOutput> build(Results results) {
        List<Op> ops = new ArrayList<>();
        for (Benchmark b : List.of(Benchmarks.PAGE_COMPARE, Benchmarks.PAGE_CHECKSUM, Benchmarks.MEMORY_BANDWIDTH)) {
            for (String method : b.methods()) {
                Table points = Points.of(results.longTable(), b, method);
                for (int r = 0; r < points.rowCount(); r++) {
                    Statistics.Interval wall = Points.wall(points, r);
                    if (wall == null) continue;
                    String ws = Points.param(points, WORKING_SET, r);
                    // the visiting order is part of the working set's name where it is not the default (permuted)
                    if (Points.param(points, Benchmarks.ORDER, r).equals("sequential")) ws += " sequential";
                    String diff = Points.param(points, DIFFERENCE, r);
                    double bytes;
                    double pages;
                    if (b == Benchmarks.MEMORY_BANDWIDTH) {
                        String size = Points.param(points, SIZE_MIB, r);
                        bytes = Points.parse(size) * (1 << 20);
                        pages = bytes / PAGE_BYTES;
                        ws = size.isEmpty() ? "" : size + " MiB";
                    } else {
                        Long perOp = BYTES_PER_OP.get(b.simpleName() + "/" + diff);
                        bytes = perOp == null ? Double.NaN : perOp;
                        pages = 1; // one op handles one page (pair)
                    }
                    ops.add(new Op(b.simpleName(), method, ws, diff, bytes, pages, wall.dividedBy(pages)));
                }
            }
        }
        if (ops.stream().noneMatch(o -> !o.benchmark().equals(Benchmarks.MEMORY_BANDWIDTH.simpleName()))) {
            return Optional.empty();
        }
        ops.sort(Comparator.comparingInt((Op o) -> rank(o)).thenComparingDouble(o -> o.bytes()));
        Op bandwidth = ops.stream().filter(o -> o.benchmark().equals(Benchmarks.MEMORY_BANDWIDTH.simpleName()))
                .max(Comparator.comparingDouble(Op::bytes)).orElse(null);
        double bandwidthGbs = bandwidth == null ? Double.NaN : bandwidth.bytes() / bandwidth.pages() / bandwidth.ns().median();

        StringColumn operation = StringColumn.create(OPERATION);
        StringColumn workingSet = StringColumn.create(WORKING_SET_COLUMN);
        StringColumn difference = StringColumn.create(DIFFERENCE_COLUMN);
        DoubleColumn ns = DoubleColumn.create(NS_PER_PAGE);
        DoubleColumn low = DoubleColumn.create(NS_PER_PAGE + SectionOutput.LOW_SUFFIX);
        DoubleColumn high = DoubleColumn.create(NS_PER_PAGE + SectionOutput.HIGH_SUFFIX);
        IntColumn n = IntColumn.create(Points.N);
        DoubleColumn gbs = DoubleColumn.create(GB_PER_S);
        DoubleColumn ofBandwidth = DoubleColumn.create(OF_BANDWIDTH);
        for (Op o : ops) {
            operation.append(o.name());
            workingSet.append(o.workingSet());
            difference.append(o.difference());
            ns.append(o.ns().median());
            low.append(o.ns().low());
            high.append(o.ns().high());
            n.append(o.ns().n());
            double g = o.bytes() / o.pages() / o.ns().median();
            gbs.append(g);
            ofBandwidth.append(g / bandwidthGbs);
        }
        Table detail = Table.create("page-ops", operation, workingSet, difference, ns, low, high, n, gbs);
        if (bandwidth != null) detail.addColumns(ofBandwidth);

        List<Op> primitives = ops.stream().filter(o -> !o.benchmark().equals(Benchmarks.MEMORY_BANDWIDTH.simpleName())).toList();
        Table pivot = pivot(primitives);
        List<String> prose = new ArrayList<>();
        prose.add("Time per 4 KiB page, and the bandwidth it amounts to, of the model's Java page primitives on this"
                + " machine: comparing a page pair (" + Benchmarks.PAGE_COMPARE.simpleName() + ": scalar loop, Vector"
                + " API, MemorySegment.mismatch; equal pages read 2 × 4096 bytes, a first difference at byte 64 reads"
                + " 2 × 64, at byte 4095 reads 2 × 4096) and hashing one page (" + Benchmarks.PAGE_CHECKSUM.simpleName()
                + ", 4096 bytes). Hot: the pages are in cache; cold: a working set larger than the last-level cache;"
                + " both visited in a seeded random permutation, and \"sequential\": in address order, the prefetcher's best case."
                + " GB/s = bytes read per op / median ns per op.");
        prose.add(bandwidth == null ? "No " + Benchmarks.MEMORY_BANDWIDTH.simpleName() + " in these results, so no"
                + " hardware reference." : "Baseline (hardware reference): " + Benchmarks.MEMORY_BANDWIDTH.simpleName()
                + ".streamRead over its largest buffer (" + bandwidth.workingSet() + ") reads " + Numbers.sig3(bandwidthGbs)
                + " GB/s; the last column divides each operation's GB/s by it (1.00 = as fast as streaming memory)."
                + " Within each primitive, the scalar loop and xxh64 are the baselines of the faster variants; the next"
                + " section holds each against its C reference (memcmp, XXH64, XXH3) when the run measured one.");
        ChartSpec chart = ChartSpec.bars("page-ops",
                "Time per page (ns, median) of each page primitive, hot vs cold working set (lower is faster)",
                "Simulator page primitives: time per 4 KiB page, hot vs cold (Java, wall time)",
                "operation (benchmark.method, difference)", "ns per page (median; lower is faster)",
                pivot.stringColumn(OPERATION).asList().stream().map(k -> k.replace("Benchmark.", ".")).toList(),
                nanosPerWorkingSet(pivot));
        Headline headline = new Headline(List.of(sentence(primitives)), new ReportTable("page-ops-headline",
                "Headline: simulator page primitives, ns per page (median) and GB/s, hot and cold (Java, wall time)", pivot));
        return Optional.of(new SectionOutput(prose, List.of(new ReportTable("page-ops",
                "Page primitives, per page: ns/page median [interval], n iterations", detail)),
                chart.drawable() ? List.of(chart) : List.of(), headline));
    }

    /** Report order: compare before checksum before bandwidth; methods, working sets, differences in their known order. */
    private static int rank(Op o) {
        List<String> benchmarks = List.of(Benchmarks.PAGE_COMPARE.simpleName(), Benchmarks.PAGE_CHECKSUM.simpleName(),
                Benchmarks.MEMORY_BANDWIDTH.simpleName());
        List<String> methods = new ArrayList<>(Benchmarks.PAGE_COMPARE.methods());
        methods.addAll(Benchmarks.PAGE_CHECKSUM.methods());
        int b = indexOrEnd(benchmarks, o.benchmark());
        int m = indexOrEnd(methods, o.method());
        int w = indexOrEnd(WORKING_SET_ORDER, o.workingSet());
        int d = indexOrEnd(DIFFERENCE_ORDER, o.difference());
        return ((b * 10 + m) * 10 + w) * 10 + d;
    }

    private static int indexOrEnd(List<String> order, String value) {
        int i = order.indexOf(value);
        return i < 0 ? order.size() : i;
    }

    /** operation (with difference) × working set: median ns/page and GB/s side by side. */
    static Table pivot(List<Op> ops) {
        List<String> sets = ops.stream().map(Op::workingSet).distinct()
                .sorted(Comparator.comparingInt((String ws) -> indexOrEnd(WORKING_SET_ORDER, ws)).thenComparing(ws -> ws)).toList();
        Map<String, Map<String, Op>> byKey = new LinkedHashMap<>();
        for (Op o : ops) {
            String key = o.name() + (o.difference().isEmpty() ? "" : ", " + o.difference());
            byKey.computeIfAbsent(key, k -> new LinkedHashMap<>()).put(o.workingSet(), o);
        }
        Table t = Table.create("page-ops-headline", StringColumn.create(OPERATION));
        for (String ws : sets) t.addColumns(DoubleColumn.create(ws + " " + NS_PER_PAGE));
        for (String ws : sets) t.addColumns(DoubleColumn.create(ws + " " + GB_PER_S));
        byKey.forEach((key, bySet) -> {
            t.stringColumn(OPERATION).append(key);
            for (String ws : sets) {
                Op o = bySet.get(ws);
                t.doubleColumn(ws + " " + NS_PER_PAGE).append(o == null ? Double.NaN : o.ns().median());
                t.doubleColumn(ws + " " + GB_PER_S).append(o == null ? Double.NaN : o.bytes() / o.pages() / o.ns().median());
            }
        });
        return t;
    }

    /** "Comparing two equal pages in cache takes 102 ns with mismatch, ...; hashing a page in cache takes ...". */
    private static String sentence(List<Op> ops) {
        List<String> parts = new ArrayList<>();
        List<Op> compare = ops.stream().filter(o -> o.benchmark().equals(Benchmarks.PAGE_COMPARE.simpleName())
                && o.difference().equals("equal") && o.workingSet().equals("hot")).sorted(Comparator.comparingDouble(o -> o.ns().median())).toList();
        if (!compare.isEmpty()) parts.add("comparing two equal pages in cache takes " + fastest(compare));
        List<Op> hash = ops.stream().filter(o -> o.benchmark().equals(Benchmarks.PAGE_CHECKSUM.simpleName())
                && o.workingSet().equals("hot")).sorted(Comparator.comparingDouble(o -> o.ns().median())).toList();
        if (!hash.isEmpty()) parts.add("hashing a page in cache takes " + fastest(hash));
        return "No merger comparison in these results. The simulator's page primitives on this machine (Java, wall"
                + " time; not the kernel): " + (parts.isEmpty() ? "see the tables" : String.join("; ", parts)) + ".";
    }

    private static String fastest(List<Op> sorted) {
        return String.join(", ", sorted.stream().map(o -> Numbers.sig3(o.ns().median()) + " ns with " + o.method()
                + (o.ns().wide() ? " " + SectionOutput.WIDE_MARK : "")).toList());
    }

    /** Working set → ns/page per pivot row (null where that working set was not measured). */
    private static List<Series> nanosPerWorkingSet(Table pivot) {
        List<Series> series = new ArrayList<>();
        for (String name : pivot.columnNames()) {
            if (!name.endsWith(" " + NS_PER_PAGE)) continue;
            DoubleColumn column = pivot.doubleColumn(name);
            List<Double> values = new ArrayList<>();
            for (int r = 0; r < column.size(); r++) values.add(column.isMissing(r) ? null : column.getDouble(r));
            series.add(Series.bars(name.substring(0, name.length() - NS_PER_PAGE.length() - 1), values));
        }
        return series;
    }
}
