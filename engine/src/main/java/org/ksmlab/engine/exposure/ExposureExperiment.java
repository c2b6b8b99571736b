package org.ksmlab.engine.exposure;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.ksmlab.engine.cost.FaultLatency;
import org.ksmlab.engine.mm.Kernel;
import org.ksmlab.engine.sim.Convergence;
import org.ksmlab.engine.sim.Algorithms;
import org.ksmlab.engine.sim.Horizon;
import org.ksmlab.engine.sim.Simulation;
import org.ksmlab.engine.sim.SimulationResult;
import org.ksmlab.engine.workload.Workload;
import org.ksmlab.engine.workload.WorkloadSpec;

/**
 * Exposure against saving, for every merger on one workload, in one run: what each merger saves
 * and costs, and what it lets a co-tenant learn.
 *
 * <ol>
 * <li>The <b>horizon</b> ({@link Horizon}) over the mergers compared: every merger until stable
 *     on the workload, the latest stop rounded up to a whole second.</li>
 * <li><b>Saving and cost</b>: each merger runs the workload alone for exactly the horizon; its
 *     saving, CPU and COW faults ({@link Convergence}) and its cross-domain merges at the end
 *     ({@link CrossDomainSharing}) are read from that run, so every defence is measured on the
 *     same workload, over the same stretch of it, as unrestricted KSM.</li>
 * <li><b>Exposure</b>: {@code trials} seeded trials of the attack ({@link AttackTrial}) per
 *     merger, the attack starting anywhere from the workload's start to the horizon; every merger
 *     sees the same trials (the same secrets, guesses, order and start times), so their results
 *     differ only by what the merger does. Counted into {@link ExposureMetrics}.</li>
 * </ol>
 *
 * @param workload  the workload spec, as run
 * @param horizonMs the equal horizon of the saving runs, virtual ms
 * @param plan      the attack
 * @param latency   the attacker's timing model
 * @param mergers   one row per merger, in the order asked
 */
public record ExposureExperiment(String workload, long horizonMs, AttackPlan plan, FaultLatency latency, List<Row> mergers) {
    /**
     * One merger's saving, cost and exposure.
     *
     * @param merger            the merger and its knobs
     * @param saving            its run to the horizon on the workload alone
     * @param nrAnonPages       nr_anon_pages at the horizon
     * @param cowFaults         every COW fault of that run (the kernel's cow_faults)
     * @param crossDomainMerges cross-domain merges at the horizon
     * @param attack            what the attacker learnt over the trials
     * @param attackCrossDomainMergesMean cross-domain merges at the end of a trial, mean over the trials
     */
    public record Row(Merger merger, Convergence saving, long nrAnonPages, long cowFaults, long crossDomainMerges,
                      ExposureMetrics attack, double attackCrossDomainMergesMean) {
    }

    /**
     * Runs the experiment: {@code fresh} builds a new, unused workload per call (the same one every
     * time), {@code mergers} are the mergers (each with its knobs), the attack waits {@code waitsMs}, probes
     * {@code probesPerWait} held and as many fresh guesses per wait, {@code trials} times per merger,
     * with draws from {@code seed}.
     */
    public static ExposureExperiment run(Supplier<Workload> fresh, List<Merger> mergers, List<Long> waitsMs, int probesPerWait,
                                         int trials, long seed, FaultLatency latency) {
        return run(fresh, mergers, waitsMs, probesPerWait, trials, seed, latency, line -> { });
    }

