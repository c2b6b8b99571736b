package org.ksmlab.analysis.section;

import static org.ksmlab.analysis.input.Benchmarks.ALGO;
import static org.ksmlab.analysis.input.Benchmarks.MIX;
import static org.ksmlab.analysis.input.Benchmarks.PAGES;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ksmlab.analysis.input.Benchmarks;
import org.ksmlab.analysis.input.Results;
import org.ksmlab.analysis.section.SectionOutput.ChartSpec;
import org.ksmlab.analysis.section.SectionOutput.Headline;
import org.ksmlab.analysis.section.SectionOutput.ReportTable;
import org.ksmlab.analysis.section.SectionOutput.Series;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * The mergers compared on each workload mix, from {@code MergerComparisonBenchmark.converge}
 * (params algo, mix, pages; its model counters): the report's headline.
 *
 * <p>For each mix, at its largest page count, every merger ran the same workload for the same
 * virtual horizon (engine {@code sim.Horizon}: every merger until stable, the latest stop rounded
 * up to a whole second). The headline gives one generated sentence per mix
 * ({@link ComparisonSentence}) and one table with, per mix and merger: pages saved at the
 * horizon and averaged over it, the time to 90 % of the saving counted from the opt-in, the
 * modelled CPU in total and per page saved, and the COW faults on merged pages. This section's
 * own tables hold the rest (time to 50 and 99 %, CPU % of the horizon, tracking memory, net
 * profit, full scans), so no column appears twice.
 */
public final class AlgorithmComparisonSection implements ReportSection {
    static final String HORIZON_S = "horizon (s)";
    static final String SAVED = "saved at horizon";
    static final String SAVED_PCT = "saved %";
    static final String SAVED_AVG = "avg saved (time-weighted)";
    static final String TO_90_S = "to 90 % (s from opt-in)";
    static final String CPU_MS = "CPU ms";
    static final String CPU_US_PER_PAGE = "CPU µs per page saved";
    static final String COW = "COW after merge";
    static final String TO_50_S = "to 50 % (s from opt-in)";
    static final String TO_99_S = "to 99 % (s from opt-in)";
    static final String CPU_PCT = "CPU % of horizon";
    static final String TRACKING_MIB = "tracking MiB";
    static final String NET_MIB = "net profit MiB";
    static final String FULL_SCANS = "full scans";
    static final String OPT_IN_S = "opt-in (s)";

    private static final Benchmarks.Benchmark BENCHMARK = Benchmarks.MERGER_COMPARISON;

    @Override
    public String id() {
        return "algorithms";
    }

    @Override
    public String title() {
        return "Mergers compared per workload mix";
    }

    @Override
    public Part part() {
        return Part.MODEL;
    }

    @Override
    public String absentNote() {
        return "no " + BENCHMARK.simpleName() + "." + BENCHMARK.method() + " results in these runs";
    }

