package org.ksmlab.livekernel.capture;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.ksmlab.livekernel.CProgram;

/**
 * Starts commands under KSM merge-any: each through {@code merge_any_exec} (a freestanding C
 * program shipped in the jar, compiled once with cc or gcc into the scenario runner's cache,
 * {@link CProgram}), which sets
 * PR_SET_MEMORY_MERGE and then execs the command, so the flag is on before the program's first
 * instruction and every compatible VMA it maps is mergeable. The JVM cannot do this itself: it
 * runs no code of ours between fork and exec, and setting the flag on itself for the child to
 * inherit would make the JVM's own memory mergeable too. No shell is involved: the command's
 * words are passed as they are, and a name without '/' is looked up on PATH here.
 */
public final class Launcher implements AutoCloseable {
    static final String RESOURCE = "/org/ksmlab/livekernel/scenario/merge_any_exec.c";
    /** Freestanding and static, as the scenario runner: a compiler alone builds it, no C library needed. */
    static final List<String> FLAGS = CProgram.FREESTANDING_FLAGS;

    /** This machine cannot build the launcher; the message says why and what to install. */
    public static final class Unavailable extends Exception {
        private static final long serialVersionUID = 1L;

        Unavailable(String message) {
            super(message);
        }
    }

    private final Path program;
    private final List<Process> started = new ArrayList<>();

    private Launcher(Path program) {
        this.program = program;
    }

    /** Builds (or finds in the cache) the launcher; {@link Unavailable} without a C compiler. */
    public static Launcher create() throws Unavailable {
        Map<String, String> env = System.getenv();
        try {
            return new Launcher(CProgram.ensure("merge-any-exec", CProgram.source(Launcher.class, RESOURCE), FLAGS, List.of(), env,
                    CProgram.cacheDir(env)));
        } catch (CProgram.NoCompiler e) {
            throw new Unavailable("capture starts a command under KSM merge-any through a small C program (merge_any_exec.c), compiled once "
                    + "with the system's C compiler, and found neither cc nor gcc on PATH. Install one (Debian/Ubuntu: apt-get install gcc; "
                    + "Fedora/RHEL: dnf install gcc; Alpine: apk add gcc) and run again");
        } catch (CProgram.CompileFailed e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Starts {@code command} (its words), its stdout and stderr to {@code output} (e.g. DISCARD, or PIPE to read them). */
    public Process start(List<String> command, ProcessBuilder.Redirect output) throws IOException {
        if (command.isEmpty()) throw new IllegalArgumentException("an empty command");
        List<String> argv = new ArrayList<>();
        argv.add(program.toString());
        argv.add(resolve(command.get(0), System.getenv()));
        argv.addAll(command.subList(1, command.size()));
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.redirectOutput(output);
        Process p = pb.start();
        started.add(p);
        return p;
    }

    /** A command's path: as given when it has a '/', else the first executable of that name on PATH. */
    static String resolve(String name, Map<String, String> env) {
        if (name.contains("/")) {
            if (!Files.isExecutable(Path.of(name))) throw new IllegalArgumentException("command '" + name + "': no such executable");
            return Path.of(name).toAbsolutePath().toString();
        }
        for (String dir : env.getOrDefault("PATH", "").split(":")) {
            if (dir.isEmpty()) continue;
            Path p = Path.of(dir, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) return p.toString();
        }
        throw new IllegalArgumentException("command '" + name + "': not found on PATH");
    }

    /** The processes this launcher started, in order. */
    public List<Process> started() {
        return List.copyOf(started);
    }

    /** Ends every process this launcher started (and only those): SIGKILL, which also ends a stopped one. */
    @Override
    public void close() {
        for (Process p : started) {
            if (p.isAlive()) {
                p.destroyForcibly();
                try {
                    p.waitFor();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
