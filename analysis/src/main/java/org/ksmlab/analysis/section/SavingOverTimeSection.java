package org.ksmlab.analysis.section;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.ksmlab.analysis.input.Benchmarks;
import org.ksmlab.analysis.input.Results;
import org.ksmlab.analysis.input.SimulationSeries;
import org.ksmlab.analysis.section.SectionOutput.ChartSpec;
import org.ksmlab.analysis.section.SectionOutput.ReportTable;
import org.ksmlab.analysis.section.SectionOutput.Series;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Saving over virtual time per merger, from {@code series/<mix>__<algo>.json} (one
 * {@code simulate --json} each; the main job writes them for the comparison's points, run to
 * the same horizon): pages saved at each sample, one line per merger, one chart per mix and
 * workload, time counted from the workload's opt-in.
 *
 * <p>Pages saved at t = anonymous pages without merging at t − anonymous pages with this merger
 * at t. "Without merging" is the {@code none} series of the same workload (its last sample at
 * or before t) when there is one: that is right also when the workload itself adds pages over
 * time (code patching breaks COW) or a merger merges before the first sample (SKSM's synchronous
 * MADV_MERGE). Without a {@code none} series it is the first sample's anonymous pages, which
 * undercounts in those two cases; the summary says which baseline each line used.
 *
 * <p>Several series of one workload and merger (results folders merged) are one point of the
 * comparison: their saving is averaged at every sample time of any of them (each a step
 * function), so the chart keeps one line, one name and one colour per merger.
 */
public final class SavingOverTimeSection implements ReportSection {
    static final String NONE = Mergers.NONE;
    static final String MIX = "mix";
    static final String WORKLOAD = "workload";
    static final String ALGO = "algo";
    static final String RUNS = "runs";
    static final String SAMPLES = "samples";
    static final String END_S = "end (s from opt-in)";
    static final String FINAL_SAVED = "saved at end";
    static final String BASELINE = "baseline";
    static final String FROM_OPT_IN_S = "s from opt-in";
    static final String SAVED = "pages saved";

    @Override
    public String id() {
        return "saving-over-time";
    }

    @Override
    public String title() {
        return "Saving over virtual time per merger";
    }

    @Override
    public Part part() {
        return Part.MODEL;
    }

    @Override
    public String absentNote() {
        return "no simulated time series (series/<mix>__<algo>.json) in these results folders";
    }

    /** The series of one workload of one mix. */
    private record Group(String mix, String workload) {}

