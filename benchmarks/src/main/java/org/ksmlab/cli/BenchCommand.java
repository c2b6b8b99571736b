package org.ksmlab.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.ksmlab.bench.Suites;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code bench --suite NAME --out DIR}: runs a named suite through JMH's Runner API and writes
 * one JMH JSON file per suite entry into DIR (atomically: each file is written under a
 * temporary name, then renamed). Without {@code --suite}, arguments pass straight to JMH's own
 * command line ({@code org.openjdk.jmh.Main}).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Run a benchmark suite (--suite) or pass arguments to JMH.",
                "Forks inherit this JVM's flags (the Vector API module, native access, Unsafe allowance)."})
final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--suite", paramLabel = "NAME", description = "a suite from 'list'")
    String suite;

    @Option(names = "--out", paramLabel = "DIR", description = "folder for the JMH JSON files (with --suite)")
    Path out;

    /** Everything else goes to JMH (e.g. -l, a benchmark regex, -p k=v, -f 1). */
    @Unmatched
    List<String> jmhArgs = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        if (suite == null) {
            org.openjdk.jmh.Main.main(jmhArgs.toArray(String[]::new));
            return 0;
        }
        if (!jmhArgs.isEmpty()) {
            throw new IllegalArgumentException("with --suite, extra JMH arguments are not accepted: " + jmhArgs);
        }
        if (out == null) {
            throw new IllegalArgumentException("--suite needs --out DIR for the JMH JSON results");
        }
        Suites.Suite s = Suites.get(suite);
        Files.createDirectories(out);
        PrintWriter log = spec.commandLine().getOut();
        int i = 0;
        for (Suites.Entry e : s.entries()) {
            i++;
            log.printf("== suite %s: entry %d of %d: %s%n", s.name(), i, s.entries().size(), e.include());
            log.flush();
            Path tmp = out.resolve(String.format(".%s-%02d.json.tmp", s.name(), i));
            ChainedOptionsBuilder b = new OptionsBuilder()
                    .include(e.include())
                    .warmupIterations(e.warmupIterations()).warmupTime(TimeValue.milliseconds(e.warmupMillis()))
                    .measurementIterations(e.measurementIterations()).measurementTime(TimeValue.milliseconds(e.measurementMillis()))
                    .forks(e.forks())
                    .shouldFailOnError(true)
                    .resultFormat(ResultFormatType.JSON).result(tmp.toString());
            e.params().forEach(b::param);
            if (new Runner(b.build()).run().isEmpty()) {
                throw new IllegalStateException("suite " + s.name() + " entry " + e.include() + " matched no benchmark");
            }
            move(tmp, out.resolve(String.format("%s-%02d.json", s.name(), i)));
        }
        return 0;
    }

    private static void move(Path from, Path to) throws IOException {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
