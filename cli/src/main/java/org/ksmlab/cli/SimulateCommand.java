package org.ksmlab.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ksmlab.engine.memory.PageMode;
import org.ksmlab.engine.sim.Convergence;
import org.ksmlab.engine.sim.Simulation;
import org.ksmlab.engine.sim.SimulationResult;
import org.ksmlab.engine.workload.Workload;
import org.ksmlab.engine.workload.Workloads;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code simulate}: runs one workload against one merger in virtual time. With {@code --json}
 * stdout is exactly one JSON object: {@code {"workload", "algo", "seed", "page_mode", "params", "final", "series"}}.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = {"Run a workload against a merger in virtual time and print its counters.",
                "Simulation settings taken by --set: sample_ms (sampling period, default 100), max_ms (cap for --until-stable, default 86400000)."})
final class SimulateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Subject subject;

    /** What to run: a workload, or a scenario. */
    static final class Subject {
        @Option(names = "--workload", required = true, paramLabel = "SPEC", description = {"name:key=value,... or a workload mix MIX[:pages=N,seed=S]",
                "(N total pages, default 8000; see 'list')"})
        String workload;

        @Option(names = "--scenario", required = true, paramLabel = "NAME|FILE",
                description = "a scenario: a shipped name (see 'list') or a scenario file; its waits say how long it runs")
        String scenario;
    }

    @Option(names = "--variant", paramLabel = "NAME", description = "with --scenario: run this variant of it (its knob set)")
    String variant;

    @Option(names = "--algo", defaultValue = "none", paramLabel = "NAME", description = "merger: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE})",
            completionCandidates = AlgoNames.class)
    String algo;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "a merger knob (sysfs name) or simulation setting; repeatable")
    Map<String, String> settings = new LinkedHashMap<>();

    @ArgGroup(exclusive = true)
    Stop stop = new Stop();

    static final class Stop {
        @Option(names = "--for-ms", paramLabel = "N", description = "run for N virtual milliseconds")
        Long forMs;
        @Option(names = "--for-scans", paramLabel = "N", description = "run until N full scans completed (daemon mergers)")
        Long forScans;
        @Option(names = "--until-stable", description = "run until the merger's counters are stable through a firing of every periodic writer (the default)")
        boolean untilStable;
    }

    @Option(names = "--json", description = "print one JSON object on stdout")
    boolean json;

    @Option(names = "--progress", defaultValue = "60", paramLabel = "SECONDS",
            description = "print a progress line (wall time, virtual time, full scans, the merger's saving counters so far) to stderr every SECONDS of wall time; 0: never (default 60)")
    long progressSeconds;

    @Option(names = "--wall-limit", paramLabel = "DURATION",
            description = {"stop after this much wall time (for example 90m, 2h, 1h30m, 45s) and print what the run has, marked partial",
                    "(final.partial=1, a warning); a SIGTERM or Ctrl-C does the same. Where it stops depends on the machine: not reproducible to the step"})
    String wallLimit;

    @Option(names = "--page-mode", defaultValue = "byte", paramLabel = "MODE",
            description = {"how the model holds page contents: byte (4 KiB of real bytes per page, the reference; default)",
                    "or symbolic (a content identity per page, the same counters, for sizes beyond this machine's memory)"})
    String pageMode;

    static final class AlgoNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return org.ksmlab.engine.sim.Algorithms.all().stream().map(a -> a.name()).iterator();
        }
    }

    @Override
    public Integer call() throws Exception {
        PageMode mode = PageMode.parse(pageMode);
        if (subject.scenario != null) {
            return scenario(mode);
        }
        if (variant != null) {
            throw new IllegalArgumentException("--variant " + variant + ": variants belong to scenarios; expected --scenario with it");
        }
        Workload w = Workloads.create(org.ksmlab.datasets.Mixes.resolve(subject.workload));
        Map<String, String> knobs = new LinkedHashMap<>(settings);
        long sampleMs = takeLong(knobs, "sample_ms", 100);
        long maxMs = takeLong(knobs, "max_ms", 24L * 3600 * 1000);
        if (stop.forMs != null && stop.forMs < 0) {
            throw new IllegalArgumentException("--for-ms " + stop.forMs + ": expected >= 0");
        }
        if (stop.forScans != null && stop.forScans < 0) {
            throw new IllegalArgumentException("--for-scans " + stop.forScans + ": expected >= 0");
        }
        boolean untilStable = stop.forMs == null && stop.forScans == null;
        long forMs = stop.forMs == null ? -1 : stop.forMs;
        long forScans = stop.forScans == null ? -1 : stop.forScans;
        Simulation.Options options = new Simulation.Options(sampleMs, forMs >= 0 ? Math.max(forMs, 1) : maxMs, forMs, forScans, untilStable, 2);
        if (progressSeconds < 0) {
            throw new IllegalArgumentException("--progress " + progressSeconds + ": expected seconds >= 0 (0: never)");
        }
        long wallLimitNanos = wallLimit == null ? -1 : parseWallLimit(wallLimit);
        Simulation sim = new Simulation(w, algo, knobs, options, mode);
        long startedNanos = System.nanoTime();
        if (progressSeconds > 0 || wallLimitNanos > 0) {
            Progress progress = progressSeconds > 0 ? new Progress(spec.commandLine().getErr(), progressSeconds * 1_000_000_000L, startedNanos) : null;
            sim.onStep((virtualNanos, fullScans, now) -> {
                if (progress != null) progress.step(virtualNanos, fullScans, now);
                if (wallLimitNanos > 0 && System.nanoTime() - startedNanos >= wallLimitNanos) sim.requestStop();
            });
        }
        // A signal (SIGTERM, Ctrl-C) ends a long run with what it has, marked partial, instead of nothing.
        java.util.concurrent.CountDownLatch printed = new java.util.concurrent.CountDownLatch(1);
        Thread onSignal = new Thread(() -> {
            sim.requestStop();
            try {
                printed.await(SIGNAL_GRACE_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "simulate-partial-on-signal");
        Runtime.getRuntime().addShutdownHook(onSignal);
        try {
            print(sim.run());
        } finally {
            printed.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(onSignal);
            } catch (IllegalStateException shuttingDown) {
                // a signal came: the hook is running and has just been released
            }
        }
        return 0;
    }

    /**
     * How long a signal waits for the run to stop at its next step and print (a 1 TiB ksm batch
     * takes seconds; a signal while the workload is still being built, before the first step, may
     * outlast it, and the JVM then ends with nothing printed).
     */
    static final long SIGNAL_GRACE_SECONDS = 120;

    /** {@code 90m}, {@code 2h}, {@code 1h30m}, {@code 45s}: a positive wall time in nanoseconds (java.time's ISO form without "PT"). */
    static long parseWallLimit(String v) {
        java.time.Duration d = null;
        try {
            d = java.time.Duration.parse("PT" + v);
        } catch (java.time.format.DateTimeParseException e) {
            // d stays null: refused below
        }
        if (d == null || d.isNegative() || d.isZero() || d.getSeconds() > Long.MAX_VALUE / 1_000_000_000L - 1) {
            throw new IllegalArgumentException("--wall-limit " + v + ": expected a positive wall time such as 90m, 2h, 1h30m or 45s");
        }
        return d.toNanos();
    }

    private void print(SimulationResult r) throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        for (String warning : r.warnings()) {
            spec.commandLine().getErr().println("simulate: warning: " + warning);
        }
        spec.commandLine().getErr().flush();
        if (json) {
            out.println(new ObjectMapper().writeValueAsString(r.toJsonObject()));
        } else {
            out.printf("workload %s, algo %s, seed %d, page mode %s%n", r.workload(), r.algo(), r.seed(), r.pageMode());
            out.printf("%d samples; final counters:%n", r.series().size());
            r.finalCounters().forEach((k, v) -> out.printf("  %-28s %s%n", k, v));
            out.println(summary(r));
        }
        out.flush();
    }

    /** simulate --scenario: the scenario on the model; the stop options do not apply (its waits are its time). */
    private int scenario(PageMode mode) throws Exception {
        if (stop.forMs != null || stop.forScans != null || stop.untilStable) {
            throw new IllegalArgumentException("--for-ms, --for-scans and --until-stable do not apply to --scenario: its wait steps say how long it runs");
        }
        if (wallLimit != null) {
            throw new IllegalArgumentException("--wall-limit " + wallLimit + " does not apply to --scenario: its wait steps say how long it runs");
        }
        org.ksmlab.engine.scenario.Scenario sc = org.ksmlab.datasets.scenario.Scenarios.load(subject.scenario);
        org.ksmlab.engine.scenario.ScenarioSimulation.Outcome o = org.ksmlab.engine.scenario.ScenarioSimulation.run(sc, variant, algo, settings, mode);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(new ObjectMapper().writeValueAsString(o.toJsonObject()));
        } else {
            out.print(ScenarioText.render(o));
        }
        out.flush();
        if (!o.result().failures().isEmpty()) {
            spec.commandLine().getErr().println("simulate: " + o.result().failures().size() + " expectation(s) of the scenario failed");
            spec.commandLine().getErr().flush();
            return 1;
        }
        return 0;
    }

    /** One line a person reads first: the saving, how fast, at what modelled CPU, with what COW cost (all virtual time). */
    static String summary(SimulationResult r) {
        Convergence c = Convergence.of(r);
        Map<String, Long> last = r.series().get(r.series().size() - 1);
        long before = last.getOrDefault("nr_anon_pages", 0L) + c.savedPages(); // what the processes would hold unmerged
        String share = before > 0 ? String.format(" (%.1f %% of %,d anonymous pages)", 100.0 * c.savedPages() / before, before) : "";
        Object stable = r.finalCounters().get("stable");
        return String.format("summary (model, virtual time): saved %,d pages%s at %,d ms; 90 %% of it by %,d ms; "
                        + "modelled merger CPU %.1f ms; %,d COW faults on merged pages%s",
                c.savedPages(), share, c.virtualMs(), c.virtualMsTo90(), c.cpuNs() / 1e6, c.cowAfterMerge(),
                Long.valueOf(1).equals(r.finalCounters().get("partial")) ? "; PARTIAL: stopped on request before its stop rule"
                        : Long.valueOf(0).equals(stable) ? "; NOT stable when the run stopped" : "");
    }

    private static long takeLong(Map<String, String> settings, String key, long def) {
        String v = settings.remove(key);
        if (v == null) {
            return def;
        }
        try {
            long n = Long.parseLong(v);
            if (n <= 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--set " + key + "=" + v + ": expected a positive integer (milliseconds)");
        }
    }

    /**
     * A line on stderr every {@code everyNanos} of wall time: how long the run has taken (wall),
     * how far it is (virtual time, full scans), the merger's saving so far, and why it has not
     * stopped yet: the tracking counters at the last sample and over how many samples every
     * stability counter has held. A 1 TiB ksm run takes hours and says nothing else until it ends.
     */
    static final class Progress implements org.ksmlab.engine.sim.EventLoop.StepListener {
        private final PrintWriter err;
        private final long everyNanos;
        private final long startedNanos;
        private long nextNanos;

        Progress(PrintWriter err, long everyNanos, long startedNanos) {
            this.err = err;
            this.everyNanos = everyNanos;
            this.startedNanos = startedNanos;
            this.nextNanos = startedNanos + everyNanos;
        }

        @Override
        public void step(long virtualNanos, long fullScans,
                java.util.function.Supplier<org.ksmlab.engine.sim.EventLoop.Progress> progress) {
            long now = System.nanoTime();
            if (now < nextNanos) {
                return;
            }
            nextNanos = now + everyNanos;
            err.println(line(now - startedNanos, virtualNanos, fullScans, progress.get()));
            err.flush();
        }

        /**
         * One progress line: wall time, virtual time, full scans, the merger's saving counters so
         * far, then the tracking counters at the last sample and how long the stability counters
         * have held.
         */
        static String line(long wallNanos, long virtualNanos, long fullScans, org.ksmlab.engine.sim.EventLoop.Progress p) {
            long s = wallNanos / 1_000_000_000L;
            StringBuilder b = new StringBuilder(String.format(java.util.Locale.ROOT,
                    "simulate: %d:%02d:%02d wall; model at %,d virtual ms, %d full scans", s / 3600, s / 60 % 60, s % 60,
                    virtualNanos / 1_000_000L, fullScans));
            p.saving().forEach((k, v) -> b.append(String.format(java.util.Locale.ROOT, "; %s %,d", k, v)));
            String sample = p.samplesArePasses() ? "full scan" : "sample";
            if (!p.trackingAtLastSample().isEmpty()) {
                b.append("; at the last ").append(sample);
                p.trackingAtLastSample().forEach((k, v) -> b.append(String.format(java.util.Locale.ROOT, " %s %,d", k, v)));
            }
            b.append(p.heldIntervals() == 0 ? "; stability counters changed at the last " + sample
                    : p.heldIntervals() == 1 ? "; stability counters unchanged over the last " + sample
                    : String.format(java.util.Locale.ROOT, "; stability counters unchanged over the last %d %ss", p.heldIntervals(), sample));
            return b.toString();
        }
    }
}
