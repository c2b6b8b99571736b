package org.ksmlab.analysis.section;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.ksmlab.analysis.input.KernelCheck;
import org.ksmlab.analysis.input.KernelCheck.Scenario;
import org.ksmlab.analysis.input.KernelCheck.Side;
import org.ksmlab.analysis.input.Results;
import org.ksmlab.analysis.section.SectionOutput.ChartSpec;
import org.ksmlab.analysis.section.SectionOutput.ReportTable;
import org.ksmlab.analysis.section.SectionOutput.Series;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Fidelity: the model against the live kernel's KSM, from {@code kernel-check.json}
 * ({@code ./run.sh kernel-check --out DIR}). Per scenario: the final KSM counters kernel vs
 * model and their difference, the full scan and time at which each converged, ksmd's CPU per
 * scanned page, and a one-line verdict.
 */
public final class FidelitySection implements ReportSection {
    /** The counters kernel-check compares (issue 5), in its table's order. */
    static final List<String> COUNTERS = List.of("pages_shared", "pages_sharing", "pages_unshared", "pages_volatile",
            "ksm_zero_pages", "stable_node_chains", "stable_node_dups", "general_profit");
    static final String SCENARIO = "scenario";
    /** The chart's series: the live kernel's ksmd (black in every chart) and the model (ksm's colour). */
    public static final String KERNEL_SERIES = "kernel (ksmd, measured)";
    public static final String MODEL_SERIES = "model (ksm)";
    static final String VERDICT = "verdict";

    @Override
    public String id() {
        return "fidelity";
    }

    @Override
    public String title() {
        return "Fidelity: model vs live kernel";
    }

    @Override
    public Part part() {
        return Part.MODEL;
    }

    @Override
    public String absentNote() {
        return "no kernel-check.json in these results folders (./run.sh kernel-check --out DIR writes one)";
    }

