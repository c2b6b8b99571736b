package org.ksmlab.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.ksmlab.datasets.memory.DatasetWriter;
import org.ksmlab.livekernel.CaptureCheck;
import org.ksmlab.livekernel.ComparisonTable;
import org.ksmlab.livekernel.KernelCheck;
import org.ksmlab.livekernel.KernelRunner;
import org.ksmlab.livekernel.KsmSysfs;
import org.ksmlab.livekernel.SideResult;
import org.ksmlab.livekernel.capture.Launcher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code capture-check}: the live kernel's KSM on real programs beside the model's prediction
 * from a capture of the same processes ({@link CaptureCheck}); kernel-check's table and JSON.
 */
@Command(name = "capture-check", mixinStandardHelpOptions = true,
        description = {"Start commands under KSM merge-any, let them settle, stop them (SIGSTOP), capture them, then run the model on the",
                "capture and the live kernel's KSM on the processes, and compare them full scan by full scan (kernel-check's table).",
                "Needs root, /sys/kernel/mm/ksm and a C compiler (exit 77 otherwise, nothing changed). Holds the KSM lock; saves every",
                "knob and restores it (also on failure and Ctrl-C); ends only the processes it started."})
final class CaptureCheckCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--run", required = true, paramLabel = "'CMD ARGS'", description = "a command to start (words split at spaces, no shell); repeatable")
    List<String> runs = new ArrayList<>();

    @Option(names = "--set", paramLabel = "KNOB=VALUE", description = "a KSM knob (sysfs name) for the run, on both sides; repeatable")
    Map<String, String> knobs = new LinkedHashMap<>();

    @Option(names = "--name", paramLabel = "NAME", defaultValue = "capture", description = "the run's and the dataset's name (default ${DEFAULT-VALUE})")
    String name;

    @Option(names = "--settle-ms", paramLabel = "MS", defaultValue = "10000", description = "how long the commands run before they are stopped (default ${DEFAULT-VALUE})")
    long settleMs;

    @Option(names = "--max-scans", paramLabel = "N", defaultValue = "30", description = "full scans at most (default ${DEFAULT-VALUE})")
    int maxScans;

    @Option(names = "--out", paramLabel = "DIR", description = "write DIR/dataset (the capture), capture-check.json and capture-check.txt")
    Path out;

    @Option(names = "--json", description = "print one JSON object on stdout")
    boolean json;

    @Option(names = "--no-wait", description = "when another process drives KSM, exit with status 75 at once instead of waiting")
    boolean noWait;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter stdout = spec.commandLine().getOut();
        List<List<String>> commands = new ArrayList<>();
        for (String r : runs) {
            List<String> words = Arrays.stream(r.strip().split("\\s+")).filter(w -> !w.isEmpty()).toList();
            if (words.isEmpty()) throw new IllegalArgumentException("--run '': expected a command");
            commands.add(words);
        }
        if (maxScans < 2) throw new IllegalArgumentException("--max-scans " + maxScans + ": expected >= 2");
        if (settleMs < 0) throw new IllegalArgumentException("--settle-ms " + settleMs + ": expected >= 0");
        Path datasetDir;
        Path tmp = null;
        if (out != null) {
            datasetDir = out.resolve("dataset");
            try {
                DatasetWriter.checkTarget(datasetDir);
            } catch (FileAlreadyExistsException e) {
                throw new IllegalArgumentException("--out " + out + ": " + datasetDir + " " + e.getReason());
            }
        } else {
            tmp = Files.createTempDirectory("ksmlab-capture-check");
            datasetDir = tmp.resolve("dataset");
        }
        KsmSysfs sysfs = new KsmSysfs(KsmSysfs.DEFAULT_DIR);
        Optional<String> why = new KernelCheck(sysfs, Path.of("/proc"), KernelRunner.Limits.defaults()).precondition();
        if (why.isPresent()) {
            err.println("capture-check: skipped: " + why.get());
            err.flush();
            return KernelCheck.EXIT_UNAVAILABLE;
        }
        CaptureCheck.Outcome o;
        try {
            o = new CaptureCheck(sysfs, Path.of("/proc"), new KernelRunner.Limits(maxScans, 600_000, 2))
                    .run(name, commands, knobs, settleMs, datasetDir, err, !noWait);
        } catch (Launcher.Unavailable e) {
            err.println("capture-check: skipped: " + e.getMessage() + "; nothing was changed");
            err.flush();
            return KernelCheck.EXIT_UNAVAILABLE;
        } catch (KernelCheck.Busy e) {
            err.println("capture-check: " + e.getMessage());
            err.flush();
            return KernelCheckCommand.EXIT_BUSY;
        } finally {
            if (tmp != null) deleteTree(tmp);
        }
        String text = ComparisonTable.render(o.check().scenario(), o.check().kernel(), o.check().model()) + agreement(o.check().kernel(), o.check().model())
                + (o.notes().isEmpty() ? "" : "notes: " + String.join("; ", o.notes()) + "\n");
        Map<String, Object> j = o.toJson();
        if (json) stdout.println(new ObjectMapper().writeValueAsString(j));
        else stdout.print(text);
        stdout.flush();
        if (out != null) {
            AtomicFiles.write(out.resolve("capture-check.json"), new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(j) + "\n");
            AtomicFiles.write(out.resolve("capture-check.txt"), text);
            err.println("capture-check: wrote " + out.resolve("capture-check.json") + " and the capture " + datasetDir);
        }
        err.flush();
        return 0;
    }

    /** The yardstick: final pages_shared, pages_sharing and ksm_zero_pages, model against kernel, in %, and the full scan each converged at. */
    static String agreement(SideResult k, SideResult m) {
        if (!k.available() || !m.available()) return "";
        StringBuilder b = new StringBuilder("after convergence (model vs kernel):");
        for (String c : List.of("pages_shared", "pages_sharing", "ksm_zero_pages")) {
            long kv = ((Number) k.finalCounters().get(c)).longValue();
            long mv = ((Number) m.finalCounters().get(c)).longValue();
            b.append(String.format(" %s %d vs %d (%s)", c, mv, kv, kv == 0 ? (mv == 0 ? "equal" : "kernel 0") : String.format("%+.2f %%", 100.0 * (mv - kv) / kv)));
        }
        b.append(String.format("; converged at full scan %d (model) and %d (kernel)%n", m.convergedFullScans(), k.convergedFullScans()));
        return b.toString();
    }

    private static void deleteTree(Path dir) {
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (java.io.IOException ignored) {
            // a temporary folder
        }
    }
}
