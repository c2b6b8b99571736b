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
 * <p>Stability ({@code --until-stable}): the merger's stability counters were unchanged over
 * the last {@link Options#stableSamples} sample intervals and no one-shot workload event is
 * pending (periodic rewrites are the workload's steady state and do not block it).
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

    private record Event(long nanos, long seq, Runnable action, boolean oneShot, long periodNanos) {
    }

    private final Workload workload;
    private final AlgorithmDefinition algorithm;
    private final Map<String, String> knobs;
    private final Options options;
    private final PriorityQueue<Event> queue = new PriorityQueue<>((a, b) ->
            a.nanos != b.nanos ? Long.compare(a.nanos, b.nanos) : Long.compare(a.seq, b.seq));
    private long seq;
    private int pendingOneShots;

    public Simulation(Workload workload, String algo, Map<String, String> knobs, Options options) {
        this.workload = Objects.requireNonNull(workload);
        this.algorithm = Algorithms.get(algo);
        this.knobs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(knobs)); // sysfs writes happen in order
        this.options = options;
    }

    /** Runs to the stop condition and returns the result; the kernel model is closed after. */
    public SimulationResult run() {
        MemoryBudget.check(workload);
        Merger merger = Algorithms.create(algorithm.name(), knobs);
        try (Kernel kernel = new Kernel(merger, org.ksmlab.engine.mm.KernelConfig.from(knobs))) {
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
                queue.add(new Event(nanos, seq++, action, true, 0));
            }

            @Override
            public void every(long firstNanos, long periodNanos, Runnable action) {
                if (periodNanos <= 0) throw new IllegalArgumentException("period must be > 0");
                queue.add(new Event(firstNanos, seq++, action, false, periodNanos));
            }

            @Override
            public void record(String name, long value) {
                recorded.put(name, value);
            }
        };
        workload.start(kernel, scheduler);
        List<Map<String, Long>> series = new ArrayList<>();
        series.add(kernel.counters());
        long sampleNanos = options.sampleMs * 1_000_000L;
        long nextSample = daemon == null ? sampleNanos : Long.MAX_VALUE;
        long limitNanos = (options.forMs >= 0 ? options.forMs : options.maxMs) * 1_000_000L;
        boolean stable = false;
        // A pass completed by a daemon batch is sampled when the batch ends (its start plus its
        // modelled CPU time), not when it starts: that is when the counters show the pass.
        long passSample = Long.MAX_VALUE;
        while (true) {
            long nextEvent = queue.isEmpty() ? Long.MAX_VALUE : queue.peek().nanos;
            long nextWake = daemon == null || passSample != Long.MAX_VALUE ? Long.MAX_VALUE : daemon.nextWakeNanos();
            long t = Math.min(Math.min(nextEvent, nextWake), Math.min(nextSample, passSample));
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
                    queue.add(new Event(e.nanos + e.periodNanos, seq++, e.action, false, e.periodNanos));
                }
            } else if (passSample == t) {
                passSample = Long.MAX_VALUE;
                series.add(kernel.counters());
                sampled = true;
            } else if (nextWake == t) {
                daemon.wake(kernel);
                if (daemon.passCompleted()) {
                    passSample = Math.max(t, daemon.lastBatchEndNanos());
                }
            } else {
                series.add(kernel.counters());
                nextSample += sampleNanos;
                sampled = true;
            }
            if (sampled) {
                if (options.forScans >= 0 && daemon != null && daemon.fullScans() >= options.forScans) {
                    break;
                }
                if (options.untilStable && pendingOneShots == 0 && isStable(series)) {
                    stable = true;
                    break;
                }
            }
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
        knobs.forEach((k, v) -> params.put(k, knobValue(v)));
        params.put("sample_ms", options.sampleMs);
        if (options.forMs >= 0) params.put("for_ms", options.forMs);
        if (options.forScans >= 0) params.put("for_scans", options.forScans);
        if (options.untilStable) params.put("max_ms", options.maxMs);
        return new SimulationResult(workload.spec().toString(), algorithm.name(), workload.seed(), params, fin, series);
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
