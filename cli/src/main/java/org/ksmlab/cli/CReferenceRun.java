package org.ksmlab.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.ksmlab.bench.Suites;
import org.ksmlab.livekernel.CProgram;

/**
 * The C reference of the page primitives ({@code page_primitives.c}, shipped in the benchmarks
 * jar), run beside a suite's micro benchmarks so the report can give each Java primitive as a
 * ratio to C from the same run: compiled once with the system's C compiler for this CPU
 * ({@code -O3 -march=native}, as the JIT compiles Java for this CPU), with the xxHash header
 * when it is installed, then run with the suite's cold pool and stream sizes. The result goes to
 * one JSON file, written atomically; without a C compiler the file records why it was skipped.
 */
final class CReferenceRun {
    static final String RESOURCE = "/org/ksmlab/bench/c/page_primitives.c";
    static final String FORMAT = "ksmlab-c-reference/1";
    static final List<String> FLAGS = List.of("-O3", "-march=native", "-Wall");
    /** The Java benchmarks' own @Param defaults, used when a suite leaves them alone. */
    static final int DEFAULT_MIB = 1024;
    static final long SEED = 42;
    /** A measured round's least length, ms (page_primitives.c's ROUND_MS). */
    static final int ROUND_MS = 100;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the C reference is run with: the sizes the suite gives the Java benchmarks it mirrors. */
    record Sizes(int coldMiB, int streamMiB) {}

    private CReferenceRun() {
    }

    /**
     * The sizes for {@code suite}, or empty when the suite runs neither the compare nor the
     * checksum micro benchmark (then there is nothing to hold C against).
     */
    static Optional<Sizes> sizesFor(Suites.Suite suite) {
        Integer cold = null;
        Integer stream = null;
        boolean primitives = false;
        for (Suites.Entry e : suite.entries()) {
            if (e.include().contains("PageCompareBenchmark") || e.include().contains("PageChecksumBenchmark")) {
                primitives = true;
                if (cold == null) cold = first(e.params(), "coldMiB");
            }
            if (e.include().contains("MemoryBandwidthBenchmark") && stream == null) {
                stream = first(e.params(), "sizeMiB");
            }
        }
        if (!primitives) return Optional.empty();
        return Optional.of(new Sizes(cold == null ? DEFAULT_MIB : cold, stream == null ? DEFAULT_MIB : stream));
    }

    private static Integer first(Map<String, String[]> params, String name) {
        String[] v = params.get(name);
        return v == null || v.length == 0 ? null : Integer.valueOf(v[0]);
    }

    /**
     * Compiles (once) and runs the C reference, writing its result to {@code file}; without a C
     * compiler writes a {@code "skipped"} record instead. Fails when the compiler or the program
     * fails.
     */
    static void run(Sizes sizes, Path file, Map<String, String> env, PrintWriter log) throws IOException {
        run(sizes, ROUND_MS, file, env, log);
    }

    /** {@link #run(Sizes, Path, Map, PrintWriter)} with rounds of at least {@code roundMs} (tests use short ones). */
    static void run(Sizes sizes, int roundMs, Path file, Map<String, String> env, PrintWriter log) throws IOException {
        ObjectNode out;
        Optional<Compiled> program = compile(env, log);
        if (program.isEmpty()) {
            out = JSON.createObjectNode().put("format", FORMAT).put("skipped",
                    "no C compiler (cc or gcc) on PATH, so no C reference was measured; install one (Debian/Ubuntu: "
                            + "apt-get install gcc libxxhash-dev) to get the Java/C ratios");
            log.println("== C reference: skipped (no C compiler on PATH)");
        } else {
            Compiled c = program.get();
            log.printf("== C reference: page_primitives (cold %d MiB, stream %d MiB, %s)%n", sizes.coldMiB(), sizes.streamMiB(),
                    c.xxhash() ? "with xxHash" : "without xxHash: install libxxhash-dev for the C hashes");
            log.flush();
            String stdout = exec(List.of(c.binary().toString(), Integer.toString(sizes.coldMiB()), Integer.toString(sizes.streamMiB()),
                    Long.toString(SEED), Integer.toString(roundMs)));
            out = (ObjectNode) JSON.readTree(stdout);
            if (!FORMAT.equals(out.path("format").asText())) {
                throw new IOException("page_primitives printed no " + FORMAT + " object: " + stdout.lines().findFirst().orElse(""));
            }
            out.put("compiler", c.version());
            out.put("flags", String.join(" ", c.flags()));
            out.put("seed", SEED);
        }
        String text = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(out) + "\n";
        AtomicFiles.write(file, text);
    }

    /** A compiled reference: the binary, the flags it was built with, whether xxHash was found, the compiler's version line. */
    record Compiled(Path binary, List<String> flags, boolean xxhash, String version) {}

    /** Compiles with the xxHash header, or without it when that fails; empty when there is no C compiler. */
    static Optional<Compiled> compile(Map<String, String> env, PrintWriter log) throws IOException {
        Optional<String> cc = CProgram.compiler(env);
        if (cc.isEmpty()) return Optional.empty();
        String source = CProgram.source(Suites.class, RESOURCE);
        Path cache = CProgram.cacheDir(env);
        List<String> withXxhash = new ArrayList<>(FLAGS);
        withXxhash.add("-DHAVE_XXHASH");
        try {
            Path binary;
            List<String> flags;
            boolean xxhash;
            try {
                binary = CProgram.ensure("page-primitives", source, withXxhash, List.of(), env, cache);
                flags = withXxhash;
                xxhash = true;
            } catch (CProgram.CompileFailed e) {
                if (!e.getMessage().contains("xxhash.h")) throw e;
                binary = CProgram.ensure("page-primitives", source, FLAGS, List.of(), env, cache);
                flags = FLAGS;
                xxhash = false;
            }
            String version = exec(List.of(cc.get(), "--version")).lines().findFirst().orElse(cc.get()).strip();
            return Optional.of(new Compiled(binary, flags, xxhash, version));
        } catch (CProgram.NoCompiler e) {
            return Optional.empty();
        } catch (CProgram.CompileFailed e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** Runs a command, returning its stdout; fails with its stderr when it exits non-zero. */
    private static String exec(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.PIPE).start();
        try {
            byte[] err;
            String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            err = p.getErrorStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " took over 10 minutes");
            }
            if (p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed, exit " + p.exitValue() + ": "
                        + new String(err, StandardCharsets.UTF_8).strip());
            }
            return stdout;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + command.get(0), e);
        }
    }
}
