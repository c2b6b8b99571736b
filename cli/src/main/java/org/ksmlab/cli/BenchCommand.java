package org.ksmlab.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;
import org.ksmlab.bench.Suites;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatFactory;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code bench --suite NAME --out DIR [--shard i/n]}: runs a named suite point by point through
 * JMH's Runner API (each sweep point, {@link Suites#points}, is its own JMH run with exact
 * {@code -p} values) and writes one JMH JSON file per suite entry into DIR, {@code NAME-NN.json}
 * (NN the entry's 1-based position), atomically: written under a temporary name, then renamed,
 * once the entry's last point ran. An entry none of whose points is in the shard writes no file.
 * Progress (point k of n, elapsed, estimated remaining from the points done) goes to stdout.
 * Without {@code --suite}, arguments pass straight to JMH's own command line
 * ({@code org.openjdk.jmh.Main}).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Run a benchmark suite (--suite) or pass arguments to JMH.",
                "Forks inherit this JVM's flags (the Vector API module, native access, Unsafe allowance)."})
final class BenchCommand implements Callable<Integer> {
    /** Longest a single iteration may take (the largest full-suite simulations take minutes). */

    @Spec
    CommandSpec spec;

    @Option(names = "--suite", paramLabel = "NAME", description = "a suite from 'list'")
    String suite;

    @Option(names = "--out", paramLabel = "DIR", description = "folder for the JMH JSON files (with --suite)")
    Path out;

    @Option(names = "--shard", paramLabel = "i/n", description = "run only the i-th of n deterministic shares of the suite's sweep points (1 <= i <= n)")
    String shard;

    @Option(names = "--list-points", description = "print the sweep points the suite (and shard) would run, one a line, and run nothing")
    boolean listPoints;

    @Option(names = "--resume", description = "keep the entries whose JSON is already in --out (a partial run's) and run only the others")
    boolean resume;

    @Option(names = "--no-wait", description = "when another benchmark run holds the JMH lock, exit with status 75 at once instead of waiting")
    boolean noWait;

    @Option(names = "--c-reference", paramLabel = "FILE", description = {"after the suite, when this run measured the page compare "
            + "or checksum micro benchmarks, compile (once) and run their C reference (page_primitives.c: memcmp, XXH64, XXH3, a "
            + "streaming read) with the same pool sizes and write its JSON to FILE (with --resume: only when FILE is missing); "
            + "without a C compiler FILE records that it was skipped"})
    Path cReference;

    @Option(names = {"-v", "--verbose"}, description = "show JMH's own output for every point (default: one progress line per point)")
    boolean verbose;

