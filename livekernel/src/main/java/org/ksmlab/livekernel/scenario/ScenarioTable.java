package org.ksmlab.livekernel.scenario;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ksmlab.engine.scenario.ScenarioRun;

/**
 * The text form of a scenario check: per phase, kernel and model side by side (global counters,
 * then each process's, then each region's, named as expectations name them:
 * {@code ksm_merging_pages.p}, {@code distinct_frames.p.buf}), every row that differs marked
 * {@code *}; then each side's failed expectations and pages verified.
 */
public final class ScenarioTable {
    /** Rows that are times, shown but never marked (wall ms against virtual ms). */
    static final Set<String> TIME = Set.of("virtual_ms", "wall_ms");

    private ScenarioTable() {
    }

    /** The rows of one phase: name → {"kernel": value, "model": value} (either may be absent). */
    static Map<String, Map<String, Long>> rows(ScenarioRun.PhaseRecord kernel, ScenarioRun.PhaseRecord model) {
        Map<String, Map<String, Long>> rows = new LinkedHashMap<>();
        add(rows, "kernel", kernel == null ? Map.of() : kernel.counters(), "");
        add(rows, "model", model == null ? Map.of() : model.counters(), "");
        for (ScenarioRun.PhaseRecord p : new ScenarioRun.PhaseRecord[] {kernel, model}) {
            if (p == null) continue;
            String side = p == kernel ? "kernel" : "model";
            p.processes().forEach((name, c) -> add(rows, side, c, "." + name));
        }
        for (ScenarioRun.PhaseRecord p : new ScenarioRun.PhaseRecord[] {kernel, model}) {
            if (p == null) continue;
            String side = p == kernel ? "kernel" : "model";
            p.regions().forEach((name, c) -> add(rows, side, c, "." + name));
        }
        return rows;
    }

    private static void add(Map<String, Map<String, Long>> rows, String side, Map<String, Long> counters, String suffix) {
        counters.forEach((k, v) -> rows.computeIfAbsent(k + suffix, x -> new LinkedHashMap<>()).put(side, v));
    }

    public static String render(ScenarioCheck.Outcome o) {
        StringBuilder b = new StringBuilder();
        b.append("== ").append(o.scenario().name()).append(" (").append(o.scenario().origin().file()).append(')');
        if (o.variant() != null) b.append(" variant ").append(o.variant());
        b.append('\n');
        if (o.skipped() != null) {
            b.append("skipped: ").append(o.skipped()).append('\n');
            return b.toString();
        }
        b.append("kernel behaviour (detected; the model runs with it):");
        for (KernelFeatures.Finding f : o.features()) b.append(' ').append(f.knob()).append('=').append(f.value());
        b.append('\n');
        ScenarioCheck.Side k = o.kernel();
        ScenarioCheck.Side m = o.model();
        if (k.error() != null) b.append("kernel side FAILED: ").append(k.error()).append('\n');
        if (m.unavailable() != null) b.append("model side unavailable: ").append(m.unavailable()).append(" (model column empty)\n");
        if (m.error() != null) b.append("model side FAILED: ").append(m.error()).append('\n');
        int n = Math.max(k.phases().size(), m.phases().size());
        for (int i = 0; i < n; i++) {
            ScenarioRun.PhaseRecord kp = i < k.phases().size() ? k.phases().get(i) : null;
            ScenarioRun.PhaseRecord mp = i < m.phases().size() ? m.phases().get(i) : null;
            String name = kp != null ? kp.name() : mp.name();
            b.append("-- phase ").append(name);
            if (kp != null) b.append("  (kernel ").append(kp.ms()).append(" ms wall");
            if (mp != null) b.append(kp != null ? "; " : "  (").append("model ").append(mp.ms()).append(" ms virtual");
            b.append(")\n");
            if (kp != null && mp != null && !kp.name().equals(mp.name())) {
                b.append("   (the sides' phases are out of step: model phase '").append(mp.name()).append("')\n");
            }
            Map<String, Map<String, Long>> rows = rows(kp, mp);
            int w = Math.max(24, rows.keySet().stream().mapToInt(String::length).max().orElse(0));
            b.append(String.format("   %-" + w + "s %12s %12s%n", "", "kernel", "model"));
            for (Map.Entry<String, Map<String, Long>> r : rows.entrySet()) {
                Long kv = r.getValue().get("kernel");
                Long mv = r.getValue().get("model");
                boolean differs = kv != null && mv != null && !kv.equals(mv) && !TIME.contains(r.getKey());
                b.append(String.format(" %s %-" + w + "s %12s %12s%n", differs ? "*" : " ", r.getKey(), str(kv), str(mv)));
            }
        }
        b.append(passes(k, m));
        List<ScenarioCheck.Difference> d = ScenarioCheck.differences(o);
        b.append(failures("kernel", k)).append(failures("model", m));
        for (String note : k.notes()) b.append("kernel note: ").append(note).append('\n');
        if (k.ran() && m.ran()) {
            b.append(d.isEmpty() ? "no counter differs between kernel and model\n"
                    : d.size() + " counter value" + (d.size() == 1 ? "" : "s") + " differ between kernel and model (rows marked *)\n");
        }
        return b.toString();
    }