    /** {@link #run(Supplier, List, List, int, int, long, FaultLatency)}, telling {@code progress} as each merger starts. */
    public static ExposureExperiment run(Supplier<Workload> fresh, List<Merger> mergers, List<Long> waitsMs, int probesPerWait,
                                         int trials, long seed, FaultLatency latency, java.util.function.Consumer<String> progress) {
        if (mergers.isEmpty()) {
            throw new IllegalArgumentException("an exposure experiment needs at least one merger");
        }
        List<String> algos = mergers.stream().map(Merger::algo).distinct().toList();
        long horizonMs = Horizon.ms(fresh, algos);
        AttackPlan plan = new AttackPlan(waitsMs, probesPerWait, 0, horizonMs, trials, seed);
        String spec = fresh.get().spec().toString();
        List<Row> rows = new ArrayList<>();
        progress.accept("horizon " + horizonMs + " virtual ms (every merger until stable)");
        for (Merger merger : mergers) {
            progress.accept(merger.label() + ": saving to the horizon, then " + trials + " attack trials");
            CrossDomainAtEnd alone = new CrossDomainAtEnd(fresh.get());
            SimulationResult r = new Simulation(alone, merger.algo(), merger.knobs(), Simulation.Options.forMs(horizonMs)).run();
            List<AttackTrial.Result> results = new ArrayList<>();
            double crossSum = 0;
            for (int t = 0; t < trials; t++) {
                AttackTrial.Result result = AttackTrial.run(fresh.get(), merger.algo(), merger.knobs(), plan, t, latency);
                results.add(result);
                crossSum += result.crossDomainMerges();
            }
            rows.add(new Row(merger, Convergence.of(r), number(r, "nr_anon_pages"), number(r, "cow_faults"), alone.merges,
                    ExposureMetrics.of(plan, results), crossSum / trials));
        }
        return new ExposureExperiment(spec, horizonMs, plan, latency, List.copyOf(rows));
    }

    private static long number(SimulationResult r, String key) {
        return ((Number) r.finalCounters().get(key)).longValue();
    }

    /**
     * A merger as the experiment runs it: an {@code --algo} name and the knobs set on it (as
     * {@code --set}; empty for its defaults). Its label is the name, followed by the knobs.
     */
    public record Merger(String algo, Map<String, String> knobs) {
        public Merger {
            Algorithms.get(algo); // an unknown name fails here, listing the names
            knobs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(knobs));
        }

        /** A merger with its default knobs. */
        public static Merger of(String algo) {
            return new Merger(algo, Map.of());
        }

