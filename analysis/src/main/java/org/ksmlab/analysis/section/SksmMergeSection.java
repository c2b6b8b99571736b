package org.ksmlab.analysis.section;

import static org.ksmlab.analysis.section.Macro.MIX;
import static org.ksmlab.analysis.section.Macro.PAGES;
import static org.ksmlab.analysis.section.Macro.VARIANT;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ksmlab.analysis.Results;
import org.ksmlab.analysis.render.Numbers;
import org.ksmlab.analysis.section.SectionOutput.ReportChart;
import org.ksmlab.analysis.section.SectionOutput.ReportTable;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * SKSM MADV_MERGE throughput, from {@code org.ksmlab.bench.sksm.SksmMergeBenchmark}:
 * {@code madvMerge} (params variant, mix, pages; one op = one madvise(MADV_MERGE) over
 * {@code pages} pages) as pages/s and GB/s (4096 bytes read per page), and as a ratio to
 * {@code xxh64AndCompare} (one xxh64 of a page plus one page compare: the least work a
 * content-based merge of one page can do).
 */
public final class SksmMergeSection implements ReportSection {
    static final String MERGE = "madvMerge";
    static final String BASELINE = "xxh64AndCompare";
    static final String NS_PER_PAGE = "ns/page";
    static final String MPAGES = "M pages/s";
    static final String GBS = "GB/s";
    static final String OF_BASELINE = "× xxh64+compare";

    @Override
    public String id() {
        return "sksm-merge";
    }

    @Override
    public String title() {
        return "SKSM MADV_MERGE throughput";
    }

    @Override
    public String absentNote() {
        return "no " + Macro.SKSM_MERGE + "." + MERGE + " results from " + Macro.SKSM_PACKAGE + " in these runs";
    }

    @Override
    public Optional<SectionOutput> build(Results results) {
        Table points = Points.of(results.longTable(), Macro.SKSM_PACKAGE, Macro.SKSM_MERGE, MERGE);
        if (points.isEmpty()) return Optional.empty();
        Table base = Points.of(results.longTable(), Macro.SKSM_PACKAGE, Macro.SKSM_MERGE, BASELINE);
        double baseNs = base.isEmpty() ? Double.NaN : base.doubleColumn(Points.WALL_NS).mean();
        List<String> others = Points.otherParams(points, List.of(VARIANT, MIX, PAGES));

        List<Integer> order = new ArrayList<>();
        for (int r = 0; r < points.rowCount(); r++) order.add(r);
        List<String> mixes = Points.distinct(points, MIX);
        Comparator<Integer> byMix = Comparator.comparingInt(r -> mixes.indexOf(Points.param(points, MIX, r)));
        order.sort(byMix.thenComparing((a, b) -> Points.NUMERIC.compare(Points.param(points, PAGES, a), Points.param(points, PAGES, b)))
                .thenComparing(r -> Points.label(points, r, List.of(VARIANT, MIX, PAGES)))
                .thenComparing(r -> Points.param(points, VARIANT, r), Points.knownFirst(List.of("static", "resizable", "aged"))));

        StringColumn variant = StringColumn.create(VARIANT);
        StringColumn mix = StringColumn.create(MIX);
        StringColumn pages = StringColumn.create(PAGES);
        List<StringColumn> keys = others.stream().map(StringColumn::create).toList();
        DoubleColumn nsPerPage = DoubleColumn.create(NS_PER_PAGE);
        DoubleColumn mpages = DoubleColumn.create(MPAGES);
        DoubleColumn gbs = DoubleColumn.create(GBS);
        DoubleColumn ratio = DoubleColumn.create(OF_BASELINE);
        Map<String, Map<String, Double>> chart = new LinkedHashMap<>();
        List<String> categories = new ArrayList<>();
        for (int r : order) {
            double n = Points.parse(Points.param(points, PAGES, r));
            if (Double.isNaN(n)) n = 1;
            double ns = Points.get(points, Points.WALL_NS, r) / n;
            variant.append(Points.param(points, VARIANT, r));
            mix.append(Points.param(points, MIX, r));
            pages.append(Points.param(points, PAGES, r));
            for (StringColumn k : keys) k.append(points.stringColumn(k.name()).get(r));
            nsPerPage.append(ns);
            mpages.append(1e3 / ns);
            gbs.append(Macro.PAGE_BYTES / ns);
            ratio.append(baseNs / ns);
            String category = Points.label(points, r, List.of(VARIANT));
            if (!categories.contains(category)) categories.add(category);
            chart.computeIfAbsent(Points.param(points, VARIANT, r), v -> new LinkedHashMap<>()).put(category, 1e3 / ns);
        }
        Table t = Table.create("sksm-merge", variant, mix, pages);
        keys.forEach(t::addColumns);
        t.addColumns(nsPerPage, mpages, gbs);
        if (!Double.isNaN(baseNs)) {
            t.addColumns(ratio);
            chart.put("baseline: xxh64 + compare", categories.stream().collect(LinkedHashMap::new,
                    (m, c) -> m.put(c, 1e3 / baseNs), Map::putAll));
        }
        Map<String, List<Double>> series = new LinkedHashMap<>();
        chart.forEach((v, byCategory) -> series.put(v.isEmpty() ? "madvMerge" : v, categories.stream().map(byCategory::get).toList()));
        List<String> prose = new ArrayList<>();
        prose.add("SKSM merges synchronously inside madvise(MADV_MERGE): one call hashes every page of the range,"
                + " looks it up in the checksum table and compares it with the candidate. ns/page = the call's time"
                + " (" + Macro.SKSM_MERGE + "." + MERGE + ") ÷ pages; GB/s counts each page's 4096 bytes read once.");
        prose.add(Double.isNaN(baseNs) ? "No " + BASELINE + " baseline in these results, so no ratio."
                : "Baseline: " + BASELINE + " (one xxh64 of a page plus one page compare) takes " + Numbers.sig3(baseNs)
                + " ns, " + Numbers.sig3(1e3 / baseNs) + " M pages/s; the last column is madvMerge's pages/s divided"
                + " by it (1.00 = merging costs no more than hashing and comparing each page once).");
        List<ReportChart> charts = List.of(new ReportChart("sksm-merge",
                "MADV_MERGE throughput (M pages/s) per SKSM variant, mix and page count, with the xxh64 + compare baseline",
                Charts.groupedBars("SKSM MADV_MERGE throughput per variant (higher is better)",
                        "workload mix and range size", "million pages merged per second", categories, series)));
        return Optional.of(new SectionOutput(prose,
                List.of(new ReportTable("sksm-merge", "MADV_MERGE throughput per variant, mix and pages", t, false)), charts));
    }
}
