package org.ksmlab.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
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
 * stdout is exactly one JSON object: {@code {"workload", "algo", "seed", "params", "final", "series"}}.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = {"Run a workload against a merger in virtual time and print its counters.",
                "Simulation settings taken by --set: sample_ms (sampling period, default 100), max_ms (cap for --until-stable, default 86400000)."})
final class SimulateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--workload", required = true, paramLabel = "SPEC", description = "name:key=value,... (see 'list')")
    String workload;

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

    static final class AlgoNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return org.ksmlab.engine.sim.Algorithms.all().stream().map(a -> a.name()).iterator();
        }
    }

    @Override
    public Integer call() throws Exception {
        Workload w = Workloads.create(workload);
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
        SimulationResult r = new Simulation(w, algo, knobs, options).run();
        PrintWriter out = spec.commandLine().getOut();
        for (String warning : r.warnings()) {
            spec.commandLine().getErr().println("simulate: warning: " + warning);
        }
        spec.commandLine().getErr().flush();
        if (json) {
            out.println(new ObjectMapper().writeValueAsString(r.toJsonObject()));
        } else {
            out.printf("workload %s, algo %s, seed %d%n", r.workload(), r.algo(), r.seed());
            out.printf("%d samples; final counters:%n", r.series().size());
            r.finalCounters().forEach((k, v) -> out.printf("  %-28s %s%n", k, v));
        }
        out.flush();
        return 0;
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
}
