package org.ksmlab.livekernel;

import java.util.List;
import java.util.Map;

/**
 * The text form of kernel-check: per scenario, per full scan, kernel / model / difference (model −
 * kernel) for the compared counters; then time to converge and ksmd CPU of both sides with their
 * ratio (model / kernel), flagged {@code OUTSIDE} when the ratio is beyond
 * {@link KernelCheck#TIME_TOLERANCE} (time) or {@link KernelCheck#CPU_TOLERANCE} (CPU); ksmd CPU
 * per scanned page in every pass; and the model's clock. {@link #summary} puts every scenario's
 * time and CPU in one table.
 */
public final class ComparisonTable {
    /** The counters compared pass by pass (pages_to_scan: what the scan-time advisor chose). */
    public static final List<String> COMPARED = List.of("pages_shared", "pages_sharing", "pages_unshared", "pages_volatile",
            "ksm_zero_pages", "stable_node_chains", "stable_node_dups", "general_profit", "pages_to_scan");
    private static final List<String> SHORT = List.of("shared", "sharing", "unshared", "volatile", "zero", "chains", "dups", "profit",
            "pages_to_scan");

    private ComparisonTable() {
    }

    public static String render(Scenario sc, SideResult kernel, SideResult model) {
        return render(new KernelCheck.Outcome(sc, kernel, model));
    }