    /** Counters of the per-full-scan table. */
    static final List<String> PASS_COUNTERS = List.of("pages_shared", "pages_sharing", "pages_unshared", "pages_volatile", "ksm_zero_pages");

    /**
     * Per full scan: the last sample of each pass on each side (the kernel samples when its poll
     * sees full_scans move during a wait; the model when the pass's last batch ends), marked where
     * they differ. Empty when neither side has samples.
     */
    static String passes(ScenarioCheck.Side k, ScenarioCheck.Side m) {
        Map<Long, Map<String, Long>> ks = byPass(k.series());
        Map<Long, Map<String, Long>> ms = byPass(m.series());
        java.util.TreeSet<Long> all = new java.util.TreeSet<>(ks.keySet());
        all.addAll(ms.keySet());
        all.remove(0L);
        if (all.isEmpty()) return "";
        StringBuilder b = new StringBuilder("-- per full scan (kernel/model)\n   pass");
        for (String c : PASS_COUNTERS) b.append(String.format(" %17s", c.replace("pages_", "")));
        b.append('\n');
        for (long pass : all) {
            Map<String, Long> kv = ks.get(pass);
            Map<String, Long> mv = ms.get(pass);
            StringBuilder row = new StringBuilder();
            boolean differs = false;
            for (String c : PASS_COUNTERS) {
                Long x = kv == null ? null : kv.get(c);
                Long y = mv == null ? null : mv.get(c);
                differs |= x != null && y != null && !x.equals(y);
                row.append(String.format(" %17s", str(x) + "/" + str(y)));
            }
            b.append(differs ? " * " : "   ").append(String.format("%4d", pass)).append(row).append('\n');
        }
        return b.toString();
    }

    private static Map<Long, Map<String, Long>> byPass(List<Map<String, Long>> series) {
        Map<Long, Map<String, Long>> out = new LinkedHashMap<>();
        for (Map<String, Long> s : series) {
            Long fs = s.get("full_scans");
            if (fs != null) out.put(fs, s);
        }
        return out;
    }

    private static String failures(String side, ScenarioCheck.Side s) {
        if (!s.ran()) return "";
        StringBuilder b = new StringBuilder();
        b.append(side).append(": ").append(s.pagesVerified()).append(" page reads verified; ");
        if (s.failures().isEmpty()) {
            b.append("every expectation held\n");
        } else {
            b.append(s.failures().size()).append(" expectation").append(s.failures().size() == 1 ? "" : "s").append(" FAILED:\n");
            for (ScenarioRun.ExpectFailure f : s.failures()) b.append("   ").append(f).append('\n');
        }
        return b.toString();
    }

    private static String str(Long v) {
        return v == null ? "-" : v.toString();
    }
}