    /** Everything else goes to JMH (e.g. -l, a benchmark regex, -p k=v, -f 1). */
    @Unmatched
    List<String> jmhArgs = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        PrintWriter log = spec.commandLine().getOut();
        if (suite == null) {
            if (shard != null || listPoints || resume || out != null) {
                throw new IllegalArgumentException("--shard, --list-points, --resume and --out need --suite NAME");
            }
            // JMH takes its lock itself here; check first so a busy machine gets a clear answer.
            try (JmhLock ignored = JmhLock.acquire(!noWait, log)) {
                // released before JMH takes it
            } catch (JmhLock.Busy e) {
                return busy(e);
            }
            org.openjdk.jmh.Main.main(jmhArgs.toArray(String[]::new));
            return 0;
        }
        if (!jmhArgs.isEmpty()) {
            throw new IllegalArgumentException("with --suite, extra JMH arguments are not accepted: " + jmhArgs);
        }
        Suites.Shard share = shard == null ? Suites.Shard.ALL : Suites.Shard.parse(shard);
        Suites.Suite s = Suites.get(suite);
        List<Suites.Point> points = Suites.points(s, share);
        if (listPoints) {
            points.forEach(p -> log.println(p.label()));
            log.flush();
            return 0;
        }
        if (out == null) {
            throw new IllegalArgumentException("--suite needs --out DIR for the JMH JSON results");
        }
        if (resume) {
            int before = points.size();
            points = points.stream().filter(p -> !Files.isRegularFile(out.resolve(entryFile(s, p)))).toList();
            log.printf("== resume: %d of %d sweep points already have results in %s%n", before - points.size(), before, out);
        }
        Files.createDirectories(out);
        JmhLock lock;
        try {
            lock = JmhLock.acquire(!noWait, log);
        } catch (JmhLock.Busy e) {
            return busy(e);
        }
        // The suite holds JMH's lock itself, for its whole length: each point's Runner must not try again.
        System.setProperty("jmh.ignoreLock", "true");
        try (lock) {
            runPoints(s, share, points, log);
            runCReference(s, Suites.points(s, share), log);
        }
        return 0;
    }

    /**
     * The C reference, under the same JMH lock, when the suite's share (all its points, resumed or
     * not) holds a compare or checksum point (see --c-reference).
     */
    private void runCReference(Suites.Suite s, List<Suites.Point> share, PrintWriter log) throws IOException {
        if (cReference == null) return;
        boolean primitives = share.stream().anyMatch(p -> p.benchmark().contains(".PageCompareBenchmark.")
                || p.benchmark().contains(".PageChecksumBenchmark."));
        var sizes = CReferenceRun.sizesFor(s);
        if (sizes.isEmpty() || !primitives) return;
        if (resume && Files.isRegularFile(cReference)) {
            log.println("== resume: the C reference is already in " + cReference);
            return;
        }
        CReferenceRun.run(sizes.get(), cReference, System.getenv(), log);
        log.flush();
    }

    private int busy(JmhLock.Busy e) {
        spec.commandLine().getErr().println("bench: " + e.getMessage());
        spec.commandLine().getErr().flush();
        return JmhLock.EXIT_BUSY;
    }

    private static String entryFile(Suites.Suite s, Suites.Point p) {
        return String.format("%s-%02d.json", s.name(), p.entryIndex() + 1);
    }

    private void runPoints(Suites.Suite s, Suites.Shard share, List<Suites.Point> points, PrintWriter log) throws Exception {
        log.printf("== suite %s%s: %d sweep points%n", s.name(), shard == null ? "" : " shard " + share.index() + "/" + share.count(), points.size());
        log.flush();
        long start = System.nanoTime();
        List<RunResult> entryResults = new ArrayList<>();
        for (int k = 0; k < points.size(); k++) {
            Suites.Point p = points.get(k);
            log.printf("== [%d/%d] elapsed %s, %s: %s%n", k + 1, points.size(), Durations.format(System.nanoTime() - start),
                    k == 0 ? "remaining estimated after the first point" : "~" + Durations.format((System.nanoTime() - start) / k * (points.size() - k)) + " left",
                    p.label());
            log.flush();
            Collection<RunResult> results = new Runner(options(p).build(), ForkOutput.format(verbose)).run();
            if (results.isEmpty()) {
                throw new IllegalStateException("suite " + s.name() + ": point " + p.label() + " matched no benchmark");
            }
            for (RunResult r : results) {
                Result<?> primary = r.getPrimaryResult();
                log.printf("   %.3f ± %.3f %s%n", primary.getScore(), primary.getScoreError(), primary.getScoreUnit());
            }
            entryResults.addAll(results);
            boolean lastOfEntry = k == points.size() - 1 || points.get(k + 1).entryIndex() != p.entryIndex();
            if (lastOfEntry) {
                List<RunResult> entry = List.copyOf(entryResults);
                AtomicFiles.write(out.resolve(entryFile(s, p)), o -> {
                    PrintStream ps = new PrintStream(o, false, StandardCharsets.UTF_8);
                    ResultFormatFactory.getInstance(ResultFormatType.JSON, ps).writeOut(entry);
                    ps.flush();
                    if (ps.checkError()) {
                        throw new IOException("writing " + out.resolve(entryFile(s, p)) + " failed (disk full?)");
                    }
                });
                entryResults.clear();
            }
        }
        log.printf("== suite %s done: %d points in %s%n", s.name(), points.size(), Durations.format(System.nanoTime() - start));
        log.flush();
    }

    private ChainedOptionsBuilder options(Suites.Point p) {
        Suites.Entry e = p.entry();
        ChainedOptionsBuilder b = new OptionsBuilder()
                .include(p.include())
                .warmupIterations(e.warmupIterations()).measurementIterations(e.measurementIterations())
                .forks(e.forks())
                .timeout(TimeValue.minutes(e.iterationTimeoutMinutes()))
                .shouldFailOnError(true)
                .verbosity(verbose ? VerboseMode.NORMAL : VerboseMode.SILENT);
        // Single-shot benchmarks ignore iteration times; 0 means "keep the benchmark's own".
        if (e.warmupMillis() > 0) {
            b.warmupTime(TimeValue.milliseconds(e.warmupMillis()));
        }
        if (e.measurementMillis() > 0) {
            b.measurementTime(TimeValue.milliseconds(e.measurementMillis()));
        }
        p.params().forEach(b::param);
        return b;
    }
}
