package org.ksmlab.engine.exposure;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.ksmlab.engine.cost.FaultLatency;
import org.ksmlab.engine.memory.PageStore;
import org.ksmlab.engine.mm.Kernel;
import org.ksmlab.engine.mm.VmFlags;
import org.ksmlab.engine.sim.Simulation;
import org.ksmlab.engine.workload.PageContents;
import org.ksmlab.engine.workload.Workload;
import org.ksmlab.engine.workload.WorkloadSpec;

/**
 * One seeded trial of the attack: a workload, a victim in it that holds some secret pages, and
 * an attacker process of another security domain that guesses them, all in one simulation under
 * one merger. The trial is {@link #run}; its result lists every probe's timings and the
 * attacker's decisions.
 *
 * <h2>The timeline</h2>
 * <ol>
 * <li>Virtual time 0: the workload starts as it always does; then its first process, the
 *     victim, maps {@link AttackPlan#secretPages()} more pages, writes a secret into each (contents
 *     nobody else has) and makes them MADV_MERGEABLE, as it does its other memory.</li>
 * <li>At the attack start (drawn from the plan's window): the attacker, a new process and so a
 *     domain of its own, maps three calibration pages (a control of fresh contents and two
 *     twins of one other content) and the probe pages: per wait, {@code probesPerWait} guesses
 *     equal to secrets of the victim and as many of fresh contents, shuffled. It writes every page,
 *     then calls madvise(MADV_MERGEABLE) on each page alone, timing each call
 *     ({@link TimedAccess}).</li>
 * <li>After each wait: one store to each probe page of that wait's group, timed.</li>
 * </ol>
 *
 * <h2>The attacker's decisions</h2>
 * <ul>
 * <li>{@link Channel#STORE}: a probe is "held by someone" when its store took longer than a
 *     store that copies must take ({@link TimedAccess#copyThresholdNs()}: half way between a
 *     write-protect fault that reuses the page and one that copies it, latencies the attacker can
 *     measure on its own pages).</li>
 * <li>{@link Channel#MADVISE}: a merger that merges inside the call (SKSM) takes longer for a
 *     page it merges than for one it only records. The attacker calibrates on its own pages: the
 *     control's call (nothing to merge with) and the second twin's (merges with the first). When
 *     the twin's call took longer, a probe is "held" when its call took longer than half way
 *     between the two; otherwise this channel tells it nothing and it decides "not held".</li>
 * </ul>
 */
public final class AttackTrial {
    /** Content ids of the victim's secrets, the fresh guesses and the calibration pages (disjoint from every workload's). */
    static final long SECRET_IDS = 5L << 40, FRESH_IDS = 6L << 40, CONTROL_ID = 7L << 40, TWIN_ID = (7L << 40) + 1;

    /**
     * One probe: a guess at the victim's contents, offered for merging and timed.
     *
     * @param waitMs      how long the attacker waited before timing the store, virtual ms
     * @param held        whether the victim holds the guessed contents (the truth)
     * @param writeNs     the attacker's store that filled the page (first touch)
     * @param madviseNs   its madvise(MADV_MERGEABLE) call
     * @param storeNs     the timed store after the wait
     * @param fullScans   ksmd's full scans completed between the attacker's start and the timed
     *                    store (-1 for mergers without full scans)
     * @param madviseSaysHeld the attacker's decision on the madvise channel
     * @param storeSaysHeld   the attacker's decision on the store channel
     */
    public record Probe(long waitMs, boolean held, double writeNs, double madviseNs, double storeNs, long fullScans,
                        boolean madviseSaysHeld, boolean storeSaysHeld) {
    }

    /**
     * What a trial found.
     *
     * @param startMs            when the attacker started, virtual ms
     * @param probes             every probe, grouped by wait in the plan's order
     * @param madviseOpen        whether the attacker's calibration saw a slower merge call
     * @param crossDomainMerges  {@link CrossDomainSharing} at the end of the trial
     */
    public record Result(long startMs, List<Probe> probes, boolean madviseOpen, long crossDomainMerges) {
    }

    private AttackTrial() {
    }

    /**
     * Runs trial number {@code trial} of {@code plan} on {@code workload} (fresh, used by this run
     * only) under merger {@code algo} with its default knobs, timing with {@code latency}.
     */
    public static Result run(Workload workload, String algo, AttackPlan plan, int trial, FaultLatency latency) {
        return run(workload, algo, Map.of(), plan, trial, latency);
    }

    /** {@link #run(Workload, String, AttackPlan, int, FaultLatency)} with the merger's knobs set as {@code --set} sets them. */
    public static Result run(Workload workload, String algo, Map<String, String> knobs, AttackPlan plan, int trial, FaultLatency latency) {
        Attacked attacked = new Attacked(workload, plan, trial, latency);
        new Simulation(attacked, algo, knobs, Simulation.Options.forMs(attacked.startMs + plan.longestWaitMs() + 1)).run();
        return new Result(attacked.startMs, List.copyOf(attacked.probes), attacked.madviseOpen, attacked.crossDomainMerges);
    }

