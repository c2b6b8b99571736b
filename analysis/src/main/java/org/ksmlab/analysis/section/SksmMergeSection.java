package org.ksmlab.analysis.section;

import static org.ksmlab.analysis.input.Benchmarks.MIX;
import static org.ksmlab.analysis.input.Benchmarks.PAGES;
import static org.ksmlab.analysis.input.Benchmarks.VARIANT;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ksmlab.analysis.input.Benchmarks;
import org.ksmlab.analysis.input.Results;
import org.ksmlab.analysis.section.SectionOutput.ChartSpec;
import org.ksmlab.analysis.section.SectionOutput.ReportTable;
import org.ksmlab.analysis.section.SectionOutput.Series;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * How fast the model's SKSM MADV_MERGE runs (Java, wall time), from {@code SksmMergeBenchmark}:
 * {@code madvMerge} (params variant, mix, pages; one op = one madvise(MADV_MERGE) over
 * {@code pages} pages of the model) as ns per page, pages/s and GB/s (4096 bytes read per
 * page), against the baseline {@code xxh64AndCompare} (one xxh64 of a page plus one page
 * compare: the least work a content-based merge of one page can do).
 */
public final class SksmMergeSection implements ReportSection {
    static final String NS_PER_PAGE = "ns/page";
    static final String MPAGES = "M pages/s";
    static final String GBS = "GB/s";
    static final String OF_BASELINE = "× xxh64+compare";
    static final int PAGE_BYTES = 4096;

    private static final Benchmarks.Benchmark BENCHMARK = Benchmarks.SKSM_MERGE;
    static final String MERGE = BENCHMARK.methods().get(0);
    static final String BASELINE = BENCHMARK.methods().get(1);

