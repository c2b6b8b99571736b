package org.ksmlab.cli;

import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.ksmlab.datasets.memory.DatasetWriter;
import org.ksmlab.datasets.memory.LongIntMap;
import org.ksmlab.datasets.memory.MemoryDataset;
import org.ksmlab.livekernel.KernelCheck;
import org.ksmlab.livekernel.Libc;
import org.ksmlab.livekernel.capture.Capture;
import org.ksmlab.livekernel.capture.Launcher;
import org.ksmlab.livekernel.capture.Signals;
import org.ksmlab.livekernel.capture.SoftDirty;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code capture}: live processes into a memory dataset (hashes of their anonymous pages, by
 * default; see {@link Capture}). Needs root (pagemap's frame numbers and /proc/kpageflags);
 * exit 77 otherwise, nothing written.
 */
@Command(name = "capture", mixinStandardHelpOptions = true,
        description = {"Capture live processes into a memory dataset: their VMAs and, for every present anonymous page, its 64-bit hash",
                "(xxh64) and whether it is zero-filled; page contents only with --contents. Memory holds secrets: a dataset of hashes",
                "reveals which pages are equal, not what they hold; --contents stores the bytes themselves.",
                "Processes: --pid P (repeatable) and/or commands started here under KSM merge-any (prctl PR_SET_MEMORY_MERGE before",
                "exec, through a small C program compiled once with cc or gcc): --run 'CMD ARGS' (repeatable) or -- CMD ARGS.",
                "Started commands run --settle-ms, are stopped (SIGSTOP) while captured, and are ended afterwards unless --keep-running.",
                "Needs root (exit 77 otherwise, nothing written). The dataset is written atomically into a new folder."})
final class CaptureCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--pid", paramLabel = "P", description = "a running process to capture; repeatable")
    List<Integer> pids = new ArrayList<>();

    @Option(names = "--run", paramLabel = "'CMD ARGS'", description = "a command to start under merge-any (its words split at spaces, no shell); repeatable")
    List<String> runs = new ArrayList<>();

    @Parameters(paramLabel = "CMD", description = "after --: one command and its arguments, started under merge-any")
    List<String> command = new ArrayList<>();

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "the dataset folder to create (must not exist, or be empty)")
    Path out;

    @Option(names = "--name", paramLabel = "NAME", description = "the dataset's name (default: the folder's name)")
    String name;

    @Option(names = "--contents", description = "also store each distinct page's 4096 bytes (compressed, once per content): real memory contents")
    boolean contents;

    @Option(names = "--cmdline", description = "record the processes' whole command lines (default: only the program, argv[0])")
    boolean fullCmdline;

    @Option(names = "--freeze", description = "stop the --pid processes (SIGSTOP) while they are captured, and continue them after")
    boolean freeze;

    @Option(names = "--settle-ms", paramLabel = "MS", defaultValue = "5000", description = "how long started commands run before the capture (default ${DEFAULT-VALUE})")
    long settleMs;

    @Option(names = "--keep-running", description = "leave started commands running after the capture (their pids are printed); default: end them")
    boolean keepRunning;

    @Option(names = "--activity-every-ms", paramLabel = "T", description = "sample write activity (soft-dirty bits) every T ms ...")
    Long activityEveryMs;

    @Option(names = "--activity-for-ms", paramLabel = "D", description = "... for D ms, before the capture (needs CONFIG_MEM_SOFT_DIRTY)")
    Long activityForMs;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        List<List<String>> commands = new ArrayList<>();
        for (String r : runs) {
            List<String> words = Arrays.stream(r.strip().split("\\s+")).filter(w -> !w.isEmpty()).toList();
            if (words.isEmpty()) throw new IllegalArgumentException("--run '': expected a command");
            commands.add(words);
        }
        if (!command.isEmpty()) commands.add(command);
        if (pids.isEmpty() && commands.isEmpty()) {
            throw new IllegalArgumentException("nothing to capture: give --pid P, --run 'CMD ARGS' or -- CMD ARGS");
        }
        if (new LinkedHashSet<>(pids).size() != pids.size()) throw new IllegalArgumentException("--pid given twice for the same process");
        if ((activityEveryMs == null) != (activityForMs == null)) {
            throw new IllegalArgumentException("--activity-every-ms and --activity-for-ms go together");
        }
        if (activityEveryMs != null && (activityEveryMs < 1 || activityForMs < activityEveryMs)) {
            throw new IllegalArgumentException("--activity-every-ms " + activityEveryMs + " --activity-for-ms " + activityForMs + ": expected 1 <= T <= D");
        }
        if (settleMs < 0) throw new IllegalArgumentException("--settle-ms " + settleMs + ": expected >= 0");
        try {
            DatasetWriter.checkTarget(out);
        } catch (FileAlreadyExistsException e) {
            throw new IllegalArgumentException("--out " + out + ": " + e.getReason());
        }
        for (int pid : pids) {
            if (!Files.isDirectory(Path.of("/proc/" + pid))) throw new IllegalArgumentException("--pid " + pid + ": no such process");
        }
        if (Libc.geteuid() != 0) {
            err.println("capture: skipped: capture reads page frame numbers from /proc/PID/pagemap and /proc/kpageflags, which need root (euid is "
                    + Libc.geteuid() + "); nothing was written");
            err.flush();
            return KernelCheck.EXIT_UNAVAILABLE;
        }
        Path proc = Path.of("/proc");
        MemoryDataset.Activity activity = MemoryDataset.Activity.none("not asked for (capture --activity-every-ms T --activity-for-ms D)");
        if (activityEveryMs != null) {
            Optional<String> why = SoftDirty.unavailable(proc);
            if (why.isPresent()) {
                err.println("capture: skipped: " + why.get() + "; nothing was written (capture without --activity-every-ms/--activity-for-ms)");
                err.flush();
                return KernelCheck.EXIT_UNAVAILABLE;
            }
        }
        Launcher launcher = null;
        if (!commands.isEmpty()) {
            try {
                launcher = Launcher.create();
            } catch (Launcher.Unavailable e) {
                err.println("capture: skipped: " + e.getMessage() + "; nothing was written");
                err.flush();
                return KernelCheck.EXIT_UNAVAILABLE;
            }
        }
        List<Integer> all = new ArrayList<>(pids);
        List<Integer> frozen = new ArrayList<>();
        Launcher started = launcher;
        Thread hook = new Thread(() -> {
            for (int pid : frozen) {
                try {
                    Signals.send(pid, Signals.SIGCONT);
                } catch (RuntimeException ignored) {
                    // it exited
                }
            }
            if (started != null && !keepRunning) started.close();
        }, "capture-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            if (launcher != null) {
                for (List<String> c : commands) {
                    Process p = launcher.start(c, ProcessBuilder.Redirect.DISCARD);
                    all.add((int) p.pid());
                    err.println("capture: started pid " + p.pid() + " under merge-any: " + String.join(" ", c));
                }
                err.println("capture: letting them settle for " + settleMs + " ms");
                err.flush();
                Thread.sleep(settleMs);
                for (Process p : launcher.started()) {
                    if (!p.isAlive()) throw new IllegalArgumentException("command pid " + p.pid() + " exited (status " + p.exitValue() + ") before the capture");
                }
            }
            Map<Integer, LongIntMap> writes = null;
            if (activityEveryMs != null) {
                writes = SoftDirty.sample(proc, all, activityEveryMs, activityForMs, err);
                activity = new MemoryDataset.Activity(true, activityEveryMs, activityForMs, Math.max(1, activityForMs / activityEveryMs), null);
            }
            List<Integer> toFreeze = new ArrayList<>(all.subList(pids.size(), all.size()));
            if (freeze) toFreeze.addAll(pids);
            for (int pid : toFreeze) {
                Signals.send(pid, Signals.SIGSTOP);
                frozen.add(pid);
            }
            for (int pid : toFreeze) Signals.awaitStopped(proc, pid, 5000);
            Capture.Summary s = new Capture(proc, new Capture.Options(contents, fullCmdline)).capture(all, out,
                    name != null ? name : out.toAbsolutePath().normalize().getFileName().toString(), commandLine(), activity, writes, err);
            MemoryDataset.Totals t = s.manifest().totals();
            long zero = s.manifest().processes().stream().mapToLong(MemoryDataset.ProcessInfo::zeroFilledPages).sum();
            err.printf("capture: wrote %s: %d processes, %d VMAs, %d anonymous pages (%d zero-filled), %s; %d pagemap entries read in %d ms%n",
                    out, t.processes(), t.vmas(), t.anonPages(), zero, contents ? "page contents stored" : "hashes only", s.pagemapEntries(), s.millis());
            if (s.vanished() > 0) err.printf("capture: %d pages vanished while being read (the process changed them; --freeze prevents it)%n", s.vanished());
        } finally {
            for (int pid : frozen) {
                try {
                    Signals.send(pid, Signals.SIGCONT);
                } catch (RuntimeException ignored) {
                    // it exited
                }
            }
            frozen.clear();
            if (launcher != null) {
                if (keepRunning) {
                    for (Process p : launcher.started()) err.println("capture: left running: pid " + p.pid());
                } else {
                    launcher.close();
                }
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // shutting down: the hook does it
            }
            err.flush();
        }
        return 0;
    }

    private String commandLine() {
        StringBuilder b = new StringBuilder("./run.sh capture");
        for (int p : pids) b.append(" --pid ").append(p);
        for (String r : runs) b.append(" --run '").append(r).append("'");
        if (contents) b.append(" --contents");
        if (activityEveryMs != null) b.append(" --activity-every-ms ").append(activityEveryMs).append(" --activity-for-ms ").append(activityForMs);
        b.append(" --out ").append(out);
        if (!command.isEmpty()) b.append(" -- ").append(String.join(" ", command));
        return b.toString();
    }
}