    /** The workload with the victim's secrets and the attacker added; it keeps what the attacker saw. */
    private static final class Attacked implements Workload {
        private final Workload inner;
        private final AttackPlan plan;
        private final FaultLatency latency;
        private final long keySeed;
        final long startMs;
        /** Per wait group, which probe slots hold a guess the victim has. */
        private final boolean[][] heldOrder;
        final List<Probe> probes = new ArrayList<>();
        boolean madviseOpen;
        long crossDomainMerges;

        Attacked(Workload inner, AttackPlan plan, int trial, FaultLatency latency) {
            this.inner = inner;
            this.plan = plan;
            this.latency = latency;
            SplittableRandom rng = new SplittableRandom(PageContents.mix64(plan.seed() + trial));
            this.keySeed = rng.nextLong();
            this.startMs = plan.startFromMs() + rng.nextLong(plan.startToMs() - plan.startFromMs() + 1);
            int g = plan.probesPerWait();
            this.heldOrder = new boolean[plan.waitsMs().size()][];
            for (int w = 0; w < heldOrder.length; w++) {
                boolean[] held = new boolean[2 * g];
                for (int i = 0; i < g; i++) {
                    held[i] = true;
                }
                for (int i = held.length - 1; i > 0; i--) { // Fisher-Yates
                    int j = rng.nextInt(i + 1);
                    boolean t = held[i];
                    held[i] = held[j];
                    held[j] = t;
                }
                heldOrder[w] = held;
            }
        }

        @Override public WorkloadSpec spec() { return inner.spec(); }
        @Override public long seed() { return inner.seed(); }
        @Override public Map<String, Number> params() { return inner.params(); }

        @Override
        public long framesAtMost() {
            long f = inner.framesAtMost();
            return f < 0 ? f : f + plan.secretPages() + plan.probePages() + 3;
        }

        @Override
        public void start(Kernel kernel, Scheduler scheduler) {
            inner.start(kernel, scheduler);
            int victim = kernel.processes().get(0).pid();
            long secrets = kernel.mmapAnonymous(victim, (long) plan.secretPages() * PageStore.PAGE_SIZE);
            for (int i = 0; i < plan.secretPages(); i++) {
                long secret = key(SECRET_IDS + i);
                kernel.writePage(victim, secrets + (long) i * PageStore.PAGE_SIZE, (store, frame) -> PageContents.fill(store, frame, secret));
            }
            kernel.madvise(victim, secrets, (long) plan.secretPages() * PageStore.PAGE_SIZE, VmFlags.MADV_MERGEABLE);
            scheduler.at(startMs * 1_000_000L, () -> attack(kernel, scheduler));
        }

        @Override
        public void finish(Kernel kernel, Scheduler scheduler) {
            inner.finish(kernel, scheduler);
            crossDomainMerges = CrossDomainSharing.count(kernel);
        }

        private long key(long id) {
            return PageContents.key(keySeed, id);
        }

        private void attack(Kernel kernel, Scheduler scheduler) {
            TimedAccess clock = new TimedAccess(kernel, latency);
            int attacker = kernel.spawn();
            long page = PageStore.PAGE_SIZE;
            long base = kernel.mmapAnonymous(attacker, (3L + plan.probePages()) * page);
            // Calibration pages, then the probes, all written before any is offered for merging.
            clock.fill(attacker, base, key(CONTROL_ID));
            clock.fill(attacker, base + page, key(TWIN_ID));
            clock.fill(attacker, base + 2 * page, key(TWIN_ID));
            int g = plan.probesPerWait();
            int n = plan.probePages();
            boolean[] held = new boolean[n];
            double[] writeNs = new double[n];
            long fresh = 0;
            for (int w = 0; w < heldOrder.length; w++) {
                int secret = w * g;
                for (int i = 0; i < 2 * g; i++) {
                    int k = w * 2 * g + i;
                    held[k] = heldOrder[w][i];
                    long id = held[k] ? SECRET_IDS + secret++ : FRESH_IDS + fresh++;
                    writeNs[k] = clock.fill(attacker, base + (3L + k) * page, key(id));
                }
            }
            double controlNs = clock.madviseMergeable(attacker, base);
            clock.madviseMergeable(attacker, base + page);
            double twinNs = clock.madviseMergeable(attacker, base + 2 * page);
            madviseOpen = twinNs > controlNs;
            double madviseThreshold = (controlNs + twinNs) / 2;
            double[] madviseNs = new double[n];
            for (int k = 0; k < n; k++) {
                madviseNs[k] = clock.madviseMergeable(attacker, base + (3L + k) * page);
            }
            long scansAtStart = fullScans(kernel);
            for (int w = 0; w < heldOrder.length; w++) {
                int group = w;
                long waitMs = plan.waitsMs().get(w);
                scheduler.at((startMs + waitMs) * 1_000_000L, () -> {
                    for (int i = 0; i < 2 * g; i++) {
                        int k = group * 2 * g + i;
                        double storeNs = clock.restore(attacker, base + (3L + k) * page);
                        long scans = scansAtStart < 0 ? -1 : fullScans(kernel) - scansAtStart;
                        probes.add(new Probe(waitMs, held[k], writeNs[k], madviseNs[k], storeNs, scans,
                                madviseOpen && madviseNs[k] > madviseThreshold, storeNs > clock.copyThresholdNs()));
                    }
                });
            }
        }

        private static long fullScans(Kernel kernel) {
            Long v = kernel.counters().get("full_scans");
            return v == null ? -1 : v;
        }
    }
}
