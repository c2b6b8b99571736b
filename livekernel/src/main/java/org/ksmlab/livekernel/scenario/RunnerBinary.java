package org.ksmlab.livekernel.scenario;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The scenario runner program ({@code scenario_runner.c}, shipped in the jar), compiled on first
 * use with the system's C compiler ({@code cc}, else {@code gcc}) into
 * {@code ${XDG_CACHE_HOME:-$HOME/.cache}/ksmlab/scenario-runner-HASH}, where HASH covers the source
 * and the compiler flags: a new source compiles once, an unchanged one never again. The program is
 * freestanding (no C library is linked), so a compiler alone is enough.
 *
 * <p>A machine without a compiler (or not x86_64) gets {@link Unavailable}, whose message says
 * what to install; kernel-check turns it into its "cannot run here" exit status having changed
 * nothing.
 */
public final class RunnerBinary {
    /** Where the source is in the jar. */
    static final String RESOURCE = "/org/ksmlab/livekernel/scenario/scenario_runner.c";
    /** Compilers tried, in order. */
    static final List<String> COMPILERS = List.of("cc", "gcc");
    /** Freestanding, static, no PIE (a fixed image the runner can name by its linker symbols). */
    static final List<String> FLAGS = List.of("-O2", "-static", "-nostdlib", "-ffreestanding", "-fno-stack-protector",
            "-fno-pie", "-no-pie", "-fcf-protection=none", "-fno-asynchronous-unwind-tables", "-Wall");

    /** This machine cannot build or run the runner; the message says why and what to do. */
    public static final class Unavailable extends Exception {
        private static final long serialVersionUID = 1L;

        Unavailable(String message) {
            super(message);
        }
    }

    private RunnerBinary() {
    }

    /** The compiled runner, compiling it first if the cache does not have this source's build. */
    public static Path ensure() throws Unavailable {
        return ensure(System.getenv(), cacheDir(System.getenv()));
    }

    static Path ensure(Map<String, String> env, Path cache) throws Unavailable {
        return ensure(env, cache, RESOURCE, "scenario-runner", "kernel-check --scenario runs each scenario process as a small C program (scenario_runner.c)");
    }

    /**
     * Another freestanding program shipped beside the runner ({@code resource}, e.g. capture's
     * merge-any launcher), built and cached the same way as {@code cache/NAME-HASH};
     * {@code whatFor} opens the message a machine without a compiler gets.
     */
    public static Path ensureProgram(String resource, String name, String whatFor) throws Unavailable {
        return ensure(System.getenv(), cacheDir(System.getenv()), resource, name, whatFor);
    }

    static Path ensure(Map<String, String> env, Path cache, String resource, String name, String whatFor) throws Unavailable {
        String arch = System.getProperty("os.arch");
        if (!arch.equals("amd64") && !arch.equals("x86_64")) {
            throw new Unavailable("the " + name + " program is x86_64 only (raw system calls); this machine is " + arch);
        }
        String source = source(resource);
        Path target = cache.resolve(name + "-" + hash(source));
        if (Files.isExecutable(target)) {
            return target;
        }
        String cc = compiler(env).orElseThrow(() -> new Unavailable(whatFor + ", compiled once with the system's C compiler, and found neither cc nor gcc on PATH. "
                + "Install one (Debian/Ubuntu: apt-get install gcc; Fedora/RHEL: dnf install gcc; Alpine: apk add gcc) and run again"));
        try {
            Files.createDirectories(cache);
            Path src = Files.createTempFile(cache, name, ".c");
            Path out = Files.createTempFile(cache, name, ".tmp");
            try {
                Files.writeString(src, source);
                List<String> cmd = new ArrayList<>();
                cmd.add(cc);
                cmd.addAll(FLAGS);
                cmd.addAll(List.of("-o", out.toString(), src.toString()));
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
                String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!p.waitFor(120, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IllegalStateException("compiling the " + name + " program (" + String.join(" ", cmd) + ") took over 120 s");
                }
                if (p.exitValue() != 0) {
                    throw new IllegalStateException("compiling the " + name + " program failed (" + String.join(" ", cmd) + "), exit "
                            + p.exitValue() + ":\n" + output.strip());
                }
                Files.move(out, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                return target;
            } finally {
                Files.deleteIfExists(src);
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build the " + name + " program in " + cache + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while compiling the " + name + " program", e);
        }
    }

    /** ${XDG_CACHE_HOME:-$HOME/.cache}/ksmlab. */
    static Path cacheDir(Map<String, String> env) {
        String xdg = env.get("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "ksmlab");
        }
        String home = env.getOrDefault("HOME", System.getProperty("user.home"));
        return Path.of(home, ".cache", "ksmlab");
    }

    /** The first of {@link #COMPILERS} found as an executable on {@code PATH}. */
    static Optional<String> compiler(Map<String, String> env) {
        String path = env.getOrDefault("PATH", "");
        for (String c : COMPILERS) {
            for (String dir : path.split(":")) {
                if (dir.isEmpty()) continue;
                Path p = Path.of(dir, c);
                if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                    return Optional.of(p.toString());
                }
            }
        }
        return Optional.empty();
    }

    static String source() {
        return source(RESOURCE);
    }

    static String source(String resource) {
        try (InputStream in = RunnerBinary.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the class path (a broken build)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The cache key: 16 hex digits of SHA-256 over the flags and the source. */
    static String hash(String source) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(String.join(" ", FLAGS).getBytes(StandardCharsets.UTF_8));
            d.update((byte) 0);
            d.update(source.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
