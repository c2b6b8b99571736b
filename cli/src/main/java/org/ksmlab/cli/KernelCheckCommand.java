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
import org.ksmlab.engine.cost.CostModel;
import org.ksmlab.engine.memory.PageMode;
import org.ksmlab.livekernel.Calibration;
import org.ksmlab.livekernel.ComparisonTable;
import org.ksmlab.livekernel.KernelCheck;
import org.ksmlab.livekernel.KernelRunner;
import org.ksmlab.livekernel.KsmSysfs;
import org.ksmlab.livekernel.Scenario;
import org.ksmlab.livekernel.WorkloadProcesses;
import org.ksmlab.livekernel.scenario.KernelFeatures;
import org.ksmlab.livekernel.scenario.LiveMachine;
import org.ksmlab.livekernel.scenario.RunnerBinary;
import org.ksmlab.livekernel.scenario.ScenarioCheck;
import org.ksmlab.livekernel.scenario.ScenarioTable;
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
                "Needs root and /sys/kernel/mm/ksm (exit 77 otherwise, nothing changed). Saves every KSM knob and restores it"
                        + " afterwards, also on failure and Ctrl-C; ends only the processes it started; maps at most 2 GiB of real memory.",
                "Spec key via=prctl (kernel side only) makes the processes opt in with PR_SET_MEMORY_MERGE instead of MADV_MERGEABLE.",
                "Per workload: time to converge and ksmd CPU of both sides, model/kernel, flagged OUTSIDE beyond 5 %% (time) or 20 %% (CPU);"
                        + " the model runs on the clock measured beside each workload (CONFIG_HZ, pacing and speed probes, ksmd's schedstat).",
                "With --scenario: one scenario file (or a shipped one by name) run by real processes (a small C program, compiled once"
                        + " with cc or gcc; exit 77 without one) and by the model with this kernel's detected behaviour (kernel.* knobs), compared"
                        + " phase by phase. Exit 1 when an expectation failed on either side or a side could not run the scenario."})
final class KernelCheckCommand implements Callable<Integer> {
    /** Exit status when another process drives KSM and --no-wait was given (sysexits' EX_TEMPFAIL). */
    static final int EXIT_BUSY = 75;

    @Spec
    CommandSpec spec;

    @Option(names = "--scenario", paramLabel = "NAME|FILE", description = "a scenario file, or a shipped scenario by name (./run.sh list shows them)")
    String scenario;

    @Option(names = "--variant", paramLabel = "V", description = "with --scenario: the variant to run (its knobs on top of the scenario's)")
    String variant;

    @Option(names = "--workload", paramLabel = "SPEC", description = "a dup workload spec; repeatable (default: the built-in scenario list)")
    List<String> workloads = new ArrayList<>();

    @Option(names = "--set", paramLabel = "KNOB=VALUE", description = "a KSM knob (sysfs name) for every --workload; repeatable")
    Map<String, String> knobs = new LinkedHashMap<>();

    @Option(names = "--json", description = "print one JSON object on stdout")
    boolean json;

    @Option(names = "--out", paramLabel = "DIR", description = "also write kernel-check.json (and kernel-check.txt) into DIR, atomically")
    Path out;

    @Option(names = "--write-calibration", description = "fit the model's per-operation costs to the measured ksmd CPU of every full scan"
            + " and write them as calibration.properties into --out DIR")
    boolean writeCalibration;

    @Option(names = "--grid", description = "also run the timing grid: 65,536 pages of 16 contents, pages_to_scan 100, 1000, 10000"
            + " x sleep_millisecs 20, 0 (about 3 minutes)")
    boolean grid;

