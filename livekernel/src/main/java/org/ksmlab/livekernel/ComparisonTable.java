package org.ksmlab.livekernel;

import java.util.List;
import java.util.Map;

/**
 * The text form of one scenario: per full scan, kernel / model / difference (model − kernel)
 * for the compared counters, then convergence and ksmd CPU per page.
 */
public final class ComparisonTable {
    /** The counters compared pass by pass. */
    public static final List<String> COMPARED = List.of("pages_shared", "pages_sharing", "pages_unshared", "pages_volatile",
            "ksm_zero_pages", "stable_node_chains", "stable_node_dups", "general_profit");
    private static final List<String> SHORT = List.of("shared", "sharing", "unshared", "volatile", "zero", "chains", "dups", "profit");

    private ComparisonTable() {
    }

    public static String render(Scenario sc, SideResult kernel, SideResult model) {
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
        b.append(String.format("converged: kernel at full scan %d after %d ms (wall)", kernel.convergedFullScans(), kernel.convergedMs()));
        if (withModel) {
            b.append(String.format("; model at full scan %d after %d ms (virtual)", model.convergedFullScans(), model.convergedMs()));
        }
        b.append(kernel.finalCounters().get("stable") instanceof Long s && s == 1 ? "" : "  [kernel NOT stable within the scan/time bound]");
        b.append('\n');
        b.append("ksmd CPU per scanned page: kernel ").append(cpuText(kernel));
        b.append("; model ").append(withModel ? cpuText(model) : "unavailable").append('\n');
        return b.toString();
    }

    @SuppressWarnings("unchecked")
    private static String cpuText(SideResult s) {
        Object c = s.extra().get("cpu");
        if (!(c instanceof Map<?, ?> m) || m.get("ns_per_scanned_page") == null) {
            return "n/a (no CPU figure)";
        }
        Map<String, Object> cpu = (Map<String, Object>) m;
        StringBuilder b = new StringBuilder();
        b.append(cpu.get("ns_per_scanned_page")).append(" ns overall (").append(cpu.get("ksmd_cpu_ns")).append(" ns / ")
                .append(cpu.get("pages_scanned")).append(" pages)");
        if (cpu.get("first_pass_ns_per_page") != null) b.append(", pass 1 ").append(cpu.get("first_pass_ns_per_page")).append(" ns");
        if (cpu.get("steady_ns_per_page") != null) b.append(", after convergence ").append(cpu.get("steady_ns_per_page")).append(" ns");
        return b.toString();
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