    /**
     * The merger ({@code --algo} name) a variant stands for, so tables and charts name mergers
     * alike: the benchmark's enum constant in lower case with '-' for '_' (SKSM_RESIZABLE →
     * sksm-resizable).
     */
    static String algo(String variant) {
        return variant.toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    @Override
    public String id() {
        return "sksm-merge";
    }

    @Override
    public String title() {
        return "SKSM MADV_MERGE in the model: simulator throughput";
    }

    @Override
    public Part part() {
        return Part.SIMULATOR;
    }

    @Override
    public String absentNote() {
        return "no " + BENCHMARK.simpleName() + "." + MERGE + " results in these runs";
    }

    @Override
    public Optional<SectionOutput> build(Results results) {
        Table points = Points.of(results.longTable(), BENCHMARK, MERGE);
        if (points.isEmpty()) return Optional.empty();
        Table base = Points.of(results.longTable(), BENCHMARK, BASELINE);
        Statistics.Interval baseNs = base.isEmpty() ? null : Points.wall(base, 0);
        List<String> others = Points.otherParams(points, List.of(VARIANT, MIX, PAGES)).stream()
                .filter(p -> Points.distinct(points, p).size() > 1).toList();

        List<Integer> order = new ArrayList<>();
        for (int r = 0; r < points.rowCount(); r++) order.add(r);
        List<String> mixes = Points.distinct(points, MIX);
        Comparator<Integer> byMix = Comparator.comparingInt(r -> mixes.indexOf(Points.param(points, MIX, r)));
        order.sort(byMix.thenComparing((a, b) -> Points.NUMERIC.compare(Points.param(points, PAGES, a), Points.param(points, PAGES, b)))
                .thenComparing(r -> Points.label(points, r, List.of(VARIANT, MIX, PAGES)))
                .thenComparing(r -> algo(Points.param(points, VARIANT, r)), Mergers.IN_REPORT_ORDER));

        StringColumn variant = StringColumn.create(Benchmarks.ALGO);
        StringColumn mix = StringColumn.create(MIX);
        StringColumn pages = StringColumn.create(PAGES);
        List<StringColumn> keys = others.stream().map(StringColumn::create).toList();
        DoubleColumn nsPerPage = DoubleColumn.create(NS_PER_PAGE);
        DoubleColumn nsLow = DoubleColumn.create(NS_PER_PAGE + SectionOutput.LOW_SUFFIX);
        DoubleColumn nsHigh = DoubleColumn.create(NS_PER_PAGE + SectionOutput.HIGH_SUFFIX);
        IntColumn n = IntColumn.create(Points.N);
        DoubleColumn mpages = DoubleColumn.create(MPAGES);
        DoubleColumn gbs = DoubleColumn.create(GBS);
        DoubleColumn ratio = DoubleColumn.create(OF_BASELINE);
        Map<String, Map<String, Double>> chart = new LinkedHashMap<>();
        List<String> categories = new ArrayList<>();
        for (int r : order) {
            double size = Points.parse(Points.param(points, PAGES, r));
            if (Double.isNaN(size)) size = 1;
            Statistics.Interval wall = Points.wall(points, r);
            Statistics.Interval ns = wall == null ? null : wall.dividedBy(size);
            double median = ns == null ? Double.NaN : ns.median();
            variant.append(algo(Points.param(points, VARIANT, r)));
            mix.append(Points.param(points, MIX, r));
            pages.append(Points.param(points, PAGES, r));
            for (StringColumn k : keys) k.append(points.stringColumn(k.name()).get(r));
            nsPerPage.append(median);
            nsLow.append(ns == null ? Double.NaN : ns.low());
            nsHigh.append(ns == null ? Double.NaN : ns.high());
            n.append(ns == null ? 0 : ns.n());
            mpages.append(1e3 / median);
            gbs.append(PAGE_BYTES / median);
            ratio.append(baseNs == null ? Double.NaN : baseNs.median() / median);
            String category = Points.label(points, r, List.of(VARIANT));
            if (!categories.contains(category)) categories.add(category);
            chart.computeIfAbsent(algo(Points.param(points, VARIANT, r)), v -> new LinkedHashMap<>()).put(category, 1e3 / median);
        }
        Table t = Table.create("sksm-merge", variant, mix, pages);
        keys.forEach(t::addColumns);
        t.addColumns(nsPerPage, nsLow, nsHigh, n, mpages, gbs);
        List<Series> series = new ArrayList<>();
        chart.forEach((v, byCategory) -> series.add(Series.bars(v.isEmpty() ? MERGE : v,
                categories.stream().map(byCategory::get).toList())));
        if (baseNs != null) {
            t.addColumns(ratio);
            series.add(Series.bars("baseline: xxh64 + compare", categories.stream().map(c -> 1e3 / baseNs.median()).toList()));
        }
        List<String> prose = new ArrayList<>();
        prose.add("In SKSM, madvise(MADV_MERGE) merges synchronously: one call hashes every page of the range, looks it up"
                + " in the checksum table and compares it with the candidate. This measures the model's Java code doing"
                + " that on this machine (" + BENCHMARK.simpleName() + "." + MERGE + "), not the kernel: ns/page = the"
                + " call's wall time ÷ pages (median of n calls); GB/s counts each page's 4096 bytes read once.");
        prose.add(baseNs == null ? "No " + BASELINE + " baseline in these results, so no ratio."
                : "Baseline: " + BASELINE + " (one xxh64 of a page plus one page compare, the least work a content-based"
                + " merge of a page can do) takes " + Numbers.sig3(baseNs.median()) + " ns, " + Numbers.sig3(1e3 / baseNs.median())
                + " M pages/s" + (baseNs.wide() ? " " + SectionOutput.WIDE_MARK + " (its interval is wide)" : "")
                + "; the last column divides it by madvMerge's ns/page (1.00 = merging costs no more than hashing and"
                + " comparing each page once). No C reference was measured.");
        ChartSpec bars = ChartSpec.bars("sksm-merge",
                "Model MADV_MERGE throughput (M pages/s) per SKSM merger, mix and page count, with the xxh64 + compare baseline",
                "Model's SKSM MADV_MERGE throughput per merger (simulator, wall time)",
                "workload mix and range size", "million pages per second (higher is faster)", categories, series);
        return Optional.of(new SectionOutput(prose,
                List.of(new ReportTable("sksm-merge", "Model MADV_MERGE throughput per SKSM merger (benchmark variant), mix and pages"
                        + " (median [interval], n calls)", t)),
                bars.drawable() ? List.of(bars) : List.of()));
    }
}
