package org.ksmlab.engine.sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import org.ksmlab.engine.mm.Kernel;
import org.ksmlab.engine.mm.Daemon;
import org.ksmlab.engine.mm.Merger;
import org.ksmlab.engine.workload.Workload;

/**
 * Runs a workload against a merger in virtual time.
 *
 * <p>Events (workload writes, merger wake-ups, samples) run in time order; ties run in the
 * order they were scheduled, so a run is a pure function of its inputs. Samples are periodic
 * ({@code sample_ms}) for mergers without a daemon and taken after every completed full pass
 * for a {@link Daemon} such as ksmd.
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
 *     depended on the merger's speed rather than on the workload.</li>
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

    /**
     * A periodic writer: it fires at {@code firstNanos + k · periodNanos}; {@code lastNanos} is
     * its latest firing so far (-1 before the first).
     */
    private static final class Writer {
        final long firstNanos;
        final long periodNanos;
        long lastNanos = -1;

        Writer(long firstNanos, long periodNanos) {
            this.firstNanos = firstNanos;
            this.periodNanos = periodNanos;
        }

        /** Its latest firing at or before {@code t}, or -1 if it had not fired by then. */
        long lastFiringAtOrBefore(long t) {
            if (lastNanos < 0 || t < firstNanos) {
                return -1;
            }
            return lastNanos <= t ? lastNanos : lastNanos - Math.ceilDiv(lastNanos - t, periodNanos) * periodNanos;
        }
    }

    /**
     * A scheduled workload action. {@code writer} is the index of a periodic writer in
     * {@link #writers} (-1 for a one-shot event).
     */
    private record Event(long nanos, long seq, Runnable action, boolean oneShot, long periodNanos, int writer) {
    }

    private final Workload workload;
    private final AlgorithmDefinition algorithm;
    private final Map<String, String> knobs;
    private final Options options;
    private final PriorityQueue<Event> queue = new PriorityQueue<>((a, b) ->
            a.nanos != b.nanos ? Long.compare(a.nanos, b.nanos) : Long.compare(a.seq, b.seq));
    private long seq;
    private int pendingOneShots;
    /** The workload's periodic writers, in registration order; {@link Event#writer} indexes it. */
    private final List<Writer> writers = new ArrayList<>();
    /** Virtual time of each sample in {@code series}, ns (the samples carry truncated ms). */
    private final List<Long> sampleNanos = new ArrayList<>();
    /** When the workload first offered memory for merging, or -1. */
    private long optInNanos = -1;

    public Simulation(Workload workload, String algo, Map<String, String> knobs, Options options) {
        this.workload = Objects.requireNonNull(workload);
        this.algorithm = Algorithms.get(algo);
        this.knobs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(knobs)); // sysfs writes happen in order
        this.options = options;
    }

    /** Runs to the stop condition and returns the result; the kernel model is closed after. */
    public SimulationResult run() {
        Merger merger = Algorithms.create(algorithm.name(), knobs);
        try (Kernel kernel = new Kernel(merger)) {
            return run(kernel);
        }
    }

    private SimulationResult run(Kernel kernel) {
        Daemon daemon = kernel.merger() instanceof Daemon d ? d : null;
        Map<String, Long> recorded = new LinkedHashMap<>();
        Workload.Scheduler scheduler = new Workload.Scheduler() {
            @Override
            public void at(long nanos, Runnable action) {
                pendingOneShots++;
                queue.add(new Event(nanos, seq++, action, true, 0, -1));
            }

            @Override
            public void every(long firstNanos, long periodNanos, Runnable action) {
                if (periodNanos <= 0) throw new IllegalArgumentException("period must be > 0");
                writers.add(new Writer(firstNanos, periodNanos));
                queue.add(new Event(firstNanos, seq++, action, false, periodNanos, writers.size() - 1));
            }

            @Override
            public void record(String name, long value) {
                recorded.put(name, value);
            }

            @Override
            public void offeredForMerging() {
                if (optInNanos < 0) {
                    optInNanos = kernel.nowNanos();
                }
            }
        };
        workload.start(kernel, scheduler);
        checkStopCondition(kernel, daemon);
        List<String> warnings = new ArrayList<>();
        List<Map<String, Long>> series = new ArrayList<>();
        series.add(kernel.counters());
        sampleNanos.add(kernel.nowNanos());
        long samplePeriod = options.sampleMs * 1_000_000L;
        long nextSample = daemon == null ? samplePeriod : Long.MAX_VALUE;
        long limitNanos = (options.forMs >= 0 ? options.forMs : options.maxMs) * 1_000_000L;
        boolean stable = false;
        boolean conditionMet = options.forMs >= 0;
        // A pass completed by a daemon batch is sampled when the batch ends (its start plus its
        // modelled CPU time), not when it starts: that is when the counters show the pass.
        long passSample = Long.MAX_VALUE;
        while (true) {
            long nextEvent = queue.isEmpty() ? Long.MAX_VALUE : queue.peek().nanos;
            long nextWake = daemon == null || passSample != Long.MAX_VALUE ? Long.MAX_VALUE : daemon.nextWakeNanos();
            long t = Math.min(Math.min(nextEvent, nextWake), Math.min(nextSample, passSample));
            if (daemon != null && options.forMs < 0 && pendingOneShots == 0 && passSample == Long.MAX_VALUE
                    && daemon.nextWakeNanos() == Long.MAX_VALUE) {
                // The daemon is idle (run=0, or no mm left to scan) and no event can wake it:
                // nothing will change the merger's counters again.
                if (options.untilStable) {
                    stable = true;
                    conditionMet = true;
                    warnings.add("the " + algorithm.name() + " daemon is idle at " + kernel.nowNanos() / 1_000_000
                            + " virtual ms (not running, or nothing left to scan): stopped there");
                } else {
                    warnings.add("--for-scans " + options.forScans + ": stopped at " + kernel.nowNanos() / 1_000_000
                            + " virtual ms after " + daemon.fullScans() + " full scans: the " + algorithm.name()
                            + " daemon is idle (not running, or nothing left to scan) and nothing can wake it");
                }
                break;
            }
            if (t > limitNanos || t == Long.MAX_VALUE) {
                break;
            }
            kernel.advanceTo(t);
            boolean sampled = false;
            if (nextEvent == t) {
                Event e = queue.poll();
                e.action.run();
                if (e.oneShot) {
                    pendingOneShots--;
                } else {
                    writers.get(e.writer).lastNanos = e.nanos;
                    queue.add(new Event(e.nanos + e.periodNanos, seq++, e.action, false, e.periodNanos, e.writer));
                }
            } else if (passSample == t) {
                passSample = Long.MAX_VALUE;
                series.add(kernel.counters());
                sampleNanos.add(t);
                sampled = true;
            } else if (nextWake == t) {
                daemon.wake(kernel);
                if (daemon.passCompleted()) {
                    passSample = Math.max(t, daemon.lastBatchEndNanos());
                }
            } else {
                series.add(kernel.counters());
                sampleNanos.add(t);
                nextSample += samplePeriod;
                sampled = true;
            }
            if (sampled) {
                if (options.forScans >= 0 && daemon != null && daemon.fullScans() >= options.forScans) {
                    conditionMet = true;
                    break;
                }
                if (options.untilStable && pendingOneShots == 0 && isStable(series)) {
                    stable = true;
                    conditionMet = true;
                    break;
                }
            }
        }
        if (!conditionMet && warnings.isEmpty()) {
            warnings.add((options.untilStable ? "not stable" : "--for-scans " + options.forScans + " not reached")
                    + " within max_ms=" + options.maxMs + " virtual ms: stopped there");
        }
        if (options.forMs >= 0 && kernel.nowNanos() < limitNanos) {
            kernel.advanceTo(limitNanos);
        }
        workload.finish(kernel, scheduler);
        Map<String, Long> last = kernel.counters();
        if (!series.get(series.size() - 1).equals(last)) {
            series.add(last);
        }
        Map<String, Object> fin = new LinkedHashMap<>(last);
        fin.put("virtual_ns", kernel.nowNanos()); // exact end of the run (virtual_ms is truncated)
        kernel.merger().finalDetails(fin);
        fin.putAll(recorded); // values the workload recorded (Workload.Scheduler#record)
        if (optInNanos >= 0) {
            fin.put("opt_in_ms", optInNanos / 1_000_000); // when memory was first offered for merging
        }
        if (options.untilStable) {
            fin.put("stable", stable ? 1L : 0L);
            int from = convergedIndex(series);
            Map<String, Long> at = series.get(from);
            fin.put("converged_ms", at.get("virtual_ms"));
            if (daemon != null) {
                fin.put("converged_full_scans", at.getOrDefault("full_scans", 0L));
            }
        }
        Map<String, Object> params = new LinkedHashMap<>(workload.params());
        params.putAll(knobs);
        params.put("sample_ms", options.sampleMs);
        if (options.forMs >= 0) params.put("for_ms", options.forMs);
        if (options.forScans >= 0) params.put("for_scans", options.forScans);
        if (options.untilStable) params.put("max_ms", options.maxMs);
        return new SimulationResult(workload.spec().toString(), algorithm.name(), workload.seed(), params, fin, series,
                warnings);
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

    /** Stop rule (1) and (3) of the class comment; the caller checks (2). */
    private boolean isStable(List<Map<String, Long>> series) {
        int n = series.size();
        if (n <= options.stableSamples) {
            return false;
        }
        Map<String, Long> last = series.get(n - 1);
        for (int i = n - 1 - options.stableSamples; i < n - 1; i++) {
            if (!sameStability(series.get(i), last)) {
                return false;
            }
        }
        int first = n - 1 - options.stableSamples;
        while (first > 0 && sameStability(series.get(first - 1), last)) {
            first--;
        }
        return everyWriterFiredWithin(sampleNanos.get(first), sampleNanos.get(Math.max(0, n - 2)));
    }

    /**
     * Whether every periodic writer fired at a time f with {@code from < f <= to}. Events at a
     * sample's time run before the sample, so a firing at {@code from} is already in that sample.
     */
    private boolean everyWriterFiredWithin(long from, long to) {
        for (Writer w : writers) {
            if (w.lastFiringAtOrBefore(to) <= from) {
                return false;
            }
        }
        return true;
    }

    /** The first sample from which the stability counters kept their final values. */
    private int convergedIndex(List<Map<String, Long>> series) {
        Map<String, Long> last = series.get(series.size() - 1);
        int i = series.size() - 1;
        while (i > 0 && sameStability(series.get(i - 1), last)) {
            i--;
        }
        return i;
    }

    private boolean sameStability(Map<String, Long> a, Map<String, Long> b) {
        for (String k : algorithm.stabilityCounters()) {
            if (!Objects.equals(a.get(k), b.get(k))) {
                return false;
            }
        }
        return true;
    }
}
