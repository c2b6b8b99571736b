package org.ksmlab.livekernel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ksmlab.engine.cost.CostModel;

/**
 * The model's per-operation CPU costs fitted to the live kernel's ksmd, full scan by full scan.
 *
 * <p>Each full scan of a kernel-check workload gives one equation: the kernel's ksmd CPU in that
 * pass (schedstat) against the model's work counts in the same pass (pages visited and
 * checksummed, tree steps, bytes compared, merges, ...). The costs that the passes can tell apart
 * ({@link #FITTED}: a page visit, a checksum, an unstable-tree step, a stable-tree step, a merge, a
 * wake-up of ksmd, a pass, a page rewritten since the last visit) are fitted by non-negative
 * least squares on the relative error of every pass, so a 4,000-page pass weighs as much as a
 * 65,536-page one; the others ({@code compare_byte_ns}, always paired with a merge here;
 * {@code write_protect_ns}, one per merge; the costs ksmd does not incur) keep the values of the
 * model's current calibration. Passes used: both sides scanned the same pages, the workload
 * slept between batches (with sleep_millisecs=0 the kernel's per-pass CPU is read while the next
 * pass runs) and opted in with madvise (prctl makes the whole child JVM mergeable). When
 * kernel-check measured the machine's speed around a workload ({@link KsmdSpeed}), a pass is
 * fitted as kernel-check will run it, at its probes' speed factor, so the costs are those of the
 * machine at the speed where the reference costs what the model says ({@link #fit(List, CostModel, Map)}).
 */
public final class Calibration {
    /** The costs fitted; the other {@link CostModel#NAMES} are held. */
    public static final List<String> FITTED = List.of("page_visit_ns", "checksum_page_ns", "tree_step_ns", "stable_step_ns",
            "merge_ns", "wakeup_ns", "pass_ns", "volatile_page_ns");
    /** How many passes the reference's anchoring equation weighs in a fit with speed probes (a near-hard constraint). */
    static final double ANCHOR_WEIGHT = 1e4;
    /** The model's work counts ({@code ModelRunner.workMap}) in {@link CostModel#NAMES}' order. */
    static final List<String> WORK = List.of("pages_checksummed", "bytes_compared", "tree_steps", "merges", "write_protects",
            "cow_copies", "pages_visited", "table_updates", "lru_drains", "stable_steps", "wakeups", "passes", "volatile_pages");

    /**
     * One full scan of one workload: the kernel's ksmd CPU and the model's work in it, and ksmd's
     * CPU per run of the speed reference ({@code reference}, by {@link KsmdSpeed.Reference#name()})
     * around that workload ({@code probeNanos}, 0 when none was measured: {@link KsmdSpeed}).
     */
    public record Pass(String scenario, long pass, long pages, long kernelCpuNanos, Map<String, Long> work, String reference,
                       long probeNanos) {
        public Pass(String scenario, long pass, long pages, long kernelCpuNanos, Map<String, Long> work) {
            this(scenario, pass, pages, kernelCpuNanos, work, "", 0);
        }
    }

    /** The fitted costs, and model/kernel per pass with them. */
    public record Fit(Map<String, Double> costs, List<Pass> passes, List<Double> ratios) {
        public double min() {
            return ratios.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
        }

        public double max() {
            return ratios.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        }
    }

    private Calibration() {
    }

    /** The passes of {@code outcomes} a fit may use (see the class comment). */
    @SuppressWarnings("unchecked")
    public static List<Pass> passes(List<KernelCheck.Outcome> outcomes) {
        List<Pass> out = new ArrayList<>();
        for (KernelCheck.Outcome o : outcomes) {
            SideResult k = o.kernel();
            SideResult m = o.model();
            if (!k.available() || !m.available() || "0".equals(o.scenario().kernelKnobs().get("sleep_millisecs"))
                    || !o.scenario().via().equals("madvise") || !(m.extra().get("work") instanceof List<?> w)) {
                continue;
            }
            List<Map<String, Long>> work = (List<Map<String, Long>>) w;
            Map<?, ?> sp = o.clock().get("speed") instanceof Map<?, ?> m0 ? m0 : Map.of();
            long probe = sp.get("kernel_cpu_ns_median") instanceof Number n ? n.longValue() : 0;
            String reference = probe > 0 ? String.valueOf(sp.get("reference")) : "";
            for (long pass = 1; ; pass++) {
                Map<String, Long> k1 = k.atPass(pass), k0 = k.atPass(pass - 1);
                int i1 = m.indexOfPass(pass), i0 = m.indexOfPass(pass - 1);
                if (k1 == null || k0 == null || i1 < 0 || i0 < 0) {
                    break;
                }
                Map<String, Long> m1 = m.series().get(i1), m0 = m.series().get(i0);
                long pages = k1.get("pages_scanned") - k0.get("pages_scanned");
                long cpu = k1.get("ksmd_cpu_ns") - k0.get("ksmd_cpu_ns");
                if (pages <= 0 || cpu <= 0 || pages != m1.get("pages_scanned") - m0.get("pages_scanned")) {
                    continue;
                }
                Map<String, Long> d = new LinkedHashMap<>();
                for (String c : WORK) {
                    d.put(c, work.get(i1).getOrDefault(c, 0L) - work.get(i0).getOrDefault(c, 0L));
                }
                out.add(new Pass(o.scenario().name(), pass, pages, cpu, d, reference, probe));
            }
        }
        return out;
    }

