package org.ksmlab.livekernel.scenario;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ksmlab.engine.scenario.Origin;
import org.ksmlab.engine.scenario.Scenario;
import org.ksmlab.engine.scenario.ScenarioRun;
import org.ksmlab.livekernel.KernelCheck;
import org.ksmlab.livekernel.KsmLock;
import org.ksmlab.livekernel.KsmSysfs;
import org.ksmlab.livekernel.SavedKnobs;

/**
 * {@code kernel-check --scenario}: one scenario on the live kernel ({@link LiveMachine}) and on
 * the model, phase by phase.
 *
 * <p>Sequence: refusals that need nothing (a model-only scenario is skipped with its reason; an
 * unknown variant or knob, too much memory) → the runner program ({@link RunnerBinary}: a machine
 * without a C compiler stops here, having changed nothing) → the {@link KsmLock} → every knob
 * saved (restored at the end, on failure, and on Ctrl-C by a shutdown hook that first kills the
 * scenario's processes, and only those) → {@link KernelFeatures} probed → the variant's
 * {@code kernel.*} knobs checked against them ({@link LiveMachine.ModelOnly} if this kernel is not
 * the one they describe) → the scenario on the live kernel → knobs restored → the model with the
 * detected {@code kernel.*} knobs.
 */
public final class ScenarioCheck {
    /** One side's run: its phases, failed expectations and pages verified; or why it has none. */
    public record Side(String side, String unavailable, String error, List<ScenarioRun.PhaseRecord> phases,
                       List<ScenarioRun.ExpectFailure> failures, long pagesVerified, List<Map<String, Long>> series, List<String> notes) {
        static Side unavailable(String side, String why) {
            return new Side(side, why, null, List.of(), List.of(), 0, List.of(), List.of());
        }

        static Side failed(String side, String error) {
            return new Side(side, null, error, List.of(), List.of(), 0, List.of(), List.of());
        }

        static Side of(String side, ScenarioRun.Result r, List<Map<String, Long>> series, List<String> notes) {
            return new Side(side, null, null, r.phases(), r.failures(), r.pagesVerified(), series, notes);
        }

        public boolean ran() {
            return unavailable == null && error == null;
        }
    }

    /**
     * A check's outcome.
     *
     * @param skipped  why the live kernel did not run it (a model-only scenario), else null
     * @param features what this kernel does ({@code kernel.*}), empty when skipped
     */
    public record Outcome(Scenario scenario, String variant, String skipped, List<KernelFeatures.Finding> features, Side kernel, Side model) {
        /** Both sides ran, every expectation held and every read was right. */
        public boolean passed() {
            return skipped == null && kernel.ran() && kernel.failures().isEmpty() && (!model.ran() || model.failures().isEmpty())
                    && model.error() == null;
        }
    }

    private final KsmSysfs sysfs;
    private final Path proc;
    private final LiveMachine.Limits limits;

    public ScenarioCheck(KsmSysfs sysfs, Path proc, LiveMachine.Limits limits) {
        this.sysfs = sysfs;
        this.proc = proc;
        this.limits = limits;
    }

    /**
     * Runs the check. Progress goes to {@code log}.
     *
     * @throws RunnerBinary.Unavailable  no C compiler (or not x86_64): nothing was changed
     * @throws KernelCheck.Busy          another process holds the KSM lock and {@code waitForLock} is false
     * @throws LiveMachine.ModelOnly     the variant's kernel.* knobs describe another kernel (knobs restored)
     * @throws IllegalArgumentException  bad input (unknown variant, knob, too much memory): nothing was changed
     */
    public Outcome run(Scenario sc, String variant, PrintWriter log, boolean waitForLock) throws RunnerBinary.Unavailable, InterruptedException {
        if (sc.modelOnly() != null) {
            return new Outcome(sc, variant, "model only: " + sc.modelOnly(), List.of(), Side.unavailable("kernel", "skipped"),
                    Side.unavailable("model", "not run by kernel-check (run ./run.sh simulate --scenario " + sc.name() + ")"));
        }
        PreRunCheck.checkWithoutFeatures(sc, variant, sysfs, limits);
        Path runner = RunnerBinary.ensure();
        try (KsmLock lock = KsmLock.acquire(KsmLock.PATH, waitForLock, log)) {
            if (lock == null) {
                throw new KernelCheck.Busy("another process is driving KSM (it holds " + KsmLock.PATH + "); nothing was changed. "
                        + "Run again when it is done, or without --no-wait to wait for it");
            }
            return runLocked(sc, variant, runner, log);
        }
    }

    /** The machine a shutdown hook must abort. */
    private volatile LiveMachine current;

