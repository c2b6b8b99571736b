package org.ksmlab.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.ksmlab.livekernel.ComparisonTable;
import org.ksmlab.livekernel.KernelCheck;
import org.ksmlab.livekernel.KernelRunner;
import org.ksmlab.livekernel.KsmSysfs;
import org.ksmlab.livekernel.Scenario;
import org.ksmlab.livekernel.WorkloadProcesses;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kernel-check}: the same workloads on the live kernel's KSM and on the model, full scan
 * by full scan. With {@code --json} stdout is exactly one object
 * {@code {"scenarios": [{"name", "workload", "knobs", "kernel": {...}, "model": {...}}]}};
 * progress goes to stderr. Exit 77 when the kernel does not allow it (no KSM, not root).
 */
@Command(name = "kernel-check", mixinStandardHelpOptions = true,
        description = {"Run workloads on this machine's KSM and on the model; compare them full scan by full scan.",
                "Needs root and /sys/kernel/mm/ksm (exit 77 otherwise, nothing changed). Saves every KSM knob and restores it",
                "afterwards, also on failure and Ctrl-C; ends only the processes it started; maps at most 2 GiB of real memory.",
                "Spec key via=prctl (kernel side only) makes the processes opt in with PR_SET_MEMORY_MERGE instead of MADV_MERGEABLE."})
final class KernelCheckCommand implements Callable<Integer> {
    /** Exit status when another process drives KSM and --no-wait was given (sysexits' EX_TEMPFAIL). */
    static final int EXIT_BUSY = 75;

    @Spec
    CommandSpec spec;

    @Option(names = "--workload", paramLabel = "SPEC", description = "a dup workload spec; repeatable (default: the built-in scenario list)")
    List<String> workloads = new ArrayList<>();

    @Option(names = "--set", paramLabel = "KNOB=VALUE", description = "a KSM knob (sysfs name) for every --workload; repeatable")
    Map<String, String> knobs = new LinkedHashMap<>();

    @Option(names = "--json", description = "print one JSON object on stdout")
    boolean json;

    @Option(names = "--out", paramLabel = "DIR", description = "also write kernel-check.json (and kernel-check.txt) into DIR, atomically")
    Path out;

    @Option(names = "--write-calibration", description = "write the measured per-page ksmd CPU as calibration.properties into --out DIR")
    boolean writeCalibration;

    @Option(names = "--max-scans", paramLabel = "N", defaultValue = "30", description = "full scans per scenario at most (default ${DEFAULT-VALUE})")
    int maxScans;

    @Option(names = "--no-wait", description = "when another process drives KSM (holds the ksmlab KSM lock), exit with status 75 at once instead of waiting")
    boolean noWait;

    @Option(names = "--ksm-dir", hidden = true, defaultValue = "/sys/kernel/mm/ksm", description = "the KSM sysfs directory (tests)")
    Path ksmDir;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter stdout = spec.commandLine().getOut();
        if (writeCalibration && out == null) {
            throw new IllegalArgumentException("--write-calibration needs --out DIR (the calibration is written there)");
        }
        if (maxScans < 2) {
            throw new IllegalArgumentException("--max-scans " + maxScans + ": expected >= 2");
        }
        List<Scenario> scenarios = new ArrayList<>();
        if (workloads.isEmpty()) {
            if (!knobs.isEmpty()) {
                throw new IllegalArgumentException("--set applies to --workload scenarios; the built-in list has its own knobs");
            }
            scenarios.addAll(Scenario.builtIn());
        } else {
            for (String w : workloads) scenarios.add(new Scenario(w, w, knobs));
        }
        KernelCheck check = new KernelCheck(new KsmSysfs(ksmDir), Path.of("/proc"),
                new KernelRunner.Limits(maxScans, KernelRunner.Limits.defaults().maxMs(), 2));
        Optional<String> why = check.precondition();
        if (why.isPresent()) {
            err.println("kernel-check: skipped: " + why.get());
            err.flush();
            return KernelCheck.EXIT_UNAVAILABLE;
        }
        err.println("kernel-check: memory bound " + (WorkloadProcesses.MAX_TOTAL_BYTES >> 20) + " MiB of workload pages over all processes");
        List<KernelCheck.Outcome> outcomes;
        try {
            outcomes = check.run(scenarios, err, !noWait);
        } catch (KernelCheck.Busy e) {
            err.println("kernel-check: " + e.getMessage());
            err.flush();
            return EXIT_BUSY;
        } catch (KernelRunner.Interrupted e) {
            err.println("kernel-check: interrupted; nothing printed");
            err.flush();
            return 130;
        }
        StringBuilder text = new StringBuilder();
        for (KernelCheck.Outcome o : outcomes) {
            text.append(ComparisonTable.render(o.scenario(), o.kernel(), o.model())).append('\n');
        }
        String jsonText = new ObjectMapper().writeValueAsString(KernelCheck.toJson(outcomes));
        if (json) {
            stdout.println(jsonText);
        } else {
            stdout.print(text);
        }
        stdout.flush();
        if (out != null) {
            AtomicFiles.write(out.resolve("kernel-check.json"),
                    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(KernelCheck.toJson(outcomes)) + "\n");
            AtomicFiles.write(out.resolve("kernel-check.txt"), text.toString());
            if (!java.nio.file.Files.exists(out.resolve("env.txt"))) {
                AtomicFiles.write(out.resolve("env.txt"), environment());
            }
            err.println("kernel-check: wrote " + out.resolve("kernel-check.json"));
            if (writeCalibration) {
                Optional<String> cal = KernelCheck.calibration(outcomes);
                if (cal.isPresent()) {
                    AtomicFiles.write(out.resolve("calibration.properties"), cal.get());
                    err.println("kernel-check: wrote " + out.resolve("calibration.properties"));
                } else {
                    err.println("kernel-check: no calibration written: no scenario measured both a first pass and a merged steady state");
                }
            }
        }
        err.flush();
        return 0;
    }

    /** Provenance of a kernel-check results folder, in the key: value form run.sh writes. */
    private static String environment() {
        StringBuilder b = new StringBuilder();
        b.append("started: ").append(java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)).append('\n');
        b.append("command: ./run.sh kernel-check\n");
        b.append("java: ").append(System.getProperty("java.vm.name")).append(' ').append(Runtime.version()).append('\n');
        b.append("kernel: ").append(firstLine("/proc/sys/kernel/osrelease")).append('\n');
        String cpu = "unknown";
        try {
            cpu = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown");
        } catch (java.io.IOException | RuntimeException e) {
            // keep "unknown"
        }
        b.append("cpu: ").append(cpu).append('\n');
        b.append("cpus: ").append(Runtime.getRuntime().availableProcessors()).append('\n');
        b.append("thp: ").append(firstLine("/sys/kernel/mm/transparent_hugepage/enabled")).append('\n');
        return b.toString();
    }

    private static String firstLine(String path) {
        try {
            return java.nio.file.Files.readAllLines(java.nio.file.Path.of(path)).stream().findFirst().orElse("unknown").trim();
        } catch (java.io.IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