        /** {@code ksm} or {@code ksm smart_scan=0}. */
        public String label() {
            StringBuilder sb = new StringBuilder(algo);
            knobs.forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
            return sb.toString();
        }
    }

    /**
     * The mergers an experiment compares by default: every registered merger with its default
     * knobs, then ksm with smart_scan=0 (smart scan changes how soon a probe meets a long-lived
     * victim page, see the package documentation).
     */
    public static List<Merger> defaultMergers() {
        List<Merger> all = new ArrayList<>();
        for (org.ksmlab.engine.sim.AlgorithmDefinition d : Algorithms.all()) {
            all.add(Merger.of(d.name()));
        }
        all.add(new Merger("ksm", Map.of("smart_scan", "0")));
        return List.copyOf(all);
    }

    /** The row of the merger labelled {@code label}. */
    public Row row(String label) {
        for (Row r : mergers) {
            if (r.merger().label().equals(label)) {
                return r;
            }
        }
        throw new IllegalArgumentException("no merger '" + label + "' in this experiment");
    }

    /** The experiment as ordered maps and lists, for any JSON writer (see the README for the fields). */
    public Map<String, Object> toJsonObject() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("workload", workload);
        m.put("horizon_ms", horizonMs);
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("waits_ms", plan.waitsMs());
        p.put("probes_per_wait", plan.probesPerWait());
        p.put("attack_start_ms", List.of(plan.startFromMs(), plan.startToMs()));
        p.put("trials", plan.trials());
        p.put("seed", plan.seed());
        p.put("store_copy_threshold_ns", (latency.wpReuseNs() + latency.cowCopyNs()) / 2);
        m.put("plan", p);
        Map<String, Object> l = new LinkedHashMap<>();
        l.put("plain_store_ns", latency.plainStoreNs());
        l.put("first_touch_ns", latency.firstTouchNs());
        l.put("zero_cow_ns", latency.zeroCowNs());
        l.put("wp_reuse_ns", latency.wpReuseNs());
        l.put("cow_copy_ns", latency.cowCopyNs());
        l.put("syscall_ns", latency.syscallNs());
        m.put("fault_latency", l);
        List<Object> rows = new ArrayList<>();
        for (Row r : mergers) {
            rows.add(rowJson(r));
        }
        m.put("mergers", rows);
        return m;
    }

    private static Map<String, Object> rowJson(Row r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("label", r.merger().label());
        m.put("algo", r.merger().algo());
        m.put("knobs", r.merger().knobs());
        Convergence c = r.saving();
        m.put("saved_pages", c.savedPages());
        m.put("saved_avg_pages", c.savedAvgPages());
        m.put("nr_anon_pages", r.nrAnonPages());
        m.put("cpu_ns", c.cpuNs());
        m.put("cow_faults", r.cowFaults());
        m.put("cow_after_merge", c.cowAfterMerge());
        m.put("virtual_ms_to_90", c.virtualMsTo90());
        m.put("cross_domain_merges", r.crossDomainMerges());
        ExposureMetrics a = r.attack();
        Map<String, Object> attack = new LinkedHashMap<>();
        attack.put("trials", a.trials());
        attack.put("cross_domain_merges_mean", r.attackCrossDomainMergesMean());
        List<Object> store = new ArrayList<>();
        for (ExposureMetrics.WaitRow w : a.storeByWait()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("wait_ms", w.waitMs());
            putCounts(row, w.decisions());
            row.put("bits_per_hour_per_page", w.bitsPerHour());
            row.put("full_scans_min", w.fullScansMin());
            row.put("full_scans_max", w.fullScansMax());
            store.add(row);
        }
        attack.put("store", store);
        Map<String, Object> madvise = new LinkedHashMap<>();
        putCounts(madvise, a.madvise());
        madvise.put("mean_ns", a.madviseMeanNs());
        madvise.put("bits_per_hour_per_page", a.madviseBitsPerHour());
        madvise.put("open_trials", a.madviseOpen());
        attack.put("madvise", madvise);
        Channel worst = a.worstChannel();
        Confusion d = a.decisions(worst);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("channel", worst.key());
        putCounts(summary, d);
        summary.put("tpr", d.tpr());
        summary.put("fpr", d.fpr());
        summary.put("accuracy", d.accuracy());
        summary.put("p_value", d.pValue());
        double reliable = a.reliableAfterMs(worst);
        summary.put("reliable_after_ms", reliable < 0 ? null : reliable);
        summary.put("bits_per_hour_per_page", a.bitsPerHour(worst));
        attack.put("summary", summary);
        m.put("attack", attack);
        return m;
    }

    private static void putCounts(Map<String, Object> m, Confusion c) {
        m.put("tp", c.tp());
        m.put("fn", c.fn());
        m.put("fp", c.fp());
        m.put("tn", c.tn());
    }

    /** A workload unchanged, but counting cross-domain merges when its run ends. */
    private static final class CrossDomainAtEnd implements Workload {
        private final Workload inner;
        long merges;

        CrossDomainAtEnd(Workload inner) {
            this.inner = inner;
        }

        @Override public WorkloadSpec spec() { return inner.spec(); }
        @Override public long seed() { return inner.seed(); }
        @Override public Map<String, Number> params() { return inner.params(); }
        @Override public long framesAtMost() { return inner.framesAtMost(); }
        @Override public void start(Kernel kernel, Scheduler scheduler) { inner.start(kernel, scheduler); }

        @Override
        public void finish(Kernel kernel, Scheduler scheduler) {
            inner.finish(kernel, scheduler);
            merges = CrossDomainSharing.count(kernel);
        }
    }
}