    private Outcome runLocked(Scenario sc, String variant, Path runner, PrintWriter log) throws InterruptedException {
        SavedKnobs saved = SavedKnobs.save(sysfs);
        Thread hook = new Thread(() -> {
            LiveMachine m = current;
            if (m != null) m.abort();
            List<String> problems = saved.restore();
            System.err.println("kernel-check: interrupted; the scenario's processes were ended and knobs restored"
                    + (problems.isEmpty() ? "" : " with problems: " + problems));
        }, "kernel-check-restore");
        Runtime.getRuntime().addShutdownHook(hook);
        log.println("kernel-check: saved knobs " + saved.values());
        List<KernelFeatures.Finding> features;
        Side kernel;
        try {
            features = detect(runner, log);
            PreRunCheck.check(sc, variant, sysfs, KernelFeatures.knobs(features), limits);
            log.println("kernel-check: " + sc.name() + (variant == null ? "" : " (variant " + variant + ")") + " on the live kernel ...");
            log.flush();
            LiveMachine m = LiveMachine.start(sc, variant, sysfs, proc, runner, KernelFeatures.knobs(features), limits);
            current = m;
            try {
                ScenarioRun.Result r = new ScenarioRun(sc, variant, m).run();
                kernel = Side.of("kernel", r, m.series(), m.notes());
            } catch (IllegalArgumentException | IllegalStateException | java.io.UncheckedIOException e) {
                kernel = Side.failed("kernel", e.getMessage());
            } finally {
                m.close();
                current = null;
            }
        } finally {
            List<String> problems = saved.restore();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // shutting down: the hook restores
            }
            log.println(problems.isEmpty() ? "kernel-check: knobs restored " + sysfs.knobs() : "kernel-check: RESTORE PROBLEMS: " + problems);
            log.flush();
        }
        log.println("kernel-check: " + sc.name() + " on the model ...");
        log.flush();
        Side model = ModelSide.run(sc, variant, KernelFeatures.knobs(features));
        return new Outcome(sc, variant, null, features, kernel, model);
    }

    /** The kernel.* probes, on a machine of their own (knobs: the kernel's defaults, pages_to_scan 100). */
    private List<KernelFeatures.Finding> detect(Path runner, PrintWriter log) throws InterruptedException {
        Scenario probe = new Scenario(Scenario.FORMAT_VERSION, "kernel-features", "probes of kernel behaviour", 42, 0, List.of(), null,
                Map.of("pages_to_scan", "100", "sleep_millisecs", "20"), Map.of(), Map.of(), List.of(), Origin.BUILT_IN);
        LiveMachine m = LiveMachine.start(probe, null, sysfs, proc, runner, Map.of(), limits);
        current = m;
        try {
            List<KernelFeatures.Finding> f = new ArrayList<>(KernelFeatures.detect(m));
            // The tick ksmd's sleeps are counted in (time waits: {ms: N}).
            org.ksmlab.livekernel.KsmdPacing.Hz hz = org.ksmlab.livekernel.KsmdPacing.detectHz(proc.resolve("config.gz"));
            f.add(new KernelFeatures.Finding("kernel.hz", Integer.toString(hz.hz()), hz.source()));
            for (KernelFeatures.Finding x : f) log.println("kernel-check: " + x.knob() + "=" + x.value() + "  (" + x.evidence() + ")");
            return List.copyOf(f);
        } finally {
            m.close();
            current = null;
        }
    }

    /** Every difference between the sides: phase, counter, kernel value, model value (phases matched by name, in order). */
    public static List<Difference> differences(Outcome o) {
        List<Difference> out = new ArrayList<>();
        if (!o.kernel().ran() || !o.model().ran()) return out;
        List<ScenarioRun.PhaseRecord> kp = o.kernel().phases();
        List<ScenarioRun.PhaseRecord> mp = o.model().phases();
        for (int i = 0; i < Math.min(kp.size(), mp.size()); i++) {
            ScenarioRun.PhaseRecord k = kp.get(i);
            ScenarioRun.PhaseRecord m = mp.get(i);
            for (Map.Entry<String, Map<String, Long>> row : ScenarioTable.rows(k, m).entrySet()) {
                Map<String, Long> v = row.getValue();
                Long kv = v.get("kernel");
                Long mv = v.get("model");
                if (kv != null && mv != null && !kv.equals(mv) && !ScenarioTable.TIME.contains(row.getKey())) {
                    out.add(new Difference(k.name(), row.getKey(), kv, mv));
                }
            }
        }
        return out;
    }

    /** One counter that differs at one phase. */
    public record Difference(String phase, String counter, long kernel, long model) {
    }

    /** The outcome as one JSON-ready map. */
    public static Map<String, Object> toJson(Outcome o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scenario", o.scenario().name());
        m.put("file", o.scenario().origin().file());
        m.put("variant", o.variant());
        if (o.skipped() != null) {
            m.put("skipped", o.skipped());
            return m;
        }
        Map<String, Object> f = new LinkedHashMap<>();
        for (KernelFeatures.Finding x : o.features()) f.put(x.knob(), Map.of("value", x.value(), "evidence", x.evidence()));
        m.put("kernel_features", f);
        m.put("kernel", sideJson(o.kernel()));
        m.put("model", sideJson(o.model()));
        m.put("differences", differences(o).stream().map(d -> {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("phase", d.phase());
            x.put("counter", d.counter());
            x.put("kernel", d.kernel());
            x.put("model", d.model());
            return x;
        }).toList());
        m.put("passed", o.passed());
        return m;
    }

    private static Map<String, Object> sideJson(Side s) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (s.unavailable() != null) {
            m.put("unavailable", s.unavailable());
            return m;
        }
        if (s.error() != null) {
            m.put("error", s.error());
            return m;
        }
        m.put("phases", s.phases().stream().map(p -> {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("name", p.name());
            x.put("ms", p.ms());
            x.put("counters", p.counters());
            x.put("processes", p.processes());
            x.put("regions", p.regions());
            return x;
        }).toList());
        m.put("failures", s.failures().stream().map(f -> {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("origin", f.origin().toString());
            x.put("what", f.what());
            x.put("expected", f.expected());
            x.put("actual", f.actual());
            return x;
        }).toList());
        m.put("pages_verified", s.pagesVerified());
        if (!s.notes().isEmpty()) m.put("notes", s.notes());
        m.put("series", s.series());
        return m;
    }
}
