package org.ksmlab.livekernel;

import org.ksmlab.engine.workload.DupLayout;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * kernel-check: each scenario on the live kernel's KSM and on the model, side by side.
 *
 * <p>Safety: {@link #precondition} says why the machine does not allow it (no KSM, not root)
 * before anything is touched. Every knob is {@linkplain SavedKnobs saved} first and restored at
 * the end, on failure, and on Ctrl-C (a shutdown hook that also ends the running scenario's
 * processes, and only those). Real memory is bounded by {@link WorkloadProcesses#MAX_TOTAL_BYTES}.
 */
public final class KernelCheck {
    /** Exit status when the kernel does not allow the check (no KSM, not root): autotools' "skipped". */
    public static final int EXIT_UNAVAILABLE = 77;

    /** One scenario's outcome. */
    public record Outcome(Scenario scenario, SideResult kernel, SideResult model) {
        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", scenario.name());
            m.put("workload", scenario.workload());
            m.put("knobs", scenario.kernelKnobs());
            m.put("kernel", kernel.toJson());
            m.put("model", model.toJson());
            return m;
        }
    }

    private final KsmSysfs sysfs;
    private final Path proc;
    private final KernelRunner.Limits limits;

    public KernelCheck(KsmSysfs sysfs, Path proc, KernelRunner.Limits limits) {
        this.sysfs = sysfs;
        this.proc = proc;
        this.limits = limits;
    }

    public static KernelCheck live() {
        return new KernelCheck(new KsmSysfs(KsmSysfs.DEFAULT_DIR), Path.of("/proc"), KernelRunner.Limits.defaults());
    }

    /** Why this machine cannot run the check, or empty when it can. Touches nothing. */
    public Optional<String> precondition() {
        if (!sysfs.exists()) {
            return Optional.of("no " + sysfs.dir() + ": this kernel has no KSM (CONFIG_KSM=n) or sysfs is not mounted; kernel-check needs it");
        }
        if (Libc.geteuid() != 0) {
            return Optional.of("kernel-check writes KSM knobs in " + sysfs.dir() + " and needs root (euid is " + Libc.geteuid() + ")");
        }
        return Optional.empty();
    }

    /**
     * Runs every scenario (kernel then model), printing progress to {@code log}. Knobs are
     * restored before returning, also when a scenario fails.
     */
    public List<Outcome> run(List<Scenario> scenarios, PrintWriter log) throws IOException, InterruptedException {
        return run(scenarios, log, true);
    }

    /** Another process drives KSM (it holds {@link KsmLock#PATH}) and the caller chose not to wait. */
    public static final class Busy extends RuntimeException {
        public Busy(String message) {
            super(message);
        }
    }

    /**
     * As {@link #run(List, PrintWriter)}; when another process holds the {@link KsmLock}, waits
     * for it ({@code waitForLock}) or throws {@link Busy} having touched nothing.
     */
    public List<Outcome> run(List<Scenario> scenarios, PrintWriter log, boolean waitForLock) throws IOException, InterruptedException {
        for (Scenario sc : scenarios) {
            DupLayout l = DupLayout.of(sc.modelSpec()); // fail on bad input before touching anything
            sc.via();
            if (l.totalPages() * RealPages.PAGE_SIZE > WorkloadProcesses.MAX_TOTAL_BYTES) {
                throw new IllegalArgumentException("workload '" + sc.workload() + "' needs " + (l.totalPages() * RealPages.PAGE_SIZE >> 20)
                        + " MiB; kernel-check maps at most " + (WorkloadProcesses.MAX_TOTAL_BYTES >> 20) + " MiB");
            }
            for (String k : sc.knobs().keySet()) {
                if (!KsmSysfs.KNOBS.contains(k) || k.equals("run")) {
                    throw new IllegalArgumentException("--set " + k + ": not a KSM knob kernel-check can set; knobs: "
                            + String.join(", ", KsmSysfs.KNOBS.stream().filter(x -> !x.equals("run")).toList()));
                }
            }
        }
        try (KsmLock lock = KsmLock.acquire(KsmLock.PATH, waitForLock, log)) {
            if (lock == null) {
                throw new Busy("another process is driving KSM (it holds " + KsmLock.PATH + "); nothing was changed. "
                        + "Run again when it is done, or without --no-wait to wait for it");
            }
            return runLocked(scenarios, log);
        }
    }

    private List<Outcome> runLocked(List<Scenario> scenarios, PrintWriter log) throws IOException, InterruptedException {
        SavedKnobs saved = SavedKnobs.save(sysfs);
        KernelRunner.Guard guard = new KernelRunner.Guard();
        Thread hook = new Thread(() -> {
            guard.abort();
            List<String> problems = saved.restore();
            System.err.println("kernel-check: interrupted; knobs restored" + (problems.isEmpty() ? "" : " with problems: " + problems));
        }, "kernel-check-restore");
        Runtime.getRuntime().addShutdownHook(hook);
        Ksmd ksmd = Ksmd.find(proc).orElse(null);
        if (ksmd == null) {
            log.println("kernel-check: ksmd not found in " + proc + "; CPU figures omitted");
        } else {
            log.println("kernel-check: ksmd pid " + ksmd.pid() + ", CPU from " + ksmd.cpuSource());
        }
        log.println("kernel-check: saved knobs " + saved.values());
        List<Outcome> out = new ArrayList<>();
        try {
            KernelRunner runner = new KernelRunner(sysfs, ksmd, proc, limits, guard);
            for (Scenario sc : scenarios) {
                log.printf("kernel-check: %s (%s) ...%n", sc.name(), sc.workload());
                log.flush();
                SideResult k = runner.run(sc);
                SideResult m = ModelRunner.run(sc);
                out.add(new Outcome(sc, k, m));
            }
        } finally {
            List<String> problems = saved.restore();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // already shutting down: the hook restores
            }
            if (problems.isEmpty()) {
                log.println("kernel-check: knobs restored " + sysfs.knobs());
            } else {
                log.println("kernel-check: RESTORE PROBLEMS: " + problems);
            }
            log.flush();
        }
        return out;
    }

    public static Map<String, Object> toJson(List<Outcome> outcomes) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scenarios", outcomes.stream().map(Outcome::toJson).toList());
        return m;
    }

    /**
     * A calibration of the model's per-page costs from the measured ksmd CPU, in the keys of the
     * engine's {@code calibration.properties}: {@code page_visit_ns} from passes over pages that
     * are already merged (no checksum, no tree search: follow_page plus the rmap_item lookup),
     * {@code checksum_page_ns} from first passes (checksum only) minus the visit. Medians over
     * the scenarios that have each figure. Empty when nothing was measured.
     */
    @SuppressWarnings("unchecked")
    public static Optional<String> calibration(List<Outcome> outcomes) {
        List<Double> steady = new ArrayList<>();
        List<Double> first = new ArrayList<>();
        for (Outcome o : outcomes) {
            if (!o.kernel().available() || !(o.kernel().extra().get("cpu") instanceof Map<?, ?> c)) continue;
            Map<String, Object> cpu = (Map<String, Object>) c;
            Map<String, Object> fin = o.kernel().finalCounters();
            boolean allMerged = Long.valueOf(0).equals(fin.get("pages_unshared")) && Long.valueOf(0).equals(fin.get("pages_volatile"))
                    && fin.get("pages_sharing") instanceof Long s && s > 0;
            if (allMerged && cpu.get("steady_ns_per_page") instanceof Double d) steady.add(d);
            if (cpu.get("first_pass_ns_per_page") instanceof Double d) first.add(d);
        }
        if (steady.isEmpty() || first.isEmpty()) return Optional.empty();
        double visit = median(steady);
        double checksum = Math.max(0, median(first) - visit);
        return Optional.of("# Measured by ./run.sh kernel-check: ksmd CPU per scanned page on this machine.\n"
                + "# page_visit_ns: median over fully merged scenarios of ns per page in passes after convergence (" + steady + ")\n"
                + "# checksum_page_ns: median first-pass ns per page (" + first + ") minus page_visit_ns\n"
                + "# Use with --set cost.file=THIS_FILE (or --set cost.page_visit_ns=...), or copy into engine/src/main/resources/org/ksmlab/engine/cost/calibration.properties.\n"
                + String.format("page_visit_ns=%.1f%nchecksum_page_ns=%.1f%n", visit, checksum));
    }

    static double median(List<Double> xs) {
        List<Double> s = xs.stream().sorted().toList();
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }
}