    @Override
    public Optional<SectionOutput> build(Results results) {
        List<Scenario> scenarios = results.kernelChecks();
        if (scenarios.isEmpty()) return Optional.empty();
        boolean severalFiles = scenarios.stream().map(Scenario::source).distinct().count() > 1;
        List<String> varyingKnobs = varyingKnobs(scenarios);

        StringColumn name = StringColumn.create(SCENARIO);
        StringColumn workload = StringColumn.create("workload");
        StringColumn knobs = StringColumn.create("knobs");
        StringColumn verdict = StringColumn.create(VERDICT);
        LongColumn scanK = LongColumn.create("converged scan kernel");
        LongColumn scanM = LongColumn.create("converged scan model");
        LongColumn msK = LongColumn.create("converged ms kernel (wall)");
        LongColumn msM = LongColumn.create("converged ms model (virtual)");
        DoubleColumn msRatio = DoubleColumn.create("time model/kernel");
        DoubleColumn cpuK = DoubleColumn.create("ksmd CPU ns/page kernel");
        DoubleColumn cpuM = DoubleColumn.create("ksmd CPU ns/page model");
        DoubleColumn cpuRatio = DoubleColumn.create("CPU model/kernel");
        StringColumn source = StringColumn.create("source");

        StringColumn cScenario = StringColumn.create(SCENARIO);
        StringColumn cCounter = StringColumn.create("counter");
        LongColumn cKernel = LongColumn.create("kernel");
        LongColumn cModel = LongColumn.create("model");
        LongColumn cDiff = LongColumn.create("model − kernel");

        Map<String, List<Double>> cpuSeries = new LinkedHashMap<>();
        cpuSeries.put(KERNEL_SERIES, new ArrayList<>());
        cpuSeries.put(MODEL_SERIES, new ArrayList<>());
        List<String> categories = new ArrayList<>();
        for (Scenario s : scenarios) {
            String label = s.name() + (severalFiles ? " [" + s.source() + "]" : "");
            Side k = s.kernel();
            Side m = s.model();
            List<String> differ = new ArrayList<>();
            for (String counter : COUNTERS) {
                Long kv = k.finalCounters().get(counter);
                Long mv = m.finalCounters().get(counter);
                if (kv == null && mv == null) continue;
                cScenario.append(label);
                cCounter.append(counter);
                appendOrMissing(cKernel, kv);
                appendOrMissing(cModel, mv);
                appendOrMissing(cDiff, kv == null || mv == null ? null : mv - kv);
                if (k.available() && m.available() && !Objects.equals(kv, mv)) {
                    differ.add(counter + " (kernel " + text(kv) + ", model " + text(mv) + ")");
                }
            }
            String v = verdict(k, m, differ);
            name.append(label);
            workload.append(s.workload());
            knobs.append(String.join(", ", varyingKnobs.stream().filter(s.knobs()::containsKey)
                    .map(key -> key + "=" + s.knobs().get(key)).toList()));
            verdict.append(v);
            appendOrMissing(scanK, k.convergedFullScans() < 0 ? null : k.convergedFullScans());
            appendOrMissing(scanM, m.convergedFullScans() < 0 ? null : m.convergedFullScans());
            appendOrMissing(msK, k.convergedMs() < 0 ? null : k.convergedMs());
            appendOrMissing(msM, m.convergedMs() < 0 ? null : m.convergedMs());
            msRatio.append(k.convergedMs() > 0 && m.convergedMs() >= 0 ? m.convergedMs() / (double) k.convergedMs() : Double.NaN);
            cpuK.append(k.cpuNsPerPage());
            cpuM.append(m.cpuNsPerPage());
            cpuRatio.append(m.cpuNsPerPage() / k.cpuNsPerPage());
            source.append(s.source());
            categories.add(s.name());
            cpuSeries.get(KERNEL_SERIES).add(finiteOrNull(k.cpuNsPerPage()));
            cpuSeries.get(MODEL_SERIES).add(finiteOrNull(m.cpuNsPerPage()));
        }
        Table summary = Table.create("fidelity", name, workload, knobs, verdict);
        if (severalFiles) summary.addColumns(source);
        Table convergence = Table.create("fidelity-convergence", name.copy(), scanK, scanM, msK, msM, msRatio, cpuK, cpuM,
                cpuRatio);
        Table counters = Table.create("fidelity-counters", cScenario, cCounter, cKernel, cModel, cDiff);
        long equal = verdict.asList().stream().filter(x -> x.startsWith("all ")).count();
        List<String> prose = new ArrayList<>();
        prose.add("The same workloads run on this machine's KSM (real memory, ksmd, /sys/kernel/mm/ksm sampled at every"
                + " full scan) and in the model with the same knobs (kernel-check). " + equal + " of " + scenarios.size()
                + " scenarios end with every compared counter equal. Converged: the full scan after which the counters"
                + " stayed the same, and the time to it (wall ms on the kernel, virtual ms in the model)."
                + " ksmd CPU ns/page: ksmd's CPU time (its /proc schedstat) ÷ pages scanned; the model's is its cost"
                + " model over the same scans." + (varyingKnobs.isEmpty() ? "" : " Knobs column: the knobs that differ"
                + " between scenarios (and the pacing knobs)."));
        scenarios.stream().map(Scenario::modelCosts).filter(Objects::nonNull).distinct()
                .forEach(c -> prose.add("The model's CPU costs: " + c + "."));
        List<Integer> speeds = scenarios.stream().map(Scenario::speedPermille).filter(Objects::nonNull).toList();
        if (!speeds.isEmpty()) {
            // per reference workload the probes ran (files without one: a single group)
            Map<String, List<Integer>> byReference = new java.util.LinkedHashMap<>();
            for (Scenario s : scenarios) {
                if (s.speedPermille() == null) continue;
                byReference.computeIfAbsent(s.speedReference() == null ? "" : s.speedReference(), r -> new ArrayList<>()).add(s.speedPermille());
            }
            List<String> ranges = new ArrayList<>();
            byReference.forEach((ref, v) -> {
                int lo = v.stream().mapToInt(Integer::intValue).min().orElseThrow();
                int hi = v.stream().mapToInt(Integer::intValue).max().orElseThrow();
                ranges.add((lo == hi ? lo + " per mille" : lo + " to " + hi + " per mille")
                        + (ref.isEmpty() ? "" : " with the " + ref + " reference (" + v.size() + " workload" + (v.size() == 1 ? "" : "s") + ")"));
            });
            prose.add("The model ran " + (speeds.size() == scenarios.size() ? "each" : speeds.size() + " of the") + " workload"
                    + (speeds.size() == scenarios.size() ? "" : "s") + " at the machine's speed measured beside it (kernel-check's"
                    + " speed probes: ksmd's CPU for a reference workload of about the workload's size over the model's price of it): "
                    + String.join("; ", ranges) + " of the costs above"
                    + " (kernel.ksmd_cpu_cost_permille; on this kind of shared machine ksmd's speed moves with the host's load).");
        }
        List<Scenario> repeated = scenarios.stream().filter(s -> s.kernelRuns() > 1).toList();
        if (!repeated.isEmpty()) {
            prose.add(repeated.size() + " of the workloads ran " + repeated.stream().map(Scenario::kernelRuns).distinct()
                    .map(String::valueOf).collect(java.util.stream.Collectors.joining(" or ")) + " times on the kernel (short ones, where"
                    + " whether a timer fires a tick late moves the time by a few per cent); the run with the median time to"
                    + " converge is the one shown.");
        }
        List<Series> series = new ArrayList<>();
        cpuSeries.forEach((label, values) -> series.add(Series.bars(label, values)));
        ChartSpec chart = ChartSpec.bars("fidelity-cpu",
                "ksmd CPU ns per scanned page, kernel (measured) vs model, per scenario",
                "ksmd CPU per scanned page: live kernel vs model", "scenario",
                "ns of ksmd CPU per page scanned", categories, series);
        List<ChartSpec> charts = chart.drawable() ? List.of(chart) : List.of();
        return Optional.of(new SectionOutput(prose, List.of(
                new ReportTable("fidelity", "Per scenario: workload, knobs and verdict", summary),
                new ReportTable("fidelity-convergence",
                        "Per scenario: converged full scan and time, ksmd CPU ns per scanned page, kernel vs model",
                        convergence),
                new ReportTable("fidelity-counters", "Final counters per scenario: kernel, model and difference",
                        counters)), charts));
    }

