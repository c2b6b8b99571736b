package org.ksmlab.analysis.section;

import static org.ksmlab.analysis.section.Macro.ALGO;
import static org.ksmlab.analysis.section.Macro.MIX;
import static org.ksmlab.analysis.section.Macro.PAGES;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ksmlab.analysis.Results;
import org.ksmlab.analysis.section.SectionOutput.ReportChart;
import org.ksmlab.analysis.section.SectionOutput.ReportTable;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Algorithm comparison per workload mix, from {@code MergerComparisonBenchmark.converge}
 * (params algo, mix, pages): for each mix, at its largest page count, one row per merger with
 * the final saving, the virtual time to 90 % of it, the modelled CPU, COW faults after merge,
 * the tracking overhead and the net profit. The first mix's saving, time and CPU is the report's
 * headline.
 */
public final class AlgorithmComparisonSection implements ReportSection {
    static final String SAVED = "pages saved";
    static final String SAVED_PCT = "saved %";
    static final String TO_90_S = "to 90 % (virtual s)";
    static final String CPU_PCT = "CPU %";
    static final String CPU_MS = "CPU ms";
    static final String COW = "COW after merge";
    static final String TRACKING_MIB = "tracking MiB";
    static final String NET_MIB = "net profit MiB";

    @Override
    public String id() {
        return "algorithms";
    }

    @Override
    public String title() {
        return "Algorithm comparison per workload mix";
    }

    @Override
    public String absentNote() {
        return "no " + Macro.COMPARISON + ".converge results from " + Macro.PACKAGE + " in these runs";
    }

    @Override
    public Optional<SectionOutput> build(Results results) {
        Table points = Points.of(results.longTable(), Macro.PACKAGE, Macro.COMPARISON, Macro.CONVERGE);
        if (points.isEmpty()) return Optional.empty();
        List<String> others = Points.otherParams(points, List.of(ALGO, MIX, PAGES));
        List<ReportTable> tables = new ArrayList<>();
        List<String> mixes = Points.distinct(points, MIX);
        Map<String, Map<String, Double>> savedPct = new LinkedHashMap<>();
        Map<String, Map<String, Double>> cpu = new LinkedHashMap<>();
        boolean allPct = true;
        for (String mix : mixes) {
            Table ofMix = points.containsColumn(MIX) ? points.where(points.stringColumn(MIX).isEqualTo(mix)) : points;
            String pages = largest(ofMix);
            Table rows = points.containsColumn(PAGES) ? ofMix.where(ofMix.stringColumn(PAGES).isEqualTo(pages)) : ofMix;
            Table t = comparison(rows, others, "algorithms-" + Charts.slug(mix));
            String where = (mix.isEmpty() ? "" : "mix " + mix) + (pages.isEmpty() ? "" : ", " + pages + " pages");
            if (tables.isEmpty()) {
                Table headline = t.selectColumns(headlineColumns(t)).copy();
                headline.setName("headline");
                tables.add(new ReportTable("headline", "Headline: mergers on " + where
                        + " (saving, virtual time to 90 % of it, modelled CPU)", headline, true));
            }
            tables.add(new ReportTable(t.name(), "Mergers on " + where, t, false));
            for (int r = 0; r < t.rowCount(); r++) {
                String algo = t.stringColumn(ALGO).get(r);
                double pct = t.containsColumn(SAVED_PCT) ? t.doubleColumn(SAVED_PCT).getDouble(r) : Double.NaN;
                allPct &= !Double.isNaN(pct);
                savedPct.computeIfAbsent(algo, a -> new LinkedHashMap<>()).put(mix, t.containsColumn(SAVED_PCT) && !Double.isNaN(pct)
                        ? pct : t.longColumn(SAVED).getDouble(r));
                cpu.computeIfAbsent(algo, a -> new LinkedHashMap<>()).put(mix, t.doubleColumn(CPU_PCT).getDouble(r));
            }
        }
        List<String> prose = new ArrayList<>();
        prose.add("Each merger converging on the same workload mix in the model (" + Macro.COMPARISON
                + ", SingleShotTime: one run per measurement, its model counters reported through @AuxCounters)."
                + " Per mix the largest page count measured is shown (the scaling section covers the others)."
                + " Pages saved: pages no longer backed by a frame of their own at the end; saved %: of the mix's pages."
                + " To 90 %: virtual seconds until 90 % of the final saving. CPU %: the model's CPU cost over the"
                + " virtual run, % of one CPU; it divides by each run's own duration (SKSM finishes within its"
                + " madvise calls, ksm takes several passes), so compare mergers by CPU ms, the total. COW after merge: write faults that broke a merged page. Tracking:"
                + " the merger's own memory (rmap items, tree nodes, checksum tables). Net profit: bytes saved minus"
                + " tracking, as general_profit. Several result files for one point are averaged.");
        if (!others.isEmpty()) {
            prose.add("Other parameters (" + String.join(", ", others) + ") are shown as columns.");
        }
        List<String> categories = mixes.stream().map(m -> m.isEmpty() ? "(one mix)" : m).toList();
        String savedAxis = allPct ? "pages saved, % of the mix's pages (higher is better)" : "pages saved (higher is better)";
        List<ReportChart> charts = List.of(
                new ReportChart("algorithms-saving", "Pages saved per merger and workload mix",
                        Charts.groupedBars("Pages saved at the end of the run, per merger and workload mix",
                                "workload mix", savedAxis, categories, bySeries(savedPct, mixes))),
                new ReportChart("algorithms-cpu", "Modelled CPU % per merger and workload mix",
                        Charts.groupedBars("Modelled merger CPU, % of one CPU, per merger and workload mix",
                                "workload mix", "CPU % of one CPU (lower is better)", categories, bySeries(cpu, mixes))));
        return Optional.of(new SectionOutput(prose, tables, charts));
    }

