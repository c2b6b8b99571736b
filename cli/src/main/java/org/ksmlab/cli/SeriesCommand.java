package org.ksmlab.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ksmlab.bench.Suites;
import org.ksmlab.bench.macro.MacroRuns;
import org.ksmlab.engine.sim.SimulationResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code series --suite NAME --out DIR}: for every algo × mix of the suite's comparison points
 * ({@link Suites#COMPARISON}), runs the same simulation the benchmark ran, to the same horizon
 * ({@link MacroRuns#horizonMs}, computed once per mix), and writes {@code DIR/<mix>__<algo>.json},
 * exactly the {@code simulate --for-ms <horizon> --json} object, atomically. When the suite
 * compares several page counts, the smallest is replayed (any size draws the curve; the smallest
 * is the cheapest). A suite without comparison points writes nothing.
 */
@Command(name = "series", mixinStandardHelpOptions = true,
        description = {"Write the saving-over-virtual-time series of a suite's merger comparison: DIR/<mix>__<algo>.json,",
                "each the 'simulate --for-ms <horizon> --json' object, every merger of a mix run to the same",
                "horizon as the benchmark. Nothing is written when the suite has no comparison points."})
final class SeriesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--suite", required = true, paramLabel = "NAME", description = "a suite from 'list'")
    String suite;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "folder for the series files")
    Path out;

    @Option(names = "--resume", description = "keep the series files already in --out and write only the missing ones")
    boolean resume;

    /** One series to write: what identifies it and the smallest page count seen for it. */
    private record Run(String algo, String mix, long seed, long pages) {
    }

    @Override
    public Integer call() throws Exception {
        Map<String, Run> runs = new LinkedHashMap<>();
        for (Suites.Point p : Suites.points(Suites.get(suite))) {
            if (!p.benchmark().equals(Suites.COMPARISON)) {
                continue;
            }
            Run r = new Run(p.params().get("algo"), p.params().get("mix"), Long.parseLong(p.params().get("seed")),
                    Long.parseLong(p.params().get("pages")));
            runs.merge(r.mix() + "__" + r.algo(), r, (a, b) -> a.pages() <= b.pages() ? a : b);
        }
        PrintWriter log = spec.commandLine().getOut();
        if (runs.isEmpty()) {
            log.printf("series: suite %s has no comparison points (%s); nothing written%n", suite, Suites.COMPARISON);
            log.flush();
            return 0;
        }
        Files.createDirectories(out);
        ObjectMapper json = new ObjectMapper();
        Map<Run, Long> horizons = new LinkedHashMap<>(); // one per mix, size and seed, whatever the algo
        int k = 0;
        for (Map.Entry<String, Run> e : runs.entrySet()) {
            Run r = e.getValue();
            Path target = out.resolve(e.getKey() + ".json");
            if (resume && Files.isRegularFile(target)) {
                log.printf("== series [%d/%d] %s: already there (--resume)%n", ++k, runs.size(), e.getKey());
                continue;
            }
            long horizonMs = horizons.computeIfAbsent(new Run("", r.mix(), r.seed(), r.pages()),
                    x -> MacroRuns.horizonMs(x.mix(), x.pages(), x.seed()));
            log.printf("== series [%d/%d] %s, %d pages, %d virtual ms%n", ++k, runs.size(), e.getKey(), r.pages(), horizonMs);
            log.flush();
            SimulationResult result = MacroRuns.toHorizon(MacroRuns.workload(r.mix(), r.pages(), r.seed()), r.algo(), horizonMs);
            AtomicFiles.write(target, json.writeValueAsString(result.toJsonObject()) + "\n");
        }
        return 0;
    }
}
