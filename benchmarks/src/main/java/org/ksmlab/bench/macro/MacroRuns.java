package org.ksmlab.bench.macro;

import java.util.LinkedHashMap;
import java.util.Map;
import org.ksmlab.datasets.Mixes;
import org.ksmlab.engine.memory.PageMode;
import org.ksmlab.engine.sim.Horizon;
import org.ksmlab.engine.sim.Simulation;
import org.ksmlab.engine.sim.SimulationResult;
import org.ksmlab.engine.workload.Workload;
import org.ksmlab.engine.workload.Workloads;

/**
 * How a macro benchmark point becomes a simulation, shared by the benchmarks and the
 * {@code series} command so the chart shows exactly the runs the tables measured.
 */
public final class MacroRuns {
    private MacroRuns() {
    }

    /** A fresh workload for mix {@code mix} sized to {@code pages} total pages (a workload is used by one run only). */
    public static Workload workload(String mix, long pages, long seed) {
        return Workloads.create(Mixes.spec(mix, pages, seed));
    }

    /**
     * The comparison horizon of mix {@code mix} at {@code pages} pages ({@link Horizon}: every
     * registered merger until stable, the latest stop rounded up to a whole second), virtual ms.
     */
    public static long horizonMs(String mix, long pages, long seed) {
        return horizonMs(mix, pages, seed, PageMode.BYTE);
    }

    /** As {@link #horizonMs(String, long, long)}, the mergers' runs holding pages as {@code mode} says. */
    public static long horizonMs(String mix, long pages, long seed, PageMode mode) {
        return Horizon.ms(() -> workload(mix, pages, seed), mode);
    }

    /** Runs {@code workload} under {@code algo} (default knobs) for exactly {@code horizonMs} virtual ms. */
    public static SimulationResult toHorizon(Workload workload, String algo, long horizonMs) {
        return toHorizon(workload, algo, horizonMs, PageMode.BYTE);
    }

    /** As {@link #toHorizon(Workload, String, long)}, holding pages as {@code mode} says. */
    public static SimulationResult toHorizon(Workload workload, String algo, long horizonMs, PageMode mode) {
        return Horizon.run(workload, algo, horizonMs, mode);
    }

    /** ksm's knobs for a convergence point, in sysfs write order (pages_to_scan before advisor_mode: EINVAL after it). */
    public static Map<String, String> ksmKnobs(int pagesToScan, int sleepMillis, int smartScan, String advisor) {
        Map<String, String> knobs = new LinkedHashMap<>();
        knobs.put("pages_to_scan", Integer.toString(pagesToScan));
        knobs.put("sleep_millisecs", Integer.toString(sleepMillis));
        knobs.put("smart_scan", Integer.toString(smartScan));
        knobs.put("advisor_mode", advisor);
        return knobs;
    }

    /** Runs {@code workload} under {@code algo} with {@code knobs} until stable (100 ms samples, at most 24 virtual hours). */
    public static SimulationResult untilStable(Workload workload, String algo, Map<String, String> knobs) {
        return untilStable(workload, algo, knobs, PageMode.BYTE);
    }

    /** As {@link #untilStable(Workload, String, Map)}, holding pages as {@code mode} says. */
    public static SimulationResult untilStable(Workload workload, String algo, Map<String, String> knobs, PageMode mode) {
        return new Simulation(workload, algo, knobs, Simulation.Options.stable(), mode).run();
    }
}
