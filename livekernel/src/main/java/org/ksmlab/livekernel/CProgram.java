package org.ksmlab.livekernel;

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
 * A C program shipped in a jar as a source resource, compiled on first use with the system's C
 * compiler ({@code cc}, else {@code gcc}) into {@code ${XDG_CACHE_HOME:-$HOME/.cache}/ksmlab/NAME-HASH},
 * where HASH covers the flags and the source: a new source or new flags compile once, an unchanged
 * one never again. Used by the live kernel's scenario runner and by the C reference of the page
 * primitives.
 */
public final class CProgram {
    /** Compilers tried, in order. */
    public static final List<String> COMPILERS = List.of("cc", "gcc");
    /**
     * Flags for a freestanding static program that needs no C library (the scenario runner, the
     * merge-any launcher): a compiler alone builds it; no PIE, so it is a fixed image.
     */
    public static final List<String> FREESTANDING_FLAGS = List.of("-O2", "-static", "-nostdlib", "-ffreestanding",
            "-fno-stack-protector", "-fno-pie", "-no-pie", "-fcf-protection=none", "-fno-asynchronous-unwind-tables", "-Wall");

    /** No C compiler on PATH. */
    public static final class NoCompiler extends Exception {
        private static final long serialVersionUID = 1L;

        NoCompiler() {
            super("neither cc nor gcc is on PATH");
        }
    }

    /** The compiler ran and failed; the message holds the command and its output. */
    public static final class CompileFailed extends Exception {
        private static final long serialVersionUID = 1L;

        CompileFailed(String message) {
            super(message);
        }
    }

    private CProgram() {
    }

    /**
     * The compiled program for {@code source} built with {@code flags} (and {@code libs} after the
     * source), compiling it into {@code cache} first if it is not there.
     */
    public static Path ensure(String name, String source, List<String> flags, List<String> libs, Map<String, String> env, Path cache)
            throws NoCompiler, CompileFailed {
        Path target = cache.resolve(name + "-" + hash(source, flags, libs));
        if (Files.isExecutable(target)) {
            return target;
        }
        String cc = compiler(env).orElseThrow(NoCompiler::new);
        try {
            Files.createDirectories(cache);
            Path src = Files.createTempFile(cache, name, ".c");
            Path out = Files.createTempFile(cache, name, ".tmp");
            try {
                Files.writeString(src, source);
                List<String> cmd = new ArrayList<>();
                cmd.add(cc);
                cmd.addAll(flags);
                cmd.addAll(List.of("-o", out.toString(), src.toString()));
                cmd.addAll(libs);
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
                String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!p.waitFor(120, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new CompileFailed("compiling " + name + " (" + String.join(" ", cmd) + ") took over 120 s");
                }
                if (p.exitValue() != 0) {
                    throw new CompileFailed("compiling " + name + " failed (" + String.join(" ", cmd) + "), exit " + p.exitValue()
                            + ":\n" + output.strip());
                }
                Files.move(out, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                return target;
            } finally {
                Files.deleteIfExists(src);
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build " + name + " in " + cache + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while compiling " + name, e);
        }
    }

    /** ${XDG_CACHE_HOME:-$HOME/.cache}/ksmlab. */
    public static Path cacheDir(Map<String, String> env) {
        String xdg = env.get("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "ksmlab");
        }
        String home = env.getOrDefault("HOME", System.getProperty("user.home"));
        return Path.of(home, ".cache", "ksmlab");
    }

    /** The first of {@link #COMPILERS} found as an executable on {@code PATH}. */
    public static Optional<String> compiler(Map<String, String> env) {
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

    /** A source resource of {@code owner}'s class loader, as text. */
    public static String source(Class<?> owner, String resource) {
        try (InputStream in = owner.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the class path (a broken build)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The cache key: 16 hex digits of SHA-256 over the flags, the libraries and the source. */
    public static String hash(String source, List<String> flags, List<String> libs) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(String.join(" ", flags).getBytes(StandardCharsets.UTF_8));
            d.update((byte) 0);
            d.update(String.join(" ", libs).getBytes(StandardCharsets.UTF_8));
            d.update((byte) 0);
            d.update(source.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
