package org.ksmlab.livekernel;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ksmlab.engine.sim.Algorithms;
import org.ksmlab.engine.sim.Simulation;
import org.ksmlab.engine.sim.SimulationResult;
import org.ksmlab.engine.workload.Workloads;

/**
 * The model side: the engine's {@code ksm} algorithm on the same spec and knobs, until stable,
 * sampled once per full scan. When the build has no {@code ksm} algorithm, or the model refuses
 * the knobs, the side is {@linkplain SideResult#unavailable unavailable}: no number stands in for it.
 */
public final class ModelRunner {
    public static final String ALGO = "ksm";

    private ModelRunner() {
    }

    public static boolean available() {
        return Algorithms.all().stream().anyMatch(a -> a.name().equals(ALGO));
    }

    public static SideResult run(Scenario sc) {
        if (!available()) {
            return SideResult.unavailable("model unavailable: the engine in this build has no '" + ALGO + "' algorithm");
        }
        SimulationResult r;
        try {
            r = new Simulation(Workloads.create(sc.modelSpec()), ALGO, sc.knobs(),
                    new Simulation.Options(100, 24L * 3600 * 1000, -1, -1, true, 2)).run();
        } catch (IllegalArgumentException e) {
            return SideResult.unavailable("model unavailable: " + e.getMessage());
        }
        Map<String, Object> fin = r.finalCounters();
        long convScans = asLong(fin.get("converged_full_scans"));
        long convMs = asLong(fin.get("converged_ms"));
        Map<String, Object> extra = new LinkedHashMap<>();
        Map<String, Object> cpu = cpu(fin);
        if (!cpu.isEmpty()) extra.put("cpu", cpu);
        return new SideResult(fin, convScans, convMs, List.copyOf(r.series()), extra, null);
    }

    /** The model's modelled CPU per scanned page, if its counters carry a CPU figure ({@code *cpu_ns}). */
    static Map<String, Object> cpu(Map<String, Object> fin) {
        Map<String, Object> m = new LinkedHashMap<>();
        String key = null;
        for (String k : List.of("ksmd_cpu_ns", "cpu_ns", "modelled_cpu_ns", "merger_cpu_ns")) {
            if (fin.get(k) instanceof Number) {
                key = k;
                break;
            }
        }
        if (key == null) return m;
        long ns = asLong(fin.get(key));
        long pages = asLong(fin.get("pages_scanned"));
        m.put("source", key);
        m.put("ksmd_cpu_ns", ns);
        m.put("pages_scanned", pages);
        m.put("ns_per_scanned_page", pages <= 0 ? null : Math.round(10.0 * ns / pages) / 10.0);
        return m;
    }

    static long asLong(Object o) {
        return o instanceof Number n ? n.longValue() : -1;
    }
}
