package org.ksmlab.livekernel.scenario;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.ksmlab.livekernel.CProgram;

/**
 * The scenario runner program ({@code scenario_runner.c}, shipped in the jar), compiled on first
 * use with the system's C compiler ({@code cc}, else {@code gcc}) into
 * {@code ${XDG_CACHE_HOME:-$HOME/.cache}/ksmlab/scenario-runner-HASH} ({@link CProgram}: a new source
 * compiles once, an unchanged one never again). The program is
 * freestanding (no C library is linked), so a compiler alone is enough.
 *
 * <p>A machine without a compiler (or not x86_64) gets {@link Unavailable}, whose message says
 * what to install; kernel-check turns it into its "cannot run here" exit status having changed
 * nothing.
 */
public final class RunnerBinary {
    /** Where the source is in the jar. */
    static final String RESOURCE = "/org/ksmlab/livekernel/scenario/scenario_runner.c";
    /** Freestanding, static, no PIE (a fixed image the runner can name by its linker symbols). */
    static final List<String> FLAGS = CProgram.FREESTANDING_FLAGS;

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
        return ensure(System.getenv(), CProgram.cacheDir(System.getenv()));
    }

    static Path ensure(Map<String, String> env, Path cache) throws Unavailable {
        String arch = System.getProperty("os.arch");
        if (!arch.equals("amd64") && !arch.equals("x86_64")) {
            throw new Unavailable("the scenario runner is x86_64 only (raw system calls); this machine is " + arch);
        }
        try {
            return CProgram.ensure("scenario-runner", source(), FLAGS, List.of(), env, cache);
        } catch (CProgram.NoCompiler e) {
            throw new Unavailable("kernel-check --scenario runs each scenario process as a small C program "
                    + "(scenario_runner.c), compiled once with the system's C compiler, and found neither cc nor gcc on PATH. "
                    + "Install one (Debian/Ubuntu: apt-get install gcc; Fedora/RHEL: dnf install gcc; Alpine: apk add gcc) and run again");
        } catch (CProgram.CompileFailed e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    static String source() {
        return CProgram.source(RunnerBinary.class, RESOURCE);
    }
}
