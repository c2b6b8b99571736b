package org.ksmlab.analysis.section;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ksmlab.analysis.Results;
import org.ksmlab.analysis.SimulationSeries;
import org.ksmlab.analysis.section.SectionOutput.ReportChart;
import org.ksmlab.analysis.section.SectionOutput.ReportTable;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Saving over virtual time per merger, from {@code series/<mix>__<algo>.json} (one
 * {@code simulate --json} each): pages saved at each sample, one line per merger, one chart per
 * mix.
 *
 * <p>Pages saved at t = anonymous pages without merging at t − anonymous pages with this merger
 * at t. "Without merging" is the {@code none} series of the same mix (its last sample at or
 * before t) when the folder has one: that is right also when the workload itself adds pages over
 * time (code patching breaks COW) or a merger merges before the first sample (SKSM's synchronous
 * MADV_MERGE). Without a {@code none} series it is the first sample's anonymous pages, which
 * undercounts in those two cases; the table says which baseline each line used.
 */
public final class SavingOverTimeSection implements ReportSection {
    static final String NONE = "none";
    static final String MIX = "mix";
    static final String ALGO = "algo";
    static final String SAMPLES = "samples";
    static final String END_S = "end (virtual s)";
    static final String FINAL_SAVED = "final pages saved";
    static final String TO_90_S = "to 90 % (virtual s)";
    static final String BASELINE = "baseline";
    static final String VIRTUAL_S = "virtual s";
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
    public String absentNote() {
        return "no simulated time series (series/<mix>__<algo>.json) in these results folders";
    }

    @Override
    public Optional<SectionOutput> build(Results results) {
        if (results.series().isEmpty()) return Optional.empty();
        // Mixes in the order the merger comparison ran them, then the rest as the files sort.
        Table compared = Points.of(results.longTable(), Macro.PACKAGE, Macro.COMPARISON, Macro.CONVERGE);
        List<String> mixOrder = compared.isEmpty() ? List.of() : Points.distinct(compared, Macro.MIX);
        Map<String, List<SimulationSeries>> byMix = new LinkedHashMap<>();
        results.series().stream().map(SimulationSeries::mix).sorted(Comparator.comparingInt(
                        (String m) -> mixOrder.contains(m) ? mixOrder.indexOf(m) : mixOrder.size()))
                .forEach(m -> byMix.put(m, new ArrayList<>()));
        for (SimulationSeries s : results.series()) byMix.get(s.mix()).add(s);

        StringColumn mix = StringColumn.create(MIX);
        StringColumn algo = StringColumn.create(ALGO);
        IntColumn samples = IntColumn.create(SAMPLES);
        DoubleColumn end = DoubleColumn.create(END_S);
        LongColumn finalSaved = LongColumn.create(FINAL_SAVED);
        DoubleColumn to90 = DoubleColumn.create(TO_90_S);
        StringColumn baseline = StringColumn.create(BASELINE);
        StringColumn pMix = StringColumn.create(MIX);
        StringColumn pAlgo = StringColumn.create(ALGO);
        DoubleColumn pTime = DoubleColumn.create(VIRTUAL_S);
        DoubleColumn pSaved = DoubleColumn.create(SAVED);
        List<ReportChart> charts = new ArrayList<>();
        for (Map.Entry<String, List<SimulationSeries>> e : byMix.entrySet()) {
            List<SimulationSeries> runs = e.getValue().stream()
                    .sorted((a, b) -> Points.knownFirst(Macro.ALGO_ORDER).compare(a.algo(), b.algo())).toList();
            SimulationSeries none = runs.stream().filter(s -> s.algo().equals(NONE)).findFirst().orElse(null);
            List<Charts.Line> lines = new ArrayList<>();
            for (SimulationSeries s : runs) {
                double[] saved = saved(s, none);
                List<Double> xs = new ArrayList<>();
                List<Double> ys = new ArrayList<>();
                for (int i = 0; i < saved.length; i++) {
                    pMix.append(e.getKey());
                    pAlgo.append(s.algo());
                    pTime.append(s.virtualMs()[i] / 1000);
                    pSaved.append(saved[i]);
                    xs.add(s.virtualMs()[i] / 1000);
                    ys.add(saved[i]);
                }
                double last = saved[saved.length - 1];
                mix.append(e.getKey());
                algo.append(s.algo());
                samples.append(saved.length);
                end.append(s.virtualMs()[saved.length - 1] / 1000);
                AlgorithmComparisonSection.appendRounded(finalSaved, last);
                to90.append(timeTo(s, saved, 0.9 * last) / 1000);
                baseline.append(none == null ? "first sample" : "none series");
                lines.add(new Charts.Line(s.algo(), xs, ys));
            }
            charts.add(new ReportChart("saving-" + Charts.slug(e.getKey()),
                    "Pages saved over virtual time on mix " + e.getKey() + ", one line per merger",
                    Charts.lines("Pages saved over virtual time, mix " + e.getKey(),
                            "virtual time (s)", none == null
                                    ? "pages saved vs the first sample (no 'none' run of this mix)"
                                    : "pages saved vs the 'none' run (no merging)", lines, false)));
        }
        Table summary = Table.create("saving-over-time", mix, algo, samples, end, finalSaved, to90, baseline);
        Table points = Table.create("saving-over-time-series", pMix, pAlgo, pTime, pSaved);
        List<String> prose = List.of(
                "Each merger run in the model on the same workload mix (series/<mix>__<algo>.json, one"
                        + " simulate --json each), sampled in virtual time. Pages saved at t: the anonymous pages the"
                        + " mix has without merging at t (the 'none' series; if a mix has none, its first sample)"
                        + " minus those it has with the merger. To 90 %: first sample at which 90 % of the final"
                        + " saving was reached (empty when nothing was saved).",
                "Every sample is in tables/saving-over-time-series.csv.");
        return Optional.of(new SectionOutput(prose, List.of(
                new ReportTable("saving-over-time", "Saving over virtual time: final saving and time to 90 % per mix and merger",
                        summary, false),
                new ReportTable("saving-over-time-series", "Pages saved at every sample", points, false, false)),
                charts));
    }

    /** Pages saved at each sample of {@code s}, against the none series or else its first sample. */
    static double[] saved(SimulationSeries s, SimulationSeries none) {
        double[] saved = new double[s.virtualMs().length];
        for (int i = 0; i < saved.length; i++) {
            double base = none == null ? s.nrAnonPages()[0] : none.anonPagesAt(s.virtualMs()[i]);
            saved[i] = base - s.nrAnonPages()[i];
        }
        return saved;
    }

    /** Virtual ms of the first sample with saved ≥ target, NaN when the final saving is not positive. */
    private static double timeTo(SimulationSeries s, double[] saved, double target) {
        if (!(saved[saved.length - 1] > 0)) return Double.NaN;
        for (int i = 0; i < saved.length; i++) {
            if (saved[i] >= target) return s.virtualMs()[i];
        }
        return Double.NaN;
    }
}
