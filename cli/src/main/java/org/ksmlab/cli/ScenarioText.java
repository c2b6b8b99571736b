package org.ksmlab.cli;

import java.util.List;
import java.util.Map;
import org.ksmlab.engine.scenario.ScenarioRun;
import org.ksmlab.engine.scenario.ScenarioSimulation;

/** A scenario run as text: one block per phase (global counters, each process, each region), then failed expectations. */
final class ScenarioText {
    /** The global counters a phase shows first, in this order, where the run has them. */
    static final List<String> GLOBAL = List.of("nr_anon_pages", "cow_faults", "vmas", "pages_shared", "pages_sharing", "pages_unshared",
            "pages_volatile", "ksm_zero_pages", "full_scans", "rmap_unreachable", "sksm_pages_sharing", "failed_calls");

    private ScenarioText() {
    }

    static String render(ScenarioSimulation.Outcome o) {
        StringBuilder b = new StringBuilder();
        b.append(String.format("scenario %s%s, algo %s, seed %d (model, virtual time)%n", o.scenario().name(),
                o.variant() == null ? "" : " variant " + o.variant(), o.algo(), o.scenario().seed()));
        for (ScenarioRun.PhaseRecord p : o.result().phases()) {
            b.append(String.format("%nphase %s at %,d ms%n ", p.name(), p.ms()));
            for (String k : GLOBAL) {
                Long v = p.counters().get(k);
                if (v != null) b.append(' ').append(k).append('=').append(v);
            }
            b.append('\n');
            p.processes().forEach((name, m) -> b.append("  process ").append(name).append(": ").append(compact(m, "ksm_")).append('\n'));
            p.regions().forEach((name, m) -> b.append("  region ").append(name).append(": ").append(compact(m, "")).append('\n'));
        }
        b.append(String.format("%n%,d page reads verified at the phases%n", o.result().pagesVerified()));
        if (o.result().failures().isEmpty()) {
            b.append("every expectation held\n");
        } else {
            b.append("FAILED expectations:\n");
            o.result().failures().forEach(f -> b.append("  ").append(f).append('\n'));
        }
        return b.toString();
    }

    /** {@code k=v} pairs, keys without {@code dropPrefix} (ksm_stat's "ksm_" says nothing in a KSM table). */
    private static String compact(Map<String, Long> m, String dropPrefix) {
        StringBuilder b = new StringBuilder();
        m.forEach((k, v) -> b.append(b.isEmpty() ? "" : " ").append(!dropPrefix.isEmpty() && k.startsWith(dropPrefix) ? k.substring(dropPrefix.length()) : k)
                .append('=').append(v));
        return b.toString();
    }
}
