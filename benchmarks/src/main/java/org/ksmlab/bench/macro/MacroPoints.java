package org.ksmlab.bench.macro;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.ksmlab.bench.Suites;
import org.ksmlab.engine.memory.PageMode;
import org.ksmlab.engine.sim.Convergence;
import org.ksmlab.engine.workload.Workload;

/**
 * A macro benchmark's sweep point run once, outside JMH: the model's answer for that point
 * (virtual time, deterministic), computed by exactly the calls the benchmark times
 * ({@link MacroRuns}), so a sweep in one JVM ({@code sweep}) and a JMH suite give the same
 * counters for the same point. The model points are those of {@link KsmConvergenceBenchmark} and
 * {@link MergerComparisonBenchmark}; the others measure wall time only and have no model answer.
 */
public final class MacroPoints {
    /** The ksm convergence benchmark method. */
    public static final String KSM_CONVERGENCE = "org.ksmlab.bench.macro.KsmConvergenceBenchmark.converge";

    private MacroPoints() {
    }

    /** Whether {@code p} has a model answer (a ksm convergence or merger comparison point). */
    public static boolean isModelPoint(Suites.Point p) {
        return p.benchmark().equals(KSM_CONVERGENCE) || p.benchmark().equals(Suites.COMPARISON);
    }

    /** Total pages of the point's workload (its {@code pages} parameter). */
    public static long pages(Suites.Point p) {
        return Long.parseLong(p.params().get("pages"));
    }

    /** How the point holds page contents: its {@code pageMode} parameter, byte when it names none. */
    public static PageMode pageMode(Suites.Point p) {
        return PageMode.parse(p.params().getOrDefault("pageMode", "byte"));
    }

    /** The point's fresh workload (built by the run that uses it). */
    public static Workload workload(Suites.Point p) {
        return MacroRuns.workload(p.params().get("mix"), pages(p), Long.parseLong(p.params().get("seed")));
    }

    /**
     * Runs a model point on {@code workload} (from {@link #workload}): ksm until stable with the
     * point's knobs, or its merger to the comparison horizon of its mix and size (from
     * {@code horizons}, computed once per mix, size and seed).
     */
    public static Convergence run(Suites.Point p, Workload workload, Horizons horizons) {
        Map<String, String> v = p.params();
        // The benchmarks' pageMode parameter (byte when a point does not name it): the counters
        // are the same in both modes, but only symbolic pages fit the scaling suite's largest points.
        PageMode mode = pageMode(p);
        if (p.benchmark().equals(KSM_CONVERGENCE)) {
            Map<String, String> knobs = MacroRuns.ksmKnobs(Integer.parseInt(v.get("pagesToScan")), Integer.parseInt(v.get("sleepMillis")),
                    Integer.parseInt(v.get("smartScan")), v.get("advisor"));
            return Convergence.of(MacroRuns.untilStable(workload, "ksm", knobs, mode));
        }
        if (p.benchmark().equals(Suites.COMPARISON)) {
            long horizonMs = horizons.ms(v.get("mix"), pages(p), Long.parseLong(v.get("seed")), mode);
            return Convergence.of(MacroRuns.toHorizon(workload, v.get("algo"), horizonMs, mode));
        }
        throw new IllegalArgumentException(p.benchmark() + " has no model answer (wall time only)");
    }

    /**
     * The benchmarks' model counters of a run, by the names JMH gives them
     * ({@link ConvergenceCounters}' public fields, in declaration order).
     */
    public static Map<String, Long> counters(Convergence c) {
        ConvergenceCounters counters = new ConvergenceCounters();
        counters.set(c);
        Map<String, Long> out = new LinkedHashMap<>();
        for (Field f : ConvergenceCounters.class.getDeclaredFields()) {
            if (Modifier.isPublic(f.getModifiers()) && !Modifier.isStatic(f.getModifiers()) && f.getType() == long.class) {
                try {
                    out.put(f.getName(), f.getLong(counters));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return out;
    }

    /** Comparison horizons, each computed once however many threads ask for it at the same time. */
    public static final class Horizons {
        private record Key(String mix, long pages, long seed) {}

        private final ConcurrentHashMap<Key, CompletableFuture<Long>> horizons = new ConcurrentHashMap<>();

        /**
         * The horizon of mix {@code mix} at {@code pages} pages and {@code seed}, virtual ms
         * ({@link MacroRuns#horizonMs}), computed with pages held as {@code mode} says (the first
         * caller's: both modes give the same horizon).
         */
        public long ms(String mix, long pages, long seed, PageMode mode) {
            CompletableFuture<Long> mine = new CompletableFuture<>();
            CompletableFuture<Long> f = horizons.putIfAbsent(new Key(mix, pages, seed), mine);
            if (f == null) {
                try {
                    mine.complete(MacroRuns.horizonMs(mix, pages, seed, mode));
                } catch (RuntimeException | Error e) {
                    mine.completeExceptionally(e);
                }
                f = mine;
            }
            return f.join();
        }
    }
}