    public static String render(KernelCheck.Outcome o) {
        Scenario sc = o.scenario();
        SideResult kernel = o.kernel();
        SideResult model = o.model();
        StringBuilder b = new StringBuilder();
        b.append("== ").append(sc.name()).append(": ").append(sc.workload());
        if (!sc.knobs().isEmpty()) b.append("  knobs ").append(sc.knobs());
        b.append('\n');
        if (!kernel.available()) {
            b.append("kernel: ").append(kernel.unavailable()).append('\n');
            return b.toString();
        }
        boolean withModel = model.available();
        if (!withModel) {
            b.append("model: ").append(model.unavailable()).append(" (model columns omitted)\n");
        }
        b.append(String.format("%4s %8s", "pass", "wall_ms"));
        for (String s : SHORT) {
            b.append(withModel ? String.format(" | %-26s", s + " k/m/Δ") : String.format(" %10s", s));
        }
        b.append('\n');
        long lastPass = Math.max(lastPass(kernel), withModel ? lastPass(model) : 0);
        for (long pass = 0; pass <= lastPass; pass++) {
            Map<String, Long> k = kernel.atPass(pass);
            Map<String, Long> m = withModel ? model.atPass(pass) : null;
            if (k == null && m == null) continue;
            b.append(String.format("%4d %8s", pass, k == null ? "-" : k.get("wall_ms")));
            for (String c : COMPARED) {
                Long kv = k == null ? null : k.get(c);
                if (withModel) {
                    Long mv = m == null ? null : m.get(c);
                    String d = kv != null && mv != null ? signed(mv - kv) : "";
                    b.append(String.format(" | %8s %8s %8s", str(kv), str(mv), d));
                } else {
                    b.append(String.format(" %10s", str(kv)));
                }
            }
            b.append('\n');
        }
        if (sleepZero(sc)) {
            b.append("(sleep_millisecs=0: ksmd does not pause between passes, so the kernel's per-pass counters and CPU are read up to"
                    + " a poll interval into the next pass)\n");
        }
        b.append(String.format("converged: kernel at full scan %d after %d ms (wall%s)", kernel.convergedFullScans(), kernel.convergedMs(),
                kernel.extra().get(KernelCheck.RUNS_KEY) instanceof List<?> runs && runs.size() > 1
                        ? "; the median of " + runs.size() + " runs: " + runs.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(", ")) + " ms"
                        : ""));
        if (withModel) {
            b.append(String.format("; model at full scan %d after %d ms (virtual)", model.convergedFullScans(), model.convergedMs()));
            b.append(ratioText(model.convergedMs(), kernel.convergedMs(), KernelCheck.TIME_TOLERANCE));
            b.append(withinKernelRuns(model.convergedMs(), kernel));
        }
        b.append(kernel.finalCounters().get("stable") instanceof Long s && s == 1 ? "" : "  [kernel NOT stable within the scan/time bound]");
        b.append('\n');
        long kc = cpuToConvergence(kernel);
        b.append(String.format("ksmd CPU to convergence: kernel %.1f ms", kc / 1e6));
        if (withModel) {
            long mc = cpuToConvergence(model);
            b.append(String.format(", model %.1f ms", mc / 1e6)).append(ratioText(mc, kc, KernelCheck.CPU_TOLERANCE));
        }
        b.append('\n');
        b.append("ksmd CPU per scanned page (ns), pass by pass, kernel / model (model/kernel):");
        for (long pass = 1; pass <= lastPass(kernel); pass++) {
            Double kp = perPage(kernel, pass);
            Double mp = withModel ? perPage(model, pass) : null;
            if (kp == null) continue;
            b.append(String.format(" %d: %.0f / %s", pass, kp, mp == null ? "-" : String.format("%.0f", mp)));
            if (mp != null) {
                double r = mp / kp;
                b.append(String.format(" (%.2f%s)", r, Math.abs(r - 1) > KernelCheck.CPU_TOLERANCE ? " OUTSIDE" : ""));
            }
            b.append(';');
        }
        b.append('\n');
        if (o.clock().get("model_kernel_knobs") instanceof Map<?, ?> knobs) {
            b.append("model clock: ").append(knobs).append(" (hz: ").append(o.clock().get("hz_source")).append("; probe: ")
                    .append(o.clock().get("pacing_probe"))
                    .append(o.clock().get("speed_probe") == null ? "" : "; speed: " + o.clock().get("speed_probe")).append(")\n");
        }
        return b.toString();
    }

    /**
     * One table of every scenario: time to converge and ksmd CPU to convergence, kernel and model
     * and their ratio, with the tolerances stated and each ratio outside them flagged.
     */
    public static String summary(List<KernelCheck.Outcome> outcomes) {
        StringBuilder b = new StringBuilder();
        b.append(String.format("== summary: model / kernel; flagged OUTSIDE beyond ±%.0f %% (time to converge) or ±%.0f %% (ksmd CPU)%n",
                100 * KernelCheck.TIME_TOLERANCE, 100 * KernelCheck.CPU_TOLERANCE));
        b.append(String.format("%-34s %-40s %9s %9s %14s | %9s %9s %14s%n", "scenario", "knobs", "kernel ms", "model ms", "ratio",
                "CPU k ms", "CPU m ms", "ratio"));
        for (KernelCheck.Outcome o : outcomes) {
            SideResult k = o.kernel();
            SideResult m = o.model();
            String knobs = String.join(",", o.scenario().knobs().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
            if (!k.available() || !m.available()) {
                b.append(String.format("%-34s %-40s %s%n", o.scenario().name(), knobs, !k.available() ? k.unavailable() : m.unavailable()));
                continue;
            }
            long kc = cpuToConvergence(k);
            long mc = cpuToConvergence(m);
            b.append(String.format("%-34s %-40s %9d %9d %14s | %9.1f %9.1f %14s%n", o.scenario().name(), knobs, k.convergedMs(),
                    m.convergedMs(), ratio(m.convergedMs(), k.convergedMs(), KernelCheck.TIME_TOLERANCE), kc / 1e6, mc / 1e6,
                    ratio(mc, kc, KernelCheck.CPU_TOLERANCE)));
        }
        return b.toString();
    }

    /**
     * Cells (full scan × {@link #COMPARED} counter) in which kernel and model differ, over the full
     * scans both sides sampled; -1 when either side did not run.
     */
    public static long differingCells(SideResult kernel, SideResult model) {
        if (!kernel.available() || !model.available()) return -1;
        long n = 0;
        long last = Math.min(lastPass(kernel), lastPass(model));
        for (long pass = 0; pass <= last; pass++) {
            Map<String, Long> k = kernel.atPass(pass);
            Map<String, Long> m = model.atPass(pass);
            if (k == null || m == null) continue;
            for (String c : COMPARED) {
                if (k.get(c) != null && m.get(c) != null && !k.get(c).equals(m.get(c))) n++;
            }
        }
        return n;
    }

    /**
     * The speed table: the kernel's wall time to converge against the simulator's wall time to build
     * and run the same workload until stable, their ratio (how much sooner the model answers), and
     * whether every compared counter agreed in every full scan. Both are wall times on this machine;
     * the model's own (virtual) time to converge is in {@link #summary}.
     */
    public static String speed(List<KernelCheck.Outcome> outcomes) {
        StringBuilder b = new StringBuilder();
        b.append("== speed (wall time, this machine): the kernel converging against the simulator building and running the same"
                + " workload until stable\n");
        b.append(String.format("%-34s %-40s %12s %14s %16s %s%n", "scenario", "knobs", "kernel ms", "simulator ms", "kernel/simulator",
                "counters"));
        for (KernelCheck.Outcome o : outcomes) {
            SideResult k = o.kernel();
            SideResult m = o.model();
            String knobs = String.join(",", o.scenario().knobs().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
            if (!k.available() || !m.available() || !(m.extra().get(ModelRunner.SIMULATOR_WALL_MS) instanceof Number sim)) {
                continue;
            }
            long cells = differingCells(k, m);
            b.append(String.format("%-34s %-40s %12d %14.1f %15.1fx %s%n", o.scenario().name(), knobs, k.convergedMs(),
                    sim.doubleValue(), k.convergedMs() / Math.max(0.1, sim.doubleValue()),
                    cells == 0 ? "equal in every full scan" : cells + " cells differ"));
        }
        return b.toString();
    }

    /**
     * The simulator's CPU per scanned page against ksmd's, per phase of the same run: the checksum
     * pass (full scan 1: every page checksummed, nothing merges), the merging pass (full scan 2)
     * and the steady state (the last full scan, after convergence). The simulator's figure is the
     * checking thread's own CPU time over the pass ({@link ModelRunner#SIMULATOR_CPU_NS}), ksmd's
     * the kernel's schedstat over its pass; the goal is a ratio of at most 0.5.
     */
    public static String cpuPerPage(List<KernelCheck.Outcome> outcomes) {
        StringBuilder b = new StringBuilder();
        b.append("== simulator CPU per scanned page against ksmd's (ns; simulator thread CPU / ksmd CPU, same scenario and knobs),"
                + " per phase: checksum pass (1), merging pass (2), steady (last)\n");
        b.append(String.format("%-34s %-26s %-26s %-26s%n", "scenario", "checksum pass", "merging pass", "steady"));
        for (KernelCheck.Outcome o : outcomes) {
            SideResult k = o.kernel();
            SideResult m = o.model();
            if (!k.available() || !m.available() || !(m.extra().get(ModelRunner.SIMULATOR_CPU_NS) instanceof List<?>)) {
                continue;
            }
            long last = Math.min(lastPass(k), lastPass(m));
            b.append(String.format("%-34s", o.scenario().name()));
            for (long pass : new long[] {1, 2, last}) {
                Double kp = pass >= 1 ? perPage(k, pass) : null;
                Double sp = pass >= 1 ? simulatorCpuPerPage(m, pass) : null;
                b.append(String.format(" %-26s", kp == null || sp == null ? "-"
                        : String.format("%.0f / %.0f = %.2f%s", sp, kp, sp / kp, sp / kp > 0.5 ? " >0.5" : "")));
            }
            b.append('\n');
        }
        return b.toString();
    }

    /** The simulator's CPU per page scanned in full scan {@code pass} of the model side, or null. */
    static Double simulatorCpuPerPage(SideResult m, long pass) {
        if (!(m.extra().get(ModelRunner.SIMULATOR_CPU_NS) instanceof List<?> cpu) || cpu.size() != m.series().size()) {
            return null;
        }
        int a = m.indexOfPass(pass - 1), z = m.indexOfPass(pass);
        if (a < 0 || z < 0 || !(cpu.get(a) instanceof Number ca) || !(cpu.get(z) instanceof Number cz)) return null;
        long pages = m.series().get(z).get("pages_scanned") - m.series().get(a).get("pages_scanned");
        return pages <= 0 ? null : (cz.longValue() - ca.longValue()) / (double) pages;
    }

    /** ksmd CPU up to the sample at which the side converged. */
    static long cpuToConvergence(SideResult s) {
        Map<String, Long> at = s.atPass(s.convergedFullScans());
        return at == null || at.get("ksmd_cpu_ns") == null ? -1 : at.get("ksmd_cpu_ns");
    }

    /** ksmd CPU per page scanned in full scan {@code pass}, or null. */
    static Double perPage(SideResult s, long pass) {
        Map<String, Long> a = s.atPass(pass - 1), z = s.atPass(pass);
        if (a == null || z == null || a.get("ksmd_cpu_ns") == null || z.get("ksmd_cpu_ns") == null) return null;
        long pages = z.get("pages_scanned") - a.get("pages_scanned");
        return pages <= 0 ? null : (z.get("ksmd_cpu_ns") - a.get("ksmd_cpu_ns")) / (double) pages;
    }

    static boolean sleepZero(Scenario sc) {
        return "0".equals(sc.kernelKnobs().get("sleep_millisecs"));
    }

    private static String ratioText(long model, long kernel, double tolerance) {
        return "; model/kernel " + ratio(model, kernel, tolerance);
    }

    /**
     * For a time to converge flagged OUTSIDE against the median of several kernel runs: whether
     * the model's time still lies between the kernel's own fastest and slowest run, which says the
     * miss is no bigger than the kernel's run-to-run spread ("" otherwise).
     */
    static String withinKernelRuns(long modelMs, SideResult kernel) {
        if (!(kernel.extra().get(KernelCheck.RUNS_KEY) instanceof List<?> runs) || runs.size() < 2) return "";
        if (Math.abs(modelMs / (double) kernel.convergedMs() - 1) <= KernelCheck.TIME_TOLERANCE) return "";
        long min = runs.stream().mapToLong(x -> ((Number) x).longValue()).min().orElseThrow();
        long max = runs.stream().mapToLong(x -> ((Number) x).longValue()).max().orElseThrow();
        return modelMs >= min && modelMs <= max
                ? String.format(" (inside the kernel's own runs, %d to %d ms)", min, max)
                : String.format(" (outside the kernel's own runs too, %d to %d ms)", min, max);
    }

    /** "0.98" or "1.31 OUTSIDE". */
    static String ratio(long model, long kernel, double tolerance) {
        if (kernel <= 0 || model < 0) return "-";
        double r = model / (double) kernel;
        return String.format("%.3f%s", r, Math.abs(r - 1) > tolerance ? " OUTSIDE" : "");
    }

    private static long lastPass(SideResult s) {
        long max = 0;
        for (Map<String, Long> x : s.series()) {
            Long fs = x.get("full_scans");
            if (fs != null) max = Math.max(max, fs);
        }
        return max;
    }

    private static String str(Long v) {
        return v == null ? "-" : v.toString();
    }

    private static String signed(long d) {
        return d == 0 ? "0" : (d > 0 ? "+" + d : Long.toString(d));
    }
}
