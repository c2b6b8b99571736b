package org.ksmlab.livekernel;

import org.ksmlab.engine.memory.PageMode;
import org.ksmlab.engine.workload.DupLayout;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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

    /** Time to converge: the model within this fraction of the kernel's (issue 14's target). */
    public static final double TIME_TOLERANCE = 0.05;
    /** ksmd CPU, per page and pass and to convergence: the model within this fraction of the kernel's. */
    public static final double CPU_TOLERANCE = 0.20;
    /** How long each ksmd pacing probe runs (one before each workload, one after it). */
    static final long PACING_PROBE_MS = 2_000;

    /**
     * One scenario's outcome. {@code clock}: how the model's clock was set for it (the
     * {@code kernel.*} timing knobs it ran with, and where each came from); empty when the
     * kernel side did not run.
     */
    public record Outcome(Scenario scenario, SideResult kernel, SideResult model, Map<String, Object> clock) {
        public Outcome(Scenario scenario, SideResult kernel, SideResult model) {
            this(scenario, kernel, model, Map.of());
        }

        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", scenario.name());
            m.put("workload", scenario.workload());
            m.put("knobs", scenario.kernelKnobs());
            if (!clock.isEmpty()) m.put("clock", clock);
            m.put("kernel", kernel.toJson());
            m.put("model", model.toJson());
            long cells = ComparisonTable.differingCells(kernel, model);
            if (cells >= 0) m.put("counter_cells_differing", cells);
            return m;
        }
    }

    private final KsmSysfs sysfs;
    private final Path proc;
    private final KernelRunner.Limits limits;
    /** The tick rate found by the last {@link #run}, for env.txt. */
    private KsmdPacing.Hz hz;
    /** The model's price of each speed reference the last {@link #run} probed with (computed once per reference). */
    private final Map<KsmdSpeed.Reference, KsmdSpeed.Price> referencePrices = new java.util.LinkedHashMap<>();
    /** How the model side holds its pages (the kernel side is real memory either way). */
    private PageMode modelPageMode = PageMode.BYTE;

    public KernelCheck(KsmSysfs sysfs, Path proc, KernelRunner.Limits limits) {
        this.sysfs = sysfs;
        this.proc = proc;
        this.limits = limits;
    }

    /** Runs the model side in {@code mode} (default byte pages); its counters do not depend on it. */
    public KernelCheck modelPageMode(PageMode mode) {
        this.modelPageMode = Objects.requireNonNull(mode);
        return this;
    }

    /** The running kernel's tick rate as the last {@link #run} found it, or null before one. */
    public KsmdPacing.Hz hz() {
        return hz;
    }

    /**
     * The model's work counts over each speed reference the last {@link #run} probed with, by
     * name ({@link Calibration#fit(List, org.ksmlab.engine.cost.CostModel, Map)} prices them);
     * empty when no probe ran.
     */
    public Map<String, Map<String, Long>> referenceWork() {
        Map<String, Map<String, Long>> out = new LinkedHashMap<>();
        referencePrices.forEach((r, p) -> out.put(r.name(), p.work()));
        return out;
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
     * Runs every scenario on the kernel, then every one on the model (at the speed the run's
     * probes measured), printing progress to {@code log}. Knobs are
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
            hz = KsmdPacing.detectHz(proc.resolve("config.gz"));
            log.println("kernel-check: kernel.hz " + hz.hz() + " (" + hz.source() + ")");
            KernelRunner runner = new KernelRunner(sysfs, ksmd, proc, limits, guard);
            KernelRunner speedRunner = new KernelRunner(sysfs, ksmd, proc, KsmdSpeed.LIMITS, guard);
            referencePrices.clear();
            double modelBatch = ksmd == null ? -1 : KsmdPacing.modelBatchNanosWithoutWakeup(); // both only priced for the probes' ksmd CPU
            if (ksmd == null) {
                log.println("kernel-check: no ksmd CPU, so no speed probes: the model runs at the shipped costs (kernel.ksmd_cpu_cost_permille=1000)");
            }
            // The kernel sides first, each between speed and pacing probes; then the models, at the run's speed.
            record Measured(Scenario sc, SideResult kernel, KsmdPacing.Lateness late) {
            }
            List<Measured> measured = new ArrayList<>();
            List<List<KsmdSpeed.Speed>> probes = new ArrayList<>(); // per workload: the probes before and after it
            for (Scenario sc : scenarios) {
                log.printf("kernel-check: %s (%s) ...%n", sc.name(), sc.workload());
                log.flush();
                KsmdPacing.Lateness before = KsmdPacing.probe(sysfs, ksmd, guard, hz.hz(), PACING_PROBE_MS);
                List<KsmdSpeed.Speed> around = new ArrayList<>();
                KsmdSpeed.Reference ref = KsmdSpeed.referenceFor(sc);
                KsmdSpeed.Price refModel = ksmd == null ? null : referencePrices.computeIfAbsent(ref, KsmdSpeed::price);
                if (ksmd != null) around.add(KsmdSpeed.probe(speedRunner, ref, refModel));
                List<SideResult> runs = new ArrayList<>();
                for (int r = 0; r < runsOf(sc); r++) runs.add(runner.run(sc));
                SideResult k = medianRun(runs);
                if (ksmd != null) around.add(KsmdSpeed.probe(speedRunner, ref, refModel));
                probes.add(around);
                KsmdPacing.Lateness after = KsmdPacing.probe(sysfs, ksmd, guard, hz.hz(), PACING_PROBE_MS);
                KsmdPacing.Lateness late = KsmdPacing.Lateness.combine(before, after);
                log.println("kernel-check:   pacing probes before and after: " + late.describe());
                measured.add(new Measured(sc, k, late));
            }
            List<KsmdSpeed.Speed> speeds = KsmdSpeed.window(probes, KsmdSpeed.WINDOW);
            for (int i = 0; i < measured.size(); i++) {
                Measured me = measured.get(i);
                if (speeds.get(i) != null) {
                    log.println("kernel-check: " + me.sc().name() + ": speed " + speeds.get(i).describe());
                }
                Map<String, Object> clock = clock(hz, me.late(), speeds.get(i), modelBatch, me.kernel());
                @SuppressWarnings("unchecked")
                Map<String, String> kernelKnobs = (Map<String, String>) clock.get("model_kernel_knobs");
                SideResult m = ModelRunner.run(me.sc(), kernelKnobs, modelPageMode);
                out.add(new Outcome(me.sc(), me.kernel(), m, clock));
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

    /**
     * Kernel runs of a short workload. A workload probed with the small reference (fewer than
     * 16,384 pages; {@link KsmdSpeed#referenceFor}) converges after about ten sleeps of
     * sleep_millisecs, and whether each of those timers fires a tick late is the kernel's chance:
     * it moves the time to converge by a few per cent from run to run (three 4,000-page workloads
     * of one run took 239, 243 and 252 ms for the same batches at 640 to 710 per mille late
     * timers), while the model runs on the measured share of late timers. So a short workload runs
     * this many times on the kernel and the run with the median time to converge is the one
     * compared (every run's time in {@link #RUNS_KEY}). The grid's 26 to 2,600 sleeps per
     * convergence average the timers' chance out: one run, when it sleeps.
     *
     * <p>With sleep_millisecs=0 there is no timer: the time to converge is ksmd's CPU, and that
     * is what moves from run to run. Five back-to-back kernel runs of each sleep-0 grid point
     * (2026-11-30 04:20 UTC, a simulation on the other vCPU; docs/kernel-probes/issue14/repeat-*)
     * took 185, 201, 172, 180, 187 ms (pages_to_scan=100), 168, 157, 176, 176, 178 ms (1000) and
     * 180, 171, 176, 173, 172 ms (10000): up to 17 % apart for the same work. So those run
     * {@link #NO_SLEEP_RUNS} times and the median is compared.
     */
    static final int SHORT_RUNS = 3;
    /** Kernel runs of a workload that never sleeps (sleep_millisecs=0): see {@link #SHORT_RUNS}. */
    static final int NO_SLEEP_RUNS = 5;
    /** The kernel side's extra: every run's time to converge, in ms, when a workload ran more than once. */
    static final String RUNS_KEY = "runs_converged_ms";

    static int runsOf(Scenario sc) {
        if (KsmdSpeed.referenceFor(sc).pages() == KsmdSpeed.SMALL.pages()) return SHORT_RUNS;
        return "0".equals(sc.kernelKnobs().get("sleep_millisecs")) ? NO_SLEEP_RUNS : 1;
    }

    /**
     * Of a workload's kernel runs, the one whose time to converge is the median (the lower middle
     * one for an even count), with every run's time added; a run that could not complete wins, so
     * its reason is shown rather than hidden behind the others.
     */
    static SideResult medianRun(List<SideResult> runs) {
        if (runs.size() == 1) return runs.get(0);
        for (SideResult r : runs) {
            if (!r.available()) return r;
        }
        List<SideResult> sorted = runs.stream().sorted(java.util.Comparator.comparingLong(SideResult::convergedMs)).toList();
        SideResult m = sorted.get((sorted.size() - 1) / 2);
        Map<String, Object> extra = new LinkedHashMap<>(m.extra());
        extra.put(RUNS_KEY, runs.stream().map(SideResult::convergedMs).toList());
        return new SideResult(m.finalCounters(), m.convergedFullScans(), m.convergedMs(), m.series(), extra, m.unavailable());
    }

    public static Map<String, Object> toJson(List<Outcome> outcomes) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model_costs_source", Calibration.modelCostsSource());
        m.put("model_costs", org.ksmlab.engine.cost.CostModel.defaults().asMap());
        m.put("tolerances", Map.of("time_to_converge", TIME_TOLERANCE, "ksmd_cpu", CPU_TOLERANCE));
        m.put("scenarios", outcomes.stream().map(Outcome::toJson).toList());
        return m;
    }

    /**
     * The model's clock for one workload: the tick rate; the share of late timers, as the probes
     * just before and just after it measured it; how fast the machine ran ksmd then (the median
     * of the speed probes around it and its neighbours, {@link KsmdSpeed}: the model's CPU for the
     * same work is scaled by it) and what a wake-up cost ksmd (the pacing probes' one-page batches
     * at that speed, less the model's price of the page: {@code cost.wakeup_ns}); ksmd's CPU before the kernel run (the advisor's first pass counts
     * it); and, from schedstat over the kernel run up to the full scan it converged at (the time
     * the comparison is about), how long ksmd waited for a CPU. It waited once per wake-up (counted
     * by the driver's polls; once in all with sleep_millisecs=0), as long as the probe measured
     * (its one-page batches are never preempted): that is the wake-up latency. The rest of its
     * wait followed preemptions inside batches and stretches them: share = run / (run + rest).
     * {@code model_kernel_knobs} is what the model runs with.
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> clock(KsmdPacing.Hz hz, KsmdPacing.Lateness late, KsmdSpeed.Speed speed, double modelBatchNanos,
                                     SideResult kernel) {
        Map<String, Object> c = new LinkedHashMap<>();
        Map<String, String> knobs = new LinkedHashMap<>();
        knobs.put("kernel.hz", Integer.toString(hz.hz()));
        c.put("hz_source", hz.source());
        knobs.put("kernel.timer_late_permille", Integer.toString(late.latePermille()));
        c.put("pacing_probe", late.describe());
        if (speed != null) {
            c.put("speed_probe", speed.describe());
            c.put("speed", speed.toJson());
            if (late.batchCpuNanos() <= 0 || modelBatchNanos <= 0) {
                knobs.put("kernel.ksmd_cpu_cost_permille", Integer.toString(speed.permille()));
            } else {
                // The pacing probes' one-page batches: ksmd's CPU per batch at the run's speed, less the page's model price,
                // is a wake-up's cost now (it is what moves most between an idle machine and a busy one); the speed is
                // then the one at which the reference, priced with that same wake-up cost, costs what the probes measured.
                double shipped = org.ksmlab.engine.cost.CostModel.defaults().asMap().get("wakeup_ns");
                double factor = speed.factorWithWakeup(late.batchCpuNanos(), modelBatchNanos, shipped);
                int permille = (int) Math.max(1, Math.round(1000 * factor));
                double wakeup = Math.max(0, late.batchCpuNanos() / (permille / 1000.0) - modelBatchNanos);
                knobs.put("kernel.ksmd_cpu_cost_permille", Integer.toString(permille));
                knobs.put("cost.wakeup_ns", String.format(java.util.Locale.ROOT, "%.1f", wakeup));
                c.put("wakeup_source", String.format(java.util.Locale.ROOT, "the pacing probes' one-page batches: ksmd %.1f µs per batch,"
                        + " / %.3f (the run's speed) - %.1f µs (the model's page without its wake-up) = %.1f µs per wake-up;"
                        + " the speed with the reference's %d wake-ups priced so: %d per mille (%d with the shipped %.1f µs)",
                        late.batchCpuNanos() / 1e3, permille / 1000.0, modelBatchNanos / 1e3, wakeup / 1e3, speed.modelWakeups(),
                        permille, speed.permille(), shipped / 1e3));
            }
        }
        if (kernel.available() && kernel.extra().get("timing") instanceof Map<?, ?> t) {
            Map<String, Object> timing = (Map<String, Object>) t;
            // ksmd's waits up to the full scan the kernel converged at: the contention the time to converge saw
            Map<String, Long> at = kernel.atPass(kernel.convergedFullScans());
            boolean sleeps = !"0".equals(String.valueOf(timing.get("sleep_millisecs")));
            if (at != null && at.get("ksmd_wait_ns") != null) {
                long run = at.get("ksmd_cpu_ns");
                long wait = at.get("ksmd_wait_ns");
                long slices = at.get("ksmd_timeslices");
                long wakeups = sleeps ? Math.max(1, at.get("ksmd_wakeups")) : 1;
                // A wake-up's wait is the probe's (its one-page batches are never preempted); the rest of
                // the wait followed preemptions inside batches, which are longer (a nice-5 thread waits out
                // the slices of the tasks that preempted it).
                long perWake = late.wakeWaitNanos() < 0 ? (slices <= 0 ? 0 : wait / slices) : late.wakeWaitNanos();
                long wakeWait = Math.min(wait, perWake * wakeups);
                long preempted = wait - wakeWait;
                long latencyMicros = wakeWait / wakeups / 1000;
                int share = new Ksmd.RunWait(run, preempted).sharePermille();
                knobs.put("kernel.ksmd_cpu_share_permille", Integer.toString(share));
                knobs.put("kernel.ksmd_wake_latency_us", Long.toString(latencyMicros));
                // each time on a CPU beyond the wake-ups' followed a preemption: the wait comes in lumps of this mean
                long preemptions = slices - wakeups;
                long preemptWaitMicros = preemptions > 0 && preempted > 0 ? preempted / preemptions / 1000 : 0;
                if (preemptWaitMicros > 0) {
                    knobs.put("kernel.ksmd_preempt_wait_us", Long.toString(preemptWaitMicros));
                }
                c.put("cpu_share_source", String.format("ksmd's schedstat in the kernel run up to full scan %d: ran %.1f ms, waited %.1f ms"
                        + " over %d times on a CPU; %d wake-ups x %.3f ms (the probe's wait per wake-up) = %.1f ms, the rest, %.1f ms,"
                        + " preempted in its batches (%d preemptions, %.3f ms each)", kernel.convergedFullScans(), run / 1e6, wait / 1e6,
                        slices, wakeups, latencyMicros / 1e3, wakeWait / 1e6, preempted / 1e6, Math.max(0, preemptions),
                        preemptWaitMicros / 1e3));
            }
            if (timing.get("ksmd_prior_cpu_ns") instanceof Long prior) {
                knobs.put("kernel.ksmd_prior_cpu_ns", Long.toString(prior));
            }
        }
        c.put("model_kernel_knobs", knobs);
        return c;
    }

    static double median(List<Double> xs) {
        List<Double> s = xs.stream().sorted().toList();
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }
}
