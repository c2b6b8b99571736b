package org.ksmlab.engine.sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import org.ksmlab.engine.memory.PageMode;
import org.ksmlab.engine.mm.Kernel;
import org.ksmlab.engine.mm.Daemon;
import org.ksmlab.engine.mm.Merger;
import org.ksmlab.engine.workload.Workload;

/**
 * Runs a workload against a merger in virtual time, on an {@link EventLoop} (events, merger
 * wake-ups and samples in time order; samples periodic ({@code sample_ms}) for mergers without
 * a daemon, after every completed full pass for a {@link Daemon} such as ksmd), to a stop rule.
 *
 * <h2>Stop rules</h2>
 * <ul>
 * <li><b>until stable</b> ({@code --until-stable}): the run stops at the first sample at which
 *     (1) the merger's stability counters have been unchanged over the last
 *     {@link Options#stableSamples} sample intervals, (2) no one-shot workload event is pending,
 *     and (3) every periodic writer of the workload has fired at least once <i>inside</i> that
 *     unchanged stretch, after its first sample and at or before the sample before the last
 *     (so at least one full sample interval, for ksmd a full pass, followed the write). Rule 3
 *     is what makes a merger that finishes early (SKSM merges inside madvise) wait for the
 *     workload's first periodic rewrite and show the COW faults it causes, as a merger that
 *     converges slowly (ksmd) already does; without it the stop point, and with it the saving,
 *     depended on the merger's speed rather than on the workload. A run with periodic writers
 *     also stops when only the saving counters held, for longer (the saving rule of
 *     {@link EventLoop#isStable}: a tracking counter such as pages_unshared can cycle for ever),
 *     with a warning that says so.</li>
 * <li><b>for a duration</b> ({@code --for-ms}): runs exactly to that virtual time.</li>
 * <li><b>for full scans</b> ({@code --for-scans}): stops at the sample of the N-th completed
 *     pass. Only a {@link Daemon} makes passes: asking for scans of a merger without one, or of
 *     a daemon that scans no page per batch ({@code pages_to_scan=0}), is an error before the
 *     run starts, since the condition could never be met.</li>
 * </ul>
 * A daemon merger whose passes are the only samples (ksmd) and that scans no page per batch
 * would never give a sample, so {@code --until-stable} refuses it too. A daemon that is idle
 * (run=0, or nothing left to scan) with no one-shot event pending can change nothing any more:
 * the run stops there, with a warning ({@link SimulationResult#warnings()}) when that leaves a
 * {@code --for-scans} condition unmet. A run that reaches {@code max_ms} without meeting its
 * condition stops with {@code stable=0} and a warning.
 *
 * <h2>Opt-in</h2>
 * The workload reports when it first offers memory for merging
 * ({@link Workload.Scheduler#offeredForMerging()}); the run's {@code final} carries it as
 * {@code opt_in_ms}, from which {@link Convergence} counts the time to a saving.
 */
public final class Simulation {
    /** How to run and when to stop. */
    public record Options(long sampleMs, long maxMs, long forMs, long forScans, boolean untilStable, int stableSamples) {
        public Options {
            if (sampleMs <= 0) throw new IllegalArgumentException("sample_ms=" + sampleMs + ": expected > 0");
            if (maxMs <= 0) throw new IllegalArgumentException("max_ms=" + maxMs + ": expected > 0");
        }

        /** Until stable, sampling every 100 ms, capped at 24 virtual hours. */
        public static Options stable() {
            return new Options(100, 24L * 3600 * 1000, -1, -1, true, 2);
        }

        public static Options forMs(long ms) {
            return new Options(100, Math.max(ms, 1), ms, -1, false, 2);
        }
    }

    private final Workload workload;
    private final AlgorithmDefinition algorithm;
    private final Map<String, String> knobs;
    private final Options options;
    /** How the model holds page contents; every counter is the same in both modes. */
    private final PageMode pageMode;
    /** Called at every sample (see {@link EventLoop#onSample}); null: none. */
    private java.util.function.Consumer<Kernel> sampleListener;
    private EventLoop.StepListener stepListener;

    /** A run with byte pages (the reference). */
    public Simulation(Workload workload, String algo, Map<String, String> knobs, Options options) {
        this(workload, algo, knobs, options, PageMode.BYTE);
    }

