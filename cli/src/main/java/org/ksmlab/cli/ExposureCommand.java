package org.ksmlab.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ksmlab.bench.Suites;
import org.ksmlab.bench.macro.MacroRuns;
import org.ksmlab.engine.cost.FaultLatency;
import org.ksmlab.engine.exposure.AttackPlan;
import org.ksmlab.engine.exposure.ExposureExperiment;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code exposure}: exposure against saving (engine {@code exposure.ExposureExperiment}). With
 * {@code --suite NAME --out DIR}, runs the suite's exposure experiments ({@link Suites#exposurePoints})
 * and writes {@code DIR/<mix>__<pages>.json} each, atomically (what the report's "Exposure vs
 * saving" section reads); a suite without any writes nothing. With {@code --mix MIX}, runs one
 * experiment and prints its JSON object on stdout. Deterministic model runs: no JMH, no lock.
 */
@Command(name = "exposure", mixinStandardHelpOptions = true,
        description = {"Exposure vs saving: every merger and defence on a workload mix, its saving and CPU to an equal horizon,",
                "and seeded trials of a co-tenant timing its own writes to learn the victim's pages.",
                "--suite NAME --out DIR: the suite's experiments, DIR/<mix>__<pages>.json each (what the report reads);",
                "--mix MIX: one experiment, its JSON object on stdout."})
final class ExposureCommand implements Callable<Integer> {
    /** The format of the files written (the "ksmlab-exposure" key). */
    static final int FORMAT = 1;
    /** The seed of every suite experiment's workload and attack draws. */
    static final long SEED = 42;

    @Spec
    CommandSpec spec;

    /** What to run: a suite's experiments, or one. */
    static final class Target {
        @Option(names = "--suite", required = true, paramLabel = "NAME", description = "a suite from 'list'")
        String suite;

        @Option(names = "--mix", required = true, paramLabel = "MIX", description = "a workload mix from 'list' (one experiment, JSON on stdout)")
        String mix;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    @Option(names = "--out", paramLabel = "DIR", description = "with --suite: folder for the experiment files")
    Path out;

    @Option(names = "--resume", description = "with --suite: keep the files already in --out and write only the missing ones")
    boolean resume;

    @Option(names = "--pages", defaultValue = "2000", paramLabel = "N", description = "with --mix: total pages of the mix (default ${DEFAULT-VALUE})")
    long pages;

    @Option(names = "--trials", defaultValue = "20", paramLabel = "N", description = "with --mix: attack trials per merger (default ${DEFAULT-VALUE})")
    int trials;

    @Override
    public Integer call() throws Exception {
        PrintWriter log = spec.commandLine().getOut();
        if (target.mix != null) {
            if (out != null || resume) {
                throw new IllegalArgumentException("--out and --resume go with --suite; --mix prints its JSON object on stdout");
            }
            Map<String, Object> result = experiment(new Suites.ExposurePoint(target.mix, pages, trials), line -> { });
            log.println(new ObjectMapper().writeValueAsString(result));
            log.flush();
            return 0;
        }
        if (out == null) {
            throw new IllegalArgumentException("--suite " + target.suite + " needs --out DIR (the folder for the experiment files)");
        }
        List<Suites.ExposurePoint> points = Suites.exposurePoints(target.suite);
        if (points.isEmpty()) {
            log.printf("exposure: suite %s has no exposure experiments; nothing written%n", target.suite);
            log.flush();
            return 0;
        }
        Files.createDirectories(out);
        ObjectMapper json = new ObjectMapper();
        int k = 0;
        for (Suites.ExposurePoint point : points) {
            Suites.ExposurePoint p = point;
            p = sized(p);
            Path file = out.resolve(p.mix() + "__" + p.pages() + ".json");
            k++;
            if (resume && Files.isRegularFile(file)) {
                log.printf("== exposure [%d/%d] %s at %d pages: already there (--resume)%n", k, points.size(), p.mix(), p.pages());
                continue;
            }
            log.printf("== exposure [%d/%d] %s at %d pages, %d trials per merger%n", k, points.size(), p.mix(), p.pages(), p.trials());
            log.flush();
            long started = System.nanoTime();
            Map<String, Object> result = experiment(p, line -> {
                log.printf("   %s (%.0f s)%n", line, (System.nanoTime() - started) / 1e9);
                log.flush();
            });
            AtomicFiles.write(file, json.writeValueAsString(result) + "\n");
        }
        log.printf("== exposure: %d experiments in %s%n", points.size(), out);
        log.flush();
        return 0;
    }

    /**
     * The point with the pages its workload really has: a mix of fixed size (a captured dataset,
     * which ignores the page count) is recorded, and its file named, by its own size.
     */
    static Suites.ExposurePoint sized(Suites.ExposurePoint p) {
        long frames = MacroRuns.workload(p.mix(), p.pages(), SEED).framesAtMost(); // an unknown mix or a bad size fails here
        if (org.ksmlab.datasets.Mixes.get(p.mix()).scales() || frames <= 0) return p;
        return new Suites.ExposurePoint(p.mix(), frames, p.trials());
    }

    /** One experiment as the file's object: format, mix, pages, seed, then the engine's fields. */
    private static Map<String, Object> experiment(Suites.ExposurePoint given, java.util.function.Consumer<String> progress) {
        Suites.ExposurePoint p = sized(given);
        ExposureExperiment e = ExposureExperiment.run(() -> MacroRuns.workload(p.mix(), p.pages(), SEED),
                ExposureExperiment.defaultMergers(), AttackPlan.DEFAULT_WAITS_MS, 4, p.trials(), SEED, FaultLatency.defaults(), progress);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ksmlab-exposure", FORMAT);
        m.put("mix", p.mix());
        m.put("pages", p.pages());
        m.put("seed", SEED);
        m.putAll(e.toJsonObject());
        return m;
    }
}