    @Override
    public Optional<SectionOutput> build(Results results) {
        Table points = Points.of(results.longTable(), BENCHMARK, BENCHMARK.method());
        if (points.isEmpty()) return Optional.empty();
        List<String> mixes = Points.distinct(points, MIX);
        List<String> varyingOthers = Points.otherParams(points, List.of(ALGO, MIX, PAGES)).stream()
                .filter(p -> Points.distinct(points, p).size() > 1).toList();
        List<String> constantOthers = Points.otherParams(points, List.of(ALGO, MIX, PAGES)).stream()
                .filter(p -> !varyingOthers.contains(p)).map(p -> p + "=" + points.stringColumn(p).get(0)).toList();
        boolean onHorizon = Points.has(points, Benchmarks.VIRTUAL_MS);

        Table headline = null;
        List<ReportTable> tables = new ArrayList<>();
        List<String> sentences = new ArrayList<>();
        Map<String, Map<String, Double>> savedPct = new LinkedHashMap<>();
        Map<String, Map<String, Double>> cpuMs = new LinkedHashMap<>();
        boolean varies = false;
        for (String mix : mixes) {
            Table ofMix = points.containsColumn(MIX) ? points.where(points.stringColumn(MIX).isEqualTo(mix)) : points;
            String pages = Points.distinct(ofMix, PAGES).stream().max(Points.NUMERIC).orElse("");
            Table rows = ofMix.containsColumn(PAGES) ? ofMix.where(ofMix.stringColumn(PAGES).isEqualTo(pages)) : ofMix;
            rows = sorted(rows);
            varies |= rows.doubleColumn(Points.COUNTERS_VARY).sum() > 0;
            Table main = headlineRows(rows, mix, pages, varyingOthers);
            headline = headline == null ? main : headline.append(main);
            sentences.add(ComparisonSentence.of(mix.isEmpty() ? "the mix" : mix, pages, rows));
            Table detail = detailRows(rows, varyingOthers, "algorithms-" + slug(mix));
            tables.add(new ReportTable(detail.name(), "Mergers on " + (mix.isEmpty() ? "the mix" : mix)
                    + (pages.isEmpty() ? "" : ", " + pages + " pages") + ": the rest of the comparison", detail));
            for (int r = 0; r < rows.rowCount(); r++) {
                String algo = Points.param(rows, ALGO, r);
                savedPct.computeIfAbsent(algo, a -> new LinkedHashMap<>())
                        .put(mix, 100 * Points.get(rows, Benchmarks.PAGES_SAVED, r) / Points.parse(pages));
                cpuMs.computeIfAbsent(algo, a -> new LinkedHashMap<>()).put(mix, Points.get(rows, Benchmarks.CPU_NS, r) / 1e6);
            }
        }
        headline.setName("headline");
        List<String> prose = new ArrayList<>();
        prose.add("Every merger runs the same workload mix in the model (" + BENCHMARK.simpleName()
                + ", one simulation per JMH iteration; its model counters reported through @AuxCounters). Per mix the"
                + " largest page count measured is shown. " + (onHorizon
                ? "Equal footing: every merger of a mix runs for the same virtual horizon, the latest point at which any"
                + " merger's run becomes stable (its counters unchanged through a firing of every periodic writer of the"
                + " workload), rounded up to a whole second; so the workload's periodic rewrites, and the COW faults they"
                + " cause on merged pages, fall inside every merger's run."
                : "These results are from before the equal-horizon rule: each merger stopped at its own until-stable"
                + " point, so the mergers are NOT compared over the same stretch of the workload.")
                + " Saved: pages no longer backed by a frame of their own, at the horizon and as the time-weighted average"
                + " from opt-in to the horizon; saved %: of the mix's pages. Times count from the moment the workload"
                + " offered its memory for merging (opt-in), not from t = 0. CPU: the merger's modelled CPU, in total over"
                + " the horizon and per page saved at it (CPU % divides by the run's length; on one horizon it ranks the"
                + " mergers as the total does). COW after merge: write faults that copied a merged page. Tracking: the"
                + " merger's own memory (rmap items, tree nodes, checksum tables). Net profit: bytes saved minus tracking,"
                + " as general_profit. The headline table at the top holds saving, time, CPU and COW; the tables here"
                + " hold the rest.");
        if (!constantOthers.isEmpty()) prose.add("All runs: " + String.join(", ", constantOthers) + ".");
        if (varies) {
            prose.add(SectionOutput.WIDE_MARK + " Some model counters differed between iterations of one point: the"
                    + " model should be deterministic; the values shown are their means.");
        }
        List<String> categories = mixes.stream().map(m -> m.isEmpty() ? "(one mix)" : m).toList();
        List<ChartSpec> charts = new ArrayList<>();
        charts.add(ChartSpec.bars("algorithms-saving", "Pages saved at the horizon, % of the mix's pages, per merger and mix",
                "Pages saved at the horizon, per merger and workload mix", "workload mix",
                "pages saved, % of the mix's pages (higher is better)", categories, series(savedPct, mixes)));
        if (Points.has(points, Benchmarks.CPU_NS)) {
            charts.add(ChartSpec.bars("algorithms-cpu", "Modelled merger CPU over the horizon (ms), per merger and mix",
                    "Modelled merger CPU over the horizon, per merger and workload mix", "workload mix",
                    "modelled CPU, ms (lower is better)", categories, series(cpuMs, mixes)));
        }
        ReportTable headlineTable = new ReportTable("headline", "Headline: mergers per workload mix"
                + (onHorizon ? ", on an equal virtual horizon" : "") + " (model, virtual time)", headline);
        return Optional.of(new SectionOutput(prose, tables, charts, new Headline(sentences, headlineTable)));
    }

    /** Series (merger) → one value per mix, null where that merger did not run on that mix. */
    private static List<Series> series(Map<String, Map<String, Double>> values, List<String> mixes) {
        List<Series> series = new ArrayList<>();
        values.forEach((algo, byMix) -> series.add(Series.bars(algo, mixes.stream().map(byMix::get).toList())));
        return series;
    }

    /** The rows in report order of the mergers. */
    static Table sorted(Table rows) {
        List<Integer> order = new ArrayList<>();
        for (int r = 0; r < rows.rowCount(); r++) order.add(r);
        order.sort((a, b) -> Mergers.IN_REPORT_ORDER.compare(Points.param(rows, ALGO, a), Points.param(rows, ALGO, b)));
        Table out = rows.emptyCopy();
        for (int r : order) out.addRow(r, rows);
        return out;
    }