    @Override
    public Optional<SectionOutput> build(Results results) {
        if (results.series().isEmpty()) return Optional.empty();
        // Mixes in the order the merger comparison ran them, then the rest as the files sort.
        Benchmarks.Benchmark comparison = Benchmarks.MERGER_COMPARISON;
        Table compared = Points.of(results.longTable(), comparison, comparison.method());
        List<String> mixOrder = compared.isEmpty() ? List.of() : Points.distinct(compared, Benchmarks.MIX);
        Map<Group, Map<String, List<SimulationSeries>>> groups = new LinkedHashMap<>();
        results.series().stream()
                .sorted(Comparator.comparingInt((SimulationSeries s) -> mixOrder.contains(s.mix()) ? mixOrder.indexOf(s.mix())
                        : mixOrder.size()))
                .forEach(s -> groups.computeIfAbsent(new Group(s.mix(), s.workload()), g -> new LinkedHashMap<>())
                        .computeIfAbsent(s.algo(), a -> new ArrayList<>()).add(s));
        Map<String, Integer> perMix = new LinkedHashMap<>();
        groups.keySet().forEach(g -> perMix.merge(g.mix(), 1, Integer::sum));

        StringColumn mix = StringColumn.create(MIX);
        StringColumn workload = StringColumn.create(WORKLOAD);
        StringColumn algo = StringColumn.create(ALGO);
        IntColumn runs = IntColumn.create(RUNS);
        IntColumn samples = IntColumn.create(SAMPLES);
        DoubleColumn end = DoubleColumn.create(END_S);
        LongColumn finalSaved = LongColumn.create(FINAL_SAVED);
        StringColumn baseline = StringColumn.create(BASELINE);
        StringColumn pMix = StringColumn.create(MIX);
        StringColumn pWorkload = StringColumn.create(WORKLOAD);
        StringColumn pAlgo = StringColumn.create(ALGO);
        DoubleColumn pTime = DoubleColumn.create(FROM_OPT_IN_S);
        DoubleColumn pSaved = DoubleColumn.create(SAVED);
        List<ChartSpec> charts = new ArrayList<>();
        Map<String, Integer> chartNo = new LinkedHashMap<>();
        for (Map.Entry<Group, Map<String, List<SimulationSeries>>> e : groups.entrySet()) {
            Group g = e.getKey();
            List<SimulationSeries> none = e.getValue().getOrDefault(NONE, List.of());
            long optInMs = e.getValue().values().stream().flatMap(List::stream).mapToLong(SimulationSeries::optInMs)
                    .filter(t -> t >= 0).min().orElse(0);
            List<Series> lines = new ArrayList<>();
            for (String a : e.getValue().keySet().stream().sorted(Mergers.IN_REPORT_ORDER).toList()) {
                List<SimulationSeries> ofAlgo = e.getValue().get(a);
                double[] times = times(ofAlgo);
                double[] saved = meanSaved(ofAlgo, none, times);
                List<Double> xs = new ArrayList<>();
                List<Double> ys = new ArrayList<>();
                for (int i = 0; i < times.length; i++) {
                    double x = (times[i] - optInMs) / 1000;
                    pMix.append(g.mix());
                    pWorkload.append(g.workload());
                    pAlgo.append(a);
                    pTime.append(x);
                    pSaved.append(saved[i]);
                    xs.add(x);
                    ys.add(saved[i]);
                }
                mix.append(g.mix());
                workload.append(g.workload());
                algo.append(a);
                runs.append(ofAlgo.size());
                samples.append(times.length);
                end.append((times[times.length - 1] - optInMs) / 1000);
                AlgorithmComparisonSection.appendRounded(finalSaved, saved[saved.length - 1]);
                baseline.append(none.isEmpty() ? "first sample" : "none series");
                lines.add(new Series(a, xs, ys));
            }
            int n = chartNo.merge(g.mix(), 1, Integer::sum);
            String of = g.mix() + (perMix.get(g.mix()) > 1 ? " (" + g.workload() + ")" : "");
            charts.add(ChartSpec.lines("saving-" + AlgorithmComparisonSection.slug(g.mix()) + (perMix.get(g.mix()) > 1 ? "-" + n : ""),
                    "Pages saved over virtual time on mix " + of + ", one line per merger, time from opt-in",
                    "Pages saved over virtual time, mix " + of,
                    "virtual seconds since the workload offered its memory for merging",
                    none.isEmpty() ? "pages saved vs the first sample (no 'none' run of this workload)"
                            : "pages saved vs the 'none' run (higher is better)", lines, false));
        }
        Table summary = Table.create("saving-over-time", mix, workload, algo, runs, samples, end, finalSaved, baseline);
        Table points = Table.create("saving-over-time-series", pMix, pWorkload, pAlgo, pTime, pSaved);
        List<String> prose = List.of(
                "Each merger run in the model on the same workload (series/<mix>__<algo>.json, one simulate --json"
                        + " each, every merger of a mix to the comparison's horizon), sampled in virtual time: ksm once per"
                        + " full pass, the others every 100 ms. Time runs from the moment the workload offered its memory"
                        + " for merging (before it, nothing can be saved). Pages saved at t: the anonymous pages the"
                        + " workload has without merging at t (the 'none' run; if there is none, the first sample) minus"
                        + " those it has with the merger. Drops are COW faults of the workload's periodic rewrites on"
                        + " merged pages.",
                "Every sample is in tables/saving-over-time-series.csv, the end of each line in"
                        + " tables/saving-over-time.csv.");
        boolean noComparison = compared.isEmpty();
        return Optional.of(new SectionOutput(prose, List.of(
                new ReportTable("saving-over-time", "Saving over virtual time: the end of each line", summary, noComparison),
                new ReportTable("saving-over-time-series", "Pages saved at every sample", points, false)),
                charts));
    }

    /** Every sample time of any of the runs, ascending. */
    private static double[] times(List<SimulationSeries> runs) {
        TreeSet<Double> t = new TreeSet<>();
        for (SimulationSeries s : runs) for (double v : s.virtualMs()) t.add(v);
        return t.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** The mean over runs of the pages saved at each time (each run a step function), against the mean none baseline. */
    static double[] meanSaved(List<SimulationSeries> runs, List<SimulationSeries> none, double[] times) {
        double[] saved = new double[times.length];
        for (int i = 0; i < times.length; i++) {
            double t = times[i];
            double sum = 0;
            for (SimulationSeries s : runs) {
                double base = none.isEmpty() ? s.nrAnonPages()[0]
                        : none.stream().mapToDouble(n -> n.anonPagesAt(t)).average().orElseThrow();
                sum += base - s.anonPagesAt(t);
            }
            saved[i] = sum / runs.size();
        }
        return saved;
    }
}