    static String verdict(Side kernel, Side model, List<String> differ) {
        if (!kernel.available()) return "kernel unavailable: " + kernel.unavailable();
        if (!model.available()) return "model unavailable: " + model.unavailable();
        String counters = differ.isEmpty() ? "all counters equal" : "differ: " + String.join(", ", differ);
        String converged = kernel.convergedFullScans() == model.convergedFullScans()
                ? "converged at the same full scan (" + kernel.convergedFullScans() + ")"
                : "converged at full scan " + kernel.convergedFullScans() + " (kernel) vs "
                + model.convergedFullScans() + " (model)";
        return counters + "; " + converged;
    }

    /** Pacing knobs, plus every knob whose value is not the same in all scenarios. */
    private static List<String> varyingKnobs(List<Scenario> scenarios) {
        List<String> names = new ArrayList<>();
        for (Scenario s : scenarios) {
            for (String key : s.knobs().keySet()) {
                if (names.contains(key)) continue;
                boolean varies = scenarios.stream().map(x -> x.knobs().get(key)).distinct().count() > 1;
                if (varies || key.equals("pages_to_scan") || key.equals("sleep_millisecs")) names.add(key);
            }
        }
        return names;
    }

    private static void appendOrMissing(LongColumn c, Long v) {
        if (v == null) c.appendMissing();
        else c.append(v);
    }

    private static String text(Long v) {
        return v == null ? "absent" : v.toString();
    }

    private static Double finiteOrNull(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