    /** Series (algo) → one value per mix, null where that merger was not run on that mix. */
    private static Map<String, List<Double>> bySeries(Map<String, Map<String, Double>> values, List<String> mixes) {
        Map<String, List<Double>> series = new LinkedHashMap<>();
        values.forEach((algo, byMix) -> series.put(algo, mixes.stream().map(byMix::get).toList()));
        return series;
    }

    private static String[] headlineColumns(Table t) {
        List<String> names = new ArrayList<>(List.of(ALGO, SAVED));
        if (t.containsColumn(SAVED_PCT)) names.add(SAVED_PCT);
        names.addAll(List.of(TO_90_S, CPU_PCT));
        if (t.containsColumn(CPU_MS)) names.add(CPU_MS);
        return names.toArray(String[]::new);
    }

    /** The largest value of the pages param among these points ("" when it is not a param). */
    static String largest(Table points) {
        return Points.distinct(points, PAGES).stream().max(Points.NUMERIC).orElse("");
    }

    /** One row per algo (report order), the comparison columns. */
    static Table comparison(Table rows, List<String> others, String name) {
        Table sorted = rows.copy();
        List<String> order = Points.distinct(rows, ALGO).stream().sorted(Points.knownFirst(Macro.ALGO_ORDER)).toList();
        StringColumn algo = StringColumn.create(ALGO);
        List<StringColumn> otherColumns = others.stream().map(StringColumn::create).toList();
        LongColumn saved = LongColumn.create(SAVED);
        DoubleColumn pct = DoubleColumn.create(SAVED_PCT);
        DoubleColumn to90 = DoubleColumn.create(TO_90_S);
        DoubleColumn cpu = DoubleColumn.create(CPU_PCT);
        DoubleColumn cpuMs = DoubleColumn.create(CPU_MS);
        LongColumn cow = LongColumn.create(COW);
        DoubleColumn tracking = DoubleColumn.create(TRACKING_MIB);
        DoubleColumn net = DoubleColumn.create(NET_MIB);
        for (String a : order) {
            for (int r = 0; r < sorted.rowCount(); r++) {
                if (!Points.param(sorted, ALGO, r).equals(a)) continue;
                algo.append(a);
                for (StringColumn o : otherColumns) o.append(sorted.stringColumn(o.name()).get(r));
                double s = Points.get(sorted, Macro.PAGES_SAVED, r);
                appendRounded(saved, s);
                pct.append(100 * s / Points.parse(Points.param(sorted, PAGES, r)));
                to90.append(Points.get(sorted, Macro.TO_90, r) / 1000);
                cpu.append(Points.get(sorted, Macro.CPU_PERMILLE, r) / 10);
                cpuMs.append(Points.get(sorted, Macro.CPU_NS, r) / 1e6);
                appendRounded(cow, Points.get(sorted, Macro.COW_AFTER_MERGE, r));
                tracking.append(Points.get(sorted, Macro.TRACKING_BYTES, r) / Macro.MIB);
                net.append(Points.get(sorted, Macro.NET_PROFIT_BYTES, r) / Macro.MIB);
            }
        }
        Table t = Table.create(name, algo);
        otherColumns.forEach(t::addColumns);
        t.addColumns(saved);
        if (pct.countMissing() < pct.size()) t.addColumns(pct);
        t.addColumns(to90, cpu);
        if (cpuMs.countMissing() < cpuMs.size()) t.addColumns(cpuMs);
        t.addColumns(cow, tracking, net);
        return t;
    }

    /** Counts are shown exactly: a mean over several runs is rounded to the nearest integer. */
    static void appendRounded(LongColumn c, double v) {
        if (Double.isNaN(v)) c.appendMissing();
        else c.append(Math.round(v));
    }
}
