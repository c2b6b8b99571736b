package org.ksmlab.engine.sim;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.ksmlab.engine.memory.PageMode;
import org.ksmlab.engine.workload.Workload;

/**
 * The equal footing of a merger comparison: every merger runs the same workload for the same
 * virtual time, the <b>horizon</b>, so savings, COW faults and CPU are counted over the same
 * stretch of the workload's life.
 *
 * <h2>The rule</h2>
 * The horizon of a workload is the latest time at which any registered merger's run (default
 * knobs) stops under the until-stable rule of {@link Simulation}, rounded up to a whole virtual
 * second ({@value #ROUND_MS} ms). That stop rule waits for the merger's counters to hold still
 * through at least one firing of every periodic writer of the workload, so the horizon covers
 * both the slowest merger's convergence and the workload's periodic rewrites (and the COW
 * faults they cause on merged pages). A run that is not stable within {@code max_ms} makes the
 * horizon {@code max_ms}.
 *
 * <p>Every merger is then run {@link Simulation.Options#forMs for exactly the horizon}; its
 * saving is read at the horizon and as the time-weighted average from opt-in to the horizon
 * ({@link Convergence}). The horizon depends only on the workload (all registered mergers take
 * part, whichever a benchmark compares), so every shard of a sweep computes the same one.
 */
public final class Horizon {
    /** The horizon is rounded up to a multiple of this, virtual ms. */
    public static final long ROUND_MS = 1000;

    private Horizon() {
    }

    /**
     * The horizon of the workload {@code fresh} builds (a new, unused workload per call), in
     * virtual ms, over every registered merger.
     */
    public static long ms(Supplier<Workload> fresh) {
        return ms(fresh, Algorithms.all().stream().map(AlgorithmDefinition::name).toList());
    }

    /** The horizon over the given mergers, each with its default knobs. */
    public static long ms(Supplier<Workload> fresh, List<String> algos) {
        return ms(fresh, algos, PageMode.BYTE);
    }

    /**
     * The horizon over every registered merger with page contents held as {@code mode} says (the
     * counters, and so the horizon, are the same in both modes; symbolic pages fit larger sizes).
     */
    public static long ms(Supplier<Workload> fresh, PageMode mode) {
        return ms(fresh, Algorithms.all().stream().map(AlgorithmDefinition::name).toList(), mode);
    }

    private static long ms(Supplier<Workload> fresh, List<String> algos, PageMode mode) {
        if (algos.isEmpty()) {
            throw new IllegalArgumentException("a horizon needs at least one merger");
        }
        long latestNs = 0;
        for (String algo : algos) {
            SimulationResult r = new Simulation(fresh.get(), algo, Map.of(), Simulation.Options.stable(), mode).run();
            latestNs = Math.max(latestNs, ((Number) r.finalCounters().get("virtual_ns")).longValue());
        }
        long roundNs = ROUND_MS * 1_000_000L;
        return Math.max(1, Math.ceilDiv(latestNs, roundNs)) * ROUND_MS;
    }

    /** Runs {@code workload} under {@code algo} (default knobs) for exactly {@code horizonMs}. */
    public static SimulationResult run(Workload workload, String algo, long horizonMs) {
        return run(workload, algo, horizonMs, PageMode.BYTE);
    }

    /** As {@link #run(Workload, String, long)}, with page contents held as {@code mode} says. */
    public static SimulationResult run(Workload workload, String algo, long horizonMs, PageMode mode) {
        return new Simulation(workload, algo, Map.of(), Simulation.Options.forMs(horizonMs), mode).run();
    }
}