    @Option(names = "--page-mode", paramLabel = "MODE", defaultValue = "byte",
            description = "how the model side holds its pages: byte (default) or symbolic; the counters compared are the same in"
                    + " both, the simulator's own time and memory (the speed tables) are not")
    String pageMode;

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
        PageMode modelPageMode = PageMode.parse(pageMode);
        if (scenario != null) {
            if (modelPageMode != PageMode.BYTE) {
                throw new IllegalArgumentException("--page-mode " + pageMode + ": applies to workload checks; kernel-check --scenario"
                        + " runs the model in byte pages");
            }
            return scenarioCheck(err, stdout);
        }
        if (variant != null) {
            throw new IllegalArgumentException("--variant goes with --scenario");
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
        if (grid) {
            scenarios.addAll(Scenario.grid());
        }
        KernelCheck check = new KernelCheck(new KsmSysfs(ksmDir), Path.of("/proc"),
                new KernelRunner.Limits(maxScans, KernelRunner.Limits.defaults().maxMs(), 2)).modelPageMode(modelPageMode);
        Optional<String> why = check.precondition();
        if (why.isPresent()) {
            err.println("kernel-check: skipped: " + why.get());
            err.flush();
            return KernelCheck.EXIT_UNAVAILABLE;
        }
        err.println("kernel-check: memory bound " + (WorkloadProcesses.MAX_TOTAL_BYTES >> 20) + " MiB of workload pages over all processes");
        List<KernelCheck.Outcome> outcomes;
        String loadBefore = firstLine("/proc/loadavg");
        java.time.Instant started = java.time.Instant.now();
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
            text.append(ComparisonTable.render(o)).append('\n');
        }
        text.append(ComparisonTable.summary(outcomes));
        text.append(ComparisonTable.speed(outcomes));
        text.append(ComparisonTable.cpuPerPage(outcomes));
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
            String command = commandLine();
            String clock = check.hz() == null ? "" : "kernel.hz: " + check.hz().hz() + " (" + check.hz().source() + ")\n"
                    + "kernel.timer_late_permille, kernel.ksmd_wake_latency_us, kernel.ksmd_cpu_share_permille, kernel.ksmd_prior_cpu_ns,"
                    + " kernel.ksmd_cpu_cost_permille:"
                    + " measured per workload, in kernel-check.json (\"clock\")\n";
            // Time on the kernel side depends on what else the machine runs: say how busy it was.
            String load = "loadavg: " + loadBefore + " (start), " + firstLine("/proc/loadavg") + " (end)\n";
            replaceKernelLines(out.resolve("env.txt"), environment(command, started) + load, clock);
            err.println("kernel-check: wrote " + out.resolve("kernel-check.json"));
            if (writeCalibration) {
                List<Calibration.Pass> passes = Calibration.passes(outcomes);
                if (passes.size() >= Calibration.FITTED.size()) {
                    Calibration.Fit fit = Calibration.fit(passes, CostModel.defaults(), check.referenceWork());
                    String provenance = "Fitted by " + command + " (kernel-check --write-calibration), "
                            + java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + ",\n"
                            + "on kernel " + firstLine("/proc/sys/kernel/osrelease") + ", " + cpuModel() + ", "
                            + Runtime.getRuntime().availableProcessors() + " CPUs: ksmd CPU from /proc/PID/schedstat per full scan.\n"
                            + "Use with --set cost.file=THIS_FILE, or copy into engine/src/main/resources/org/ksmlab/engine/cost/calibration.properties.";
                    String source = "fitted by kernel-check --write-calibration, " + java.time.LocalDate.now(java.time.ZoneOffset.UTC)
                            + ", Linux " + firstLine("/proc/sys/kernel/osrelease") + ", " + out;
                    AtomicFiles.write(out.resolve("calibration.properties"), Calibration.properties(fit, provenance, source));
                    err.println("kernel-check: wrote " + out.resolve("calibration.properties") + String.format(
                            " (%d full scans; model/kernel per pass %.2f .. %.2f)", passes.size(), fit.min(), fit.max()));
                } else {
                    err.println("kernel-check: no calibration written: " + passes.size() + " usable full scans (sleep_millisecs > 0,"
                            + " madvise, same pages on both sides); the fit needs at least " + Calibration.FITTED.size());
                }
            }
        }
        err.flush();
        return 0;
    }

    /** kernel-check --scenario: one scenario, kernel and model, phase by phase. */
    private int scenarioCheck(PrintWriter err, PrintWriter stdout) throws Exception {
        if (!workloads.isEmpty() || !knobs.isEmpty() || writeCalibration) {
            throw new IllegalArgumentException("--scenario takes its knobs from the scenario file (and --variant); --workload, --set and --write-calibration go without it");
        }
        org.ksmlab.engine.scenario.Scenario sc = org.ksmlab.datasets.scenario.Scenarios.load(scenario);
        sc.knobsFor(variant); // an unknown variant is bad input before anything else
        ScenarioCheck check = new ScenarioCheck(new KsmSysfs(ksmDir), Path.of("/proc"), LiveMachine.Limits.defaults());
        if (sc.modelOnly() == null) {
            Optional<String> why = new KernelCheck(new KsmSysfs(ksmDir), Path.of("/proc"), KernelRunner.Limits.defaults()).precondition();
            if (why.isPresent()) {
                err.println("kernel-check: skipped: " + why.get());
                err.flush();
                return KernelCheck.EXIT_UNAVAILABLE;
            }
        }
        ScenarioCheck.Outcome o;
        try {
            o = check.run(sc, variant, err, !noWait);
        } catch (RunnerBinary.Unavailable e) {
            err.println("kernel-check: skipped: " + e.getMessage() + "; nothing was changed");
            err.flush();
            return KernelCheck.EXIT_UNAVAILABLE;
        } catch (LiveMachine.ModelOnly e) {
            err.println("kernel-check: skipped: " + sc.name() + (variant == null ? "" : " variant " + variant) + " is model-only on this kernel: "
                    + e.getMessage() + "; knobs restored");
            err.flush();
            return KernelCheck.EXIT_UNAVAILABLE;
        } catch (KernelCheck.Busy e) {
            err.println("kernel-check: " + e.getMessage());
            err.flush();
            return EXIT_BUSY;
        }
        Map<String, Object> json = ScenarioCheck.toJson(o);
        String text = ScenarioTable.render(o);
        if (this.json) {
            stdout.println(new ObjectMapper().writeValueAsString(json));
        } else {
            stdout.print(text);
        }
        stdout.flush();
        if (out != null && o.skipped() == null) {
            AtomicFiles.write(out.resolve("kernel-check.json"), new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json) + "\n");
            AtomicFiles.write(out.resolve("kernel-check.txt"), text);
            replaceKernelLines(out.resolve("env.txt"),
                    environment("./run.sh kernel-check --scenario " + scenario + (variant == null ? "" : " --variant " + variant)),
                    KernelFeatures.envLines(o.features()));
            err.println("kernel-check: wrote " + out.resolve("kernel-check.json"));
        }
        err.flush();
        if (o.skipped() != null) {
            err.println("kernel-check: skipped " + sc.name() + ": " + o.skipped());
            err.flush();
            return KernelCheck.EXIT_UNAVAILABLE;
        }
        return o.passed() ? 0 : 1;
    }

    /**
     * env.txt with {@code kernelLines} as its {@code kernel.*} lines: an existing file keeps its
     * provenance (and its status line: run.sh's main job owns it) and loses only its earlier
     * kernel.* findings; a new one gets {@code environment} and {@code status: complete}, since
     * kernel-check writes it last, after every other file of the run.
     */
    static void replaceKernelLines(Path env, String environment, String kernelLines) throws java.io.IOException {
        if (java.nio.file.Files.exists(env)) {
            StringBuilder b = new StringBuilder();
            for (String line : java.nio.file.Files.readAllLines(env)) {
                if (!line.startsWith("kernel.")) b.append(line).append('\n');
            }
            AtomicFiles.write(env, b + kernelLines);
        } else {
            AtomicFiles.write(env, environment + "status: complete\n" + kernelLines);
        }
    }

    /** This kernel-check's command line, as env.txt and a calibration's provenance name it. */
    private String commandLine() {
        StringBuilder b = new StringBuilder("./run.sh kernel-check");
        for (String w : workloads) b.append(" --workload ").append(w);
        knobs.forEach((k, v) -> b.append(" --set ").append(k).append('=').append(v));
        if (grid) b.append(" --grid");
        if (maxScans != 30) b.append(" --max-scans ").append(maxScans);
        PageMode mode = PageMode.parse(pageMode);
        if (mode != PageMode.BYTE) b.append(" --page-mode ").append(mode.label());
        if (out != null) b.append(" --out ").append(out);
        if (writeCalibration) b.append(" --write-calibration");
        return b.toString();
    }

    private static String cpuModel() {
        try {
            return java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown");
        } catch (java.io.IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static String environment(String command) {
        return environment(command, java.time.Instant.now());
    }

    private static String environment(String command, java.time.Instant started) {
        StringBuilder b = new StringBuilder();
        b.append("started: ").append(started.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)).append('\n');
        b.append("command: ").append(command).append('\n');
        b.append("java: ").append(System.getProperty("java.vm.name")).append(' ').append(Runtime.version()).append('\n');
        b.append("kernel: ").append(firstLine("/proc/sys/kernel/osrelease")).append('\n');
        b.append("cpu: ").append(cpuModel()).append('\n');
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