    /**
     * Where the model's costs come from: the {@link #SOURCE_PREFIX} line of the engine's
     * calibration.properties, or a note that it has none.
     */
    public static String modelCostsSource() {
        try (java.io.InputStream in = CostModel.class.getResourceAsStream("calibration.properties")) {
            if (in == null) return "unknown (no calibration.properties in the engine)";
            for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                if (line.startsWith(SOURCE_PREFIX)) return "engine calibration.properties, " + line.substring(SOURCE_PREFIX.length()).strip();
            }
            return "engine calibration.properties (it names no source)";
        } catch (java.io.IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    /** Fits {@link #FITTED} to {@code passes} as measured, holding the other costs at {@code base}'s values. */
    public static Fit fit(List<Pass> passes, CostModel base) {
        Map<String, Double> costs = solve(passes.stream().map(Equation::of).toList(), base.asMap());
        return new Fit(costs, passes, passes.stream().map(p -> modelNanos(p, costs) / p.kernelCpuNanos()).toList());
    }

    /**
     * Fits {@link #FITTED} to {@code passes} at the machine's speed as the probes measured it.
     * kernel-check runs a workload's model at the speed factor of the probes around it: ksmd's CPU
     * for a reference over the model's price of that reference ({@link KsmdSpeed}); so a pass is
     * right when its price over its reference's price equals its kernel CPU over its probes' CPU,
     * {@code price(pass) - (cpu / probe) * price(reference) = 0}: an equation linear in the costs,
     * whichever reference probed it (weighed as the relative error kernel-check reports, with the
     * reference's price taken at the mean of its probes). Those equations fix the costs up to a
     * common scale; the scale is set by the first reference (in {@code referenceWork}'s order) with
     * probes, which must cost the mean of its probes (a constraint: an equation weighing
     * {@link #ANCHOR_WEIGHT} passes). The costs are then the machine's at the run's mean speed for
     * that reference, and the factors kernel-check computes with them are the ones fitted.
     * {@code referenceWork}: the model's work counts over each reference's full scans, by name.
     * Passes without a probe are fitted as measured.
     */
    public static Fit fit(List<Pass> passes, CostModel base, Map<String, Map<String, Long>> referenceWork) {
        Map<String, Double> means = new LinkedHashMap<>();
        for (String r : passes.stream().filter(p -> p.probeNanos() > 0).map(Pass::reference).distinct().toList()) {
            if (!referenceWork.containsKey(r)) {
                throw new IllegalArgumentException("passes probed with reference '" + r + "', which has no work counts; references: "
                        + referenceWork.keySet());
            }
            means.put(r, passes.stream().filter(p -> p.probeNanos() > 0 && p.reference().equals(r))
                    .mapToLong(Pass::probeNanos).average().orElseThrow());
        }
        if (means.isEmpty()) {
            return fit(passes, base);
        }
        List<Equation> equations = new ArrayList<>();
        for (Pass p : passes) {
            if (p.probeNanos() <= 0) {
                equations.add(Equation.of(p));
                continue;
            }
            double k = p.kernelCpuNanos() / (double) p.probeNanos();
            Map<String, Long> ref = referenceWork.get(p.reference());
            double[] counts = new double[WORK.size()];
            for (int c = 0; c < WORK.size(); c++) {
                counts[c] = p.work().getOrDefault(WORK.get(c), 0L) - k * ref.getOrDefault(WORK.get(c), 0L);
            }
            equations.add(new Equation(counts, 0, k * means.get(p.reference()), 1));
        }
        String scale = referenceWork.keySet().stream().filter(means::containsKey).findFirst().orElseThrow();
        double mean = means.get(scale);
        equations.add(new Equation(counts(referenceWork.get(scale)), mean, mean, ANCHOR_WEIGHT));
        Map<String, Double> costs = solve(equations, base.asMap());
        // model/kernel per pass as kernel-check will see them: the model's CPU times its probes' factor under these costs
        List<Double> ratios = new ArrayList<>();
        for (Pass p : passes) {
            double factor = p.probeNanos() > 0 ? p.probeNanos() / workNanos(referenceWork.get(p.reference()), costs) : 1;
            ratios.add(modelNanos(p, costs) * factor / p.kernelCpuNanos());
        }
        return new Fit(costs, passes, ratios);
    }

    /**
     * One equation of a fit: {@code sum(counts[c] * cost[c]) = target}, in {@link #WORK}'s order,
     * divided by {@code norm} (so its residual is relative) and weighing {@code weight} passes.
     */
    private record Equation(double[] counts, double target, double norm, double weight) {
        /** A pass as measured: its model work costs its kernel CPU. */
        static Equation of(Pass p) {
            return new Equation(Calibration.counts(p.work()), p.kernelCpuNanos(), p.kernelCpuNanos(), 1);
        }
    }

    private static double[] counts(Map<String, Long> work) {
        double[] counts = new double[WORK.size()];
        for (int c = 0; c < WORK.size(); c++) counts[c] = work.getOrDefault(WORK.get(c), 0L);
        return counts;
    }

    /** The model's CPU for {@code work} (work counts by {@link #WORK} name) with {@code costs}. */
    static double workNanos(Map<String, Long> work, Map<String, Double> costs) {
        double ns = 0;
        for (int c = 0; c < CostModel.NAMES.size(); c++) {
            ns += work.getOrDefault(WORK.get(c), 0L) * costs.get(CostModel.NAMES.get(c));
        }
        return ns;
    }

    /** The non-negative least-squares costs of {@code equations}; the costs not {@link #FITTED} keep {@code baseCosts}' values. */
    private static Map<String, Double> solve(List<Equation> equations, Map<String, Double> baseCosts) {
        Map<String, Double> costs = new LinkedHashMap<>(baseCosts);
        int n = FITTED.size();
        double[][] a = new double[equations.size()][n];
        double[] b = new double[equations.size()];
        for (int i = 0; i < equations.size(); i++) {
            Equation e = equations.get(i);
            double held = 0;
            for (int c = 0; c < CostModel.NAMES.size(); c++) {
                String name = CostModel.NAMES.get(c);
                int j = FITTED.indexOf(name);
                if (j >= 0) {
                    a[i][j] = e.counts()[c] / e.norm();
                } else {
                    held += e.counts()[c] * costs.get(name);
                }
            }
            b[i] = (e.target() - held) / e.norm();
            double w = Math.sqrt(e.weight()); // least squares weighs a row by the square of its scale
            for (int j = 0; j < n; j++) a[i][j] *= w;
            b[i] *= w;
        }
        double[] x = nnls(a, b);
        for (int j = 0; j < n; j++) {
            costs.put(FITTED.get(j), Math.round(x[j] * 10) / 10.0);
        }
        return costs;
    }

    /** The model's CPU of a pass with {@code costs}. */
    static double modelNanos(Pass p, Map<String, Double> costs) {
        return workNanos(p.work(), costs);
    }

    /** The prefix of the one-line provenance of a calibration file (kernel-check.json carries it). */
    public static final String SOURCE_PREFIX = "# Source: ";

    /** calibration.properties text: every cost, with where the fitted ones came from. */
    public static String properties(Fit fit, String provenance, String source) {
        StringBuilder b = new StringBuilder();
        b.append("# Per-operation costs of the CPU model, in nanoseconds.\n");
        b.append(SOURCE_PREFIX).append(source).append(String.format(" (%d full scans; model/kernel CPU per pass %.2f .. %.2f)%n#%n",
                fit.passes().size(), fit.min(), fit.max()));
        for (String line : provenance.split("\n")) {
            b.append("# ").append(line).append('\n');
        }
        b.append("# Fitted (non-negative least squares on the relative error of each pass, ").append(fit.passes().size())
                .append(" full scans): ").append(String.join(", ", FITTED)).append(".\n");
        b.append("# Held at the values the model had: ").append(String.join(", ",
                CostModel.NAMES.stream().filter(c -> !FITTED.contains(c)).toList())).append(".\n");
        b.append(String.format("# Model/kernel CPU per pass with these costs: %.2f .. %.2f%n", fit.min(), fit.max()));
        for (int i = 0; i < fit.passes().size(); i++) {
            Pass p = fit.passes().get(i);
            b.append(String.format("#   %-34s pass %d: kernel %6.0f ns/page, model %6.0f (%.2f)%n", p.scenario(), p.pass(),
                    p.kernelCpuNanos() / (double) p.pages(), p.kernelCpuNanos() * fit.ratios().get(i) / p.pages(), fit.ratios().get(i)));
        }
        fit.costs().forEach((k, v) -> b.append(k).append('=').append(v % 1 == 0 ? Long.toString(v.longValue()) : Double.toString(v)).append('\n'));
        return b.toString();
    }

    /**
     * Non-negative least squares, min ||a·x − b|| with x ≥ 0 (Lawson and Hanson's active-set
     * method; a few unknowns, so the normal equations are solved directly).
     */
    static double[] nnls(double[][] a, double[] b) {
        int n = a.length == 0 ? 0 : a[0].length;
        double[] x = new double[n];
        boolean[] passive = new boolean[n];
        for (int outer = 0; outer < 10 * n + 10; outer++) {
            double[] w = gradient(a, b, x);
            int best = -1;
            for (int j = 0; j < n; j++) {
                if (!passive[j] && w[j] > 1e-12 && (best < 0 || w[j] > w[best])) best = j;
            }
            if (best < 0) {
                break;
            }
            passive[best] = true;
            while (true) {
                double[] z = solvePassive(a, b, passive);
                boolean feasible = true;
                for (int j = 0; j < n; j++) {
                    if (passive[j] && z[j] <= 0) feasible = false;
                }
                if (feasible) {
                    x = z;
                    break;
                }
                double alpha = 1;
                for (int j = 0; j < n; j++) {
                    if (passive[j] && z[j] <= 0) alpha = Math.min(alpha, x[j] / (x[j] - z[j]));
                }
                for (int j = 0; j < n; j++) {
                    x[j] += alpha * (z[j] - x[j]);
                    if (passive[j] && x[j] <= 1e-12) {
                        passive[j] = false;
                        x[j] = 0;
                    }
                }
            }
        }
        return x;
    }

    /** aᵀ(b − a·x). */
    private static double[] gradient(double[][] a, double[] b, double[] x) {
        int n = x.length;
        double[] w = new double[n];
        for (int i = 0; i < a.length; i++) {
            double r = b[i];
            for (int j = 0; j < n; j++) r -= a[i][j] * x[j];
            for (int j = 0; j < n; j++) w[j] += a[i][j] * r;
        }
        return w;
    }

    /** Least squares over the passive columns (the others 0), by the normal equations. */
    private static double[] solvePassive(double[][] a, double[] b, boolean[] passive) {
        int n = passive.length;
        List<Integer> cols = new ArrayList<>();
        for (int j = 0; j < n; j++) if (passive[j]) cols.add(j);
        int k = cols.size();
        double[][] m = new double[k][k + 1];
        for (int r = 0; r < k; r++) {
            for (int c = 0; c < k; c++) {
                double s = 0;
                for (double[] row : a) s += row[cols.get(r)] * row[cols.get(c)];
                m[r][c] = s;
            }
            double s = 0;
            for (int i = 0; i < a.length; i++) s += a[i][cols.get(r)] * b[i];
            m[r][k] = s;
        }
        for (int p = 0; p < k; p++) { // Gaussian elimination with partial pivoting
            int piv = p;
            for (int r = p + 1; r < k; r++) if (Math.abs(m[r][p]) > Math.abs(m[piv][p])) piv = r;
            double[] t = m[p]; m[p] = m[piv]; m[piv] = t;
            if (Math.abs(m[p][p]) < 1e-300) continue;
            for (int r = 0; r < k; r++) {
                if (r == p) continue;
                double f = m[r][p] / m[p][p];
                for (int c = p; c <= k; c++) m[r][c] -= f * m[p][c];
            }
        }
        double[] z = new double[n];
        for (int r = 0; r < k; r++) z[cols.get(r)] = Math.abs(m[r][r]) < 1e-300 ? 0 : m[r][k] / m[r][r];
        return z;
    }
}