    /** The headline columns of one mix; counters absent from older results leave their column out. */
    private static Table headlineRows(Table rows, String mix, String pages, List<String> others) {
        StringColumn mixColumn = StringColumn.create(MIX);
        StringColumn algo = StringColumn.create(ALGO);
        List<StringColumn> otherColumns = others.stream().map(StringColumn::create).toList();
        DoubleColumn horizon = DoubleColumn.create(HORIZON_S);
        LongColumn saved = LongColumn.create(SAVED);
        DoubleColumn pct = DoubleColumn.create(SAVED_PCT);
        LongColumn avg = LongColumn.create(SAVED_AVG);
        DoubleColumn to90 = DoubleColumn.create(TO_90_S);
        DoubleColumn cpu = DoubleColumn.create(CPU_MS);
        DoubleColumn cpuPerPage = DoubleColumn.create(CPU_US_PER_PAGE);
        LongColumn cow = LongColumn.create(COW);
        for (int r = 0; r < rows.rowCount(); r++) {
            mixColumn.append(mix);
            algo.append(Points.param(rows, ALGO, r));
            for (StringColumn o : otherColumns) o.append(rows.stringColumn(o.name()).get(r));
            double s = Points.get(rows, Benchmarks.PAGES_SAVED, r);
            horizon.append(Points.get(rows, Benchmarks.VIRTUAL_MS, r) / 1000);
            appendRounded(saved, s);
            pct.append(100 * s / Points.parse(pages));
            appendRounded(avg, Points.get(rows, Benchmarks.SAVED_AVG_PAGES, r));
            to90.append(Points.get(rows, Benchmarks.TO_90, r) / 1000);
            double ns = Points.get(rows, Benchmarks.CPU_NS, r);
            cpu.append(ns / 1e6);
            cpuPerPage.append(s > 0 ? ns / 1e3 / s : Double.NaN);
            appendRounded(cow, Points.get(rows, Benchmarks.COW_AFTER_MERGE, r));
        }
        Table t = Table.create("headline", mixColumn, algo);
        otherColumns.forEach(t::addColumns);
        if (Points.has(rows, Benchmarks.VIRTUAL_MS)) t.addColumns(horizon);
        t.addColumns(saved);
        if (pct.countMissing() < pct.size()) t.addColumns(pct);
        if (Points.has(rows, Benchmarks.SAVED_AVG_PAGES)) t.addColumns(avg);
        t.addColumns(to90);
        if (Points.has(rows, Benchmarks.CPU_NS)) t.addColumns(cpu, cpuPerPage);
        t.addColumns(cow);
        return t;
    }

    /** The columns the headline does not have. */
    private static Table detailRows(Table rows, List<String> others, String name) {
        StringColumn algo = StringColumn.create(ALGO);
        List<StringColumn> otherColumns = others.stream().map(StringColumn::create).toList();
        DoubleColumn optIn = DoubleColumn.create(OPT_IN_S);
        DoubleColumn to50 = DoubleColumn.create(TO_50_S);
        DoubleColumn to99 = DoubleColumn.create(TO_99_S);
        DoubleColumn cpuPct = DoubleColumn.create(CPU_PCT);
        DoubleColumn tracking = DoubleColumn.create(TRACKING_MIB);
        DoubleColumn net = DoubleColumn.create(NET_MIB);
        LongColumn scans = LongColumn.create(FULL_SCANS);
        for (int r = 0; r < rows.rowCount(); r++) {
            algo.append(Points.param(rows, ALGO, r));
            for (StringColumn o : otherColumns) o.append(rows.stringColumn(o.name()).get(r));
            optIn.append(Points.get(rows, Benchmarks.OPT_IN_MS, r) / 1000);
            to50.append(Points.get(rows, Benchmarks.TO_50, r) / 1000);
            to99.append(Points.get(rows, Benchmarks.TO_99, r) / 1000);
            cpuPct.append(Points.get(rows, Benchmarks.CPU_PERMILLE, r) / 10);
            tracking.append(Points.get(rows, Benchmarks.TRACKING_BYTES, r) / MIB);
            net.append(Points.get(rows, Benchmarks.NET_PROFIT_BYTES, r) / MIB);
            appendRounded(scans, Points.get(rows, Benchmarks.FULL_SCANS, r));
        }
        Table t = Table.create(name, algo);
        otherColumns.forEach(t::addColumns);
        if (Points.has(rows, Benchmarks.OPT_IN_MS)) t.addColumns(optIn);
        t.addColumns(to50, to99, cpuPct, tracking, net, scans);
        return t;
    }

    static final double MIB = 1 << 20;

    /** Counts are shown exactly: a mean over several runs is rounded to the nearest integer. */
    static void appendRounded(LongColumn c, double v) {
        if (Double.isNaN(v)) c.appendMissing();
        else c.append(Math.round(v));
    }

    /** A file-name-safe form of a parameter value: "vm-fleet", "mix-a_b". */
    static String slug(String s) {
        String slug = s.toLowerCase().replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
        return slug.isEmpty() ? "x" : slug;
    }
}