    public Simulation(Workload workload, String algo, Map<String, String> knobs, Options options, PageMode pageMode) {
        this.workload = Objects.requireNonNull(workload);
        this.algorithm = Algorithms.get(algo);
        this.knobs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(knobs)); // sysfs writes happen in order
        this.options = options;
        this.pageMode = Objects.requireNonNull(pageMode);
    }

    /**
     * Calls {@code listener} with the kernel at every sample of the run, after the sample's
     * counters are recorded (it must not change the kernel). Returns this simulation.
     */
    public Simulation onSample(java.util.function.Consumer<Kernel> listener) {
        this.sampleListener = listener;
        return this;
    }

    /** Called after every step of the run with the virtual time and full scans so far (a progress line; see EventLoop.StepListener). */
    public Simulation onStep(EventLoop.StepListener listener) {
        this.stepListener = listener;
        return this;
    }

    /** Set by {@link #requestStop}; passed on to the run's event loop. */
    private volatile boolean stopRequested;
    /** The event loop of the run under way, or null. */
    private volatile EventLoop running;

    /**
     * Asks the run to stop before its next step, short of its stop rule: {@link #run} then
     * returns what it has, with {@code partial} 1 and {@code stable} 0 in its final counters and a
     * warning that says where it stopped. For a person ending a long run (a signal, a wall-time
     * budget); where it stops depends on wall time, so such a result is not reproducible to the
     * step, which is why it is marked. Safe from any thread.
     */
    public void requestStop() {
        stopRequested = true;
        EventLoop l = running;
        if (l != null) {
            l.requestStop();
        }
    }

    /** Runs to the stop condition and returns the result; the kernel model is closed after. */
    public SimulationResult run() {
        MemoryBudget.check(workload, pageMode);
        Merger merger = Algorithms.create(algorithm.name(), knobs);
        try (Kernel kernel = new Kernel(merger, org.ksmlab.engine.mm.KernelConfig.from(knobs), pageMode)) {
            return run(kernel);
        }
    }

    private SimulationResult run(Kernel kernel) {
        EventLoop loop = new EventLoop(kernel, options.sampleMs * 1_000_000L, algorithm.stabilityCounters(), algorithm.savingCounters());
        running = loop;
        if (stopRequested) {
            loop.requestStop();
        }
        if (stepListener != null) {
            loop.onStep(stepListener);
        }
        loop.onSample(sampleListener);
        Daemon daemon = loop.daemon();
        Map<String, Long> recorded = new LinkedHashMap<>();
        long[] optInNanos = {-1}; // when the workload first offered memory for merging
        Workload.Scheduler scheduler = new Workload.Scheduler() {
            @Override
            public void at(long nanos, Runnable action) {
                loop.at(nanos, action);
            }

            @Override
            public void every(long firstNanos, long periodNanos, Runnable action) {
                loop.every(firstNanos, periodNanos, action);
            }

            @Override
            public void record(String name, long value) {
                recorded.put(name, value);
            }

            @Override
            public void offeredForMerging() {
                if (optInNanos[0] < 0) {
                    optInNanos[0] = kernel.nowNanos();
                }
            }
        };
        workload.start(kernel, scheduler);
        checkStopCondition(kernel, daemon);
        loop.sample();
        long limitNanos = (options.forMs >= 0 ? options.forMs : options.maxMs) * 1_000_000L;
        Predicate<EventLoop> condition = l -> (options.forScans >= 0 && daemon != null && daemon.fullScans() >= options.forScans)
                || (options.untilStable && l.isStable(options.stableSamples));
        // A run for a duration runs to it whatever the daemon does; the others stop when it is idle.
        EventLoop.Stop stop = loop.runUntil(condition, limitNanos, options.forMs < 0);
        boolean partial = stop == EventLoop.Stop.REQUESTED;
        boolean stable = options.untilStable && stop != EventLoop.Stop.LIMIT && !partial;
        List<String> warnings = new ArrayList<>();
        if (partial) {
            warnings.add(String.format(java.util.Locale.ROOT, "stopped on request at %,d virtual ms", kernel.nowNanos() / 1_000_000)
                    + (daemon != null ? " after " + daemon.fullScans() + " full scans" : "")
                    + ", short of its stop rule: a partial run (final.partial=1); its counters are where it stood"
                    + (options.untilStable ? ", not stable, and converged_ms is where they last settled so far" : ""));
        } else if (stop == EventLoop.Stop.IDLE) {
            // Nothing will change the merger's counters again (run=0, or no mm left to scan).
            warnings.add(options.untilStable
                    ? "the " + algorithm.name() + " daemon is idle at " + kernel.nowNanos() / 1_000_000
                            + " virtual ms (not running, or nothing left to scan): stopped there"
                    : "--for-scans " + options.forScans + ": stopped at " + kernel.nowNanos() / 1_000_000
                            + " virtual ms after " + daemon.fullScans() + " full scans: the " + algorithm.name()
                            + " daemon is idle (not running, or nothing left to scan) and nothing can wake it");
        } else if (stop == EventLoop.Stop.CONDITION && options.untilStable && loop.stableOnSaving()) {
            List<String> tracking = new ArrayList<>(algorithm.stabilityCounters());
            tracking.removeAll(algorithm.savingCounters());
            warnings.add(String.join(", ", tracking) + " kept changing with the workload's periodic writers: stopped when "
                    + String.join(", ", algorithm.savingCounters()) + " had held for " + EventLoop.SAVING_HOLD_SAMPLES
                    + " samples covering two firings of every writer (converged_ms is when they settled)");
        } else if (stop == EventLoop.Stop.LIMIT && options.forMs < 0) {
            warnings.add((options.untilStable ? "not stable" : "--for-scans " + options.forScans + " not reached")
                    + " within max_ms=" + options.maxMs + " virtual ms: stopped there");
        }
        if (options.forMs >= 0 && !partial && kernel.nowNanos() < limitNanos) {
            kernel.advanceTo(limitNanos);
        }
        workload.finish(kernel, scheduler);
        List<Map<String, Long>> series = loop.series();
        Map<String, Long> last = kernel.counters();
        if (!series.get(series.size() - 1).equals(last)) {
            loop.sample();
        }
        Map<String, Object> fin = new LinkedHashMap<>(last);
        fin.put("virtual_ns", kernel.nowNanos()); // exact end of the run (virtual_ms is truncated)
        kernel.merger().finalDetails(fin);
        fin.putAll(recorded); // values the workload recorded (Workload.Scheduler#record)
        if (optInNanos[0] >= 0) {
            fin.put("opt_in_ms", optInNanos[0] / 1_000_000); // when memory was first offered for merging
        }
        if (partial) {
            fin.put("partial", 1L);
        }
        if (options.untilStable) {
            fin.put("stable", stable ? 1L : 0L);
            Map<String, Long> at = series.get(loop.convergedIndex());
            fin.put("converged_ms", at.get("virtual_ms"));
            if (daemon != null) {
                fin.put("converged_full_scans", at.getOrDefault("full_scans", 0L));
            }
        }
        Map<String, Object> params = new LinkedHashMap<>(workload.params());
        knobs.forEach((k, v) -> params.put(k, knobValue(v)));
        params.put("sample_ms", options.sampleMs);
        if (options.forMs >= 0) params.put("for_ms", options.forMs);
        if (options.forScans >= 0) params.put("for_scans", options.forScans);
        if (options.untilStable) params.put("max_ms", options.maxMs);
        return new SimulationResult(workload.spec().toString(), algorithm.name(), workload.seed(), pageMode.label(), params, fin,
                List.copyOf(series), warnings);
    }

    /**
     * Refuses, before any virtual time passes, a stop condition that can never be met: full scans
     * of a merger that makes none, or of a daemon that scans no page per batch (it reports
     * {@code pages_to_scan} 0), and until-stable for such a daemon, whose only samples are its passes.
     */
    private void checkStopCondition(Kernel kernel, Daemon daemon) {
        if (options.forScans > 0 && daemon == null) {
            throw new IllegalArgumentException("--for-scans " + options.forScans + ": algorithm '" + algorithm.name()
                    + "' makes no full scans (only a scanning daemon such as ksm does); expected --for-ms N or --until-stable");
        }
        boolean needsPasses = options.forScans > 0 || options.untilStable;
        if (daemon != null && needsPasses && Long.valueOf(0).equals(kernel.counters().get("pages_to_scan"))) {
            throw new IllegalArgumentException((options.untilStable ? "--until-stable" : "--for-scans " + options.forScans)
                    + ": pages_to_scan=0: ksmd scans no page per batch, so it never completes a full scan"
                    + (options.untilStable ? " and its counters are never sampled" : "")
                    + "; expected pages_to_scan > 0, or --for-ms N");
        }
    }

    /** A knob as the result shows it: a number when the text is one ("100" is 100, "0.5" is 0.5), else the text ("scan-time"). */
    public static Object knobValue(String text) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException notLong) {
            try {
                double d = Double.parseDouble(text.trim());
                return Double.isFinite(d) ? d : text;
            } catch (NumberFormatException notNumber) {
                return text;
            }
        }
    }
}
