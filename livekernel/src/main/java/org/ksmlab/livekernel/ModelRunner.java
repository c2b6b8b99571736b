package org.ksmlab.livekernel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ksmlab.engine.cost.WorkCounts;
import org.ksmlab.engine.ksm.Ksm;
import org.ksmlab.engine.memory.PageMode;
import org.ksmlab.engine.sim.Algorithms;
import org.ksmlab.engine.sim.Simulation;
import org.ksmlab.engine.sim.SimulationResult;
import org.ksmlab.engine.workload.Workloads;

/**
 * The model side: the engine's {@code ksm} algorithm on the same spec and knobs, until stable,
 * sampled once per full scan, on the kernel's clock as measured ({@code kernel.*} timing knobs:
 * tick rate, late timers, ksmd's CPU share and CPU before the run). When the build has no
 * {@code ksm} algorithm, or the model refuses the knobs, the side is
 * {@linkplain SideResult#unavailable unavailable}: no number stands in for it.
 *
 * <p>Besides the counters, the side records ksmd's work counts at every sample ({@code work}:
 * pages checksummed, bytes compared, tree steps, ... cumulative), which
 * {@link Calibration} fits the per-operation costs with.
 */
public final class ModelRunner {
    public static final String ALGO = "ksm";
    /**
     * The model side's extra: the simulator's wall time, ms, to build the workload and run it until
     * stable (the stability check's extra passes included), measured in the checking JVM.
     */
    public static final String SIMULATOR_WALL_MS = "simulator_wall_ms";
    /**
     * The model side's extra: the simulating thread's own CPU time, ns, from the start of the run to
     * each sample (aligned with the series; samples come once per full scan), so a pass's difference
     * over its pages scanned is the simulator's CPU per scanned page in that pass.
     */
    public static final String SIMULATOR_CPU_NS = "simulator_cpu_ns";
    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    private ModelRunner() {
    }

    public static boolean available() {
        return Algorithms.all().stream().anyMatch(a -> a.name().equals(ALGO));
    }

    /** The model with the default kernel timing (no measured clock). */
    public static SideResult run(Scenario sc) {
        return run(sc, Map.of());
    }

    /** The model with {@code kernelKnobs} ({@code kernel.*}) on top of the scenario's knobs, byte pages. */
    public static SideResult run(Scenario sc, Map<String, String> kernelKnobs) {
        return run(sc, kernelKnobs, PageMode.BYTE);
    }

    /**
     * The model with {@code kernelKnobs} on top of the scenario's knobs, in {@code pageMode}: the
     * counters are the same in both modes (engine PageModesAgreeProperties); only the simulator's
     * own time and memory differ, which is what the speed tables read.
     */
    public static SideResult run(Scenario sc, Map<String, String> kernelKnobs, PageMode pageMode) {
        if (!available()) {
            return SideResult.unavailable("model unavailable: the engine in this build has no '" + ALGO + "' algorithm");
        }
        Map<String, String> knobs = new LinkedHashMap<>(sc.knobs());
        knobs.putAll(kernelKnobs);
        List<Map<String, Long>> work = new ArrayList<>();
        List<Long> cpuAtSample = new ArrayList<>();
        SimulationResult r;
        // The simulator's own wall time for this side: building the workload and simulating it until
        // stable, in this JVM (its JIT warms up over the first scenarios of a check). Not virtual time.
        long started = System.nanoTime();
        long cpuStarted = THREADS.getCurrentThreadCpuTime();
        try {
            r = new Simulation(Workloads.create(sc.modelSpec()), ALGO, knobs,
                    new Simulation.Options(100, 24L * 3600 * 1000, -1, -1, true, 2), pageMode)
                    .onSample(k -> {
                        cpuAtSample.add(THREADS.getCurrentThreadCpuTime() - cpuStarted);
                        work.add(k.merger() instanceof Ksm ksm ? workMap(ksm.workCounts()) : Map.of());
                    })
                    .run();
        } catch (IllegalArgumentException e) {
            return SideResult.unavailable("model unavailable: " + e.getMessage());
        }
        long wallNs = System.nanoTime() - started;
        Map<String, Object> fin = r.finalCounters();
        long convScans = asLong(fin.get("converged_full_scans"));
        long convMs = asLong(fin.get("converged_ms"));
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put(SIMULATOR_WALL_MS, Math.round(wallNs / 1e5) / 10.0);
        extra.put("page_mode", pageMode.label());
        Map<String, Object> cpu = cpu(fin);
        if (!cpu.isEmpty()) extra.put("cpu", cpu);
        if (!kernelKnobs.isEmpty()) extra.put("kernel_knobs", new LinkedHashMap<>(kernelKnobs));
        if (work.size() == r.series().size()) extra.put("work", work);
        if (cpuAtSample.size() == r.series().size()) extra.put(SIMULATOR_CPU_NS, List.copyOf(cpuAtSample));
        return new SideResult(fin, convScans, convMs, List.copyOf(r.series()), extra, null);
    }

    /** The work counts under their cost names' stems (pages_checksummed, bytes_compared, ...). */
    static Map<String, Long> workMap(WorkCounts w) {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("pages_checksummed", w.pagesChecksummed);
        m.put("bytes_compared", w.bytesCompared);
        m.put("tree_steps", w.treeSteps);
        m.put("merges", w.merges);
        m.put("write_protects", w.writeProtects);
        m.put("cow_copies", w.cowCopies);
        m.put("pages_visited", w.pagesVisited);
        m.put("table_updates", w.tableUpdates);
        m.put("lru_drains", w.lruDrains);
        m.put("stable_steps", w.stableSteps);
        m.put("wakeups", w.wakeups);
        m.put("passes", w.passes);
        m.put("volatile_pages", w.volatilePages);
        return m;
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
