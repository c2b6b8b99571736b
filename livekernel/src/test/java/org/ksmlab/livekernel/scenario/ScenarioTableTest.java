package org.ksmlab.livekernel.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ksmlab.engine.scenario.Origin;
import org.ksmlab.engine.scenario.Scenario;
import org.ksmlab.engine.scenario.ScenarioRun;

/** The per-phase comparison: rows named as expectations name them, differences marked and listed, the JSON shape. */
class ScenarioTableTest {
    private static Map<String, Long> map(Object... kv) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], ((Number) kv[i + 1]).longValue());
        return m;
    }

    private static ScenarioRun.PhaseRecord phase(String name, long ms, long sharing, long mergeAny, Map<String, Long> extra) {
        Map<String, Long> global = map("pages_shared", 10, "pages_sharing", sharing);
        global.putAll(extra);
        return new ScenarioRun.PhaseRecord(name, ms, global, Map.of("p", map("vmas", 1, "ksm_merge_any", mergeAny)),
                Map.of("p.buf", map("ksm_pages", 1000)));
    }

    private static ScenarioCheck.Outcome outcome() {
        Scenario sc = new Scenario(1, "t", "test", 42, 0, List.of(), null, Map.of(), Map.of(), Map.of(), List.of(), new Origin("t.yaml", 0));
        ScenarioRun.Result k = new ScenarioRun.Result(List.of(phase("merged", 150, 990, 1, map("wall_ms", 150))),
                List.of(), 1000);
        ScenarioRun.Result m = new ScenarioRun.Result(List.of(phase("merged", 40, 990, 0, map("virtual_ms", 40, "cow_faults", 0))),
                List.of(new ScenarioRun.ExpectFailure(new Origin("t.yaml", 9), "pages_sharing", "991", "990")), 1000);
        return new ScenarioCheck.Outcome(sc, null, null, List.of(new KernelFeatures.Finding("kernel.mremap_unmerge", "1", "probe")),
                ScenarioCheck.Side.of("kernel", k, List.of(), List.of("a wait for 2 full scans at 100 ms ended 1 full scan late")),
                ScenarioCheck.Side.of("model", m, List.of(), List.of()));
    }

    @Test
    void onlyCountersBothSidesHaveAndThatDifferShouldBeDifferences() {
        List<ScenarioCheck.Difference> d = ScenarioCheck.differences(outcome());
        assertEquals(List.of(new ScenarioCheck.Difference("merged", "ksm_merge_any.p", 1, 0)), d);
    }

    @Test
    void theTableShouldMarkDifferingRowsAndListFailuresAndNotes() {
        String t = ScenarioTable.render(outcome());
        assertTrue(t.startsWith("== t (t.yaml)\nkernel behaviour (detected; the model runs with it): kernel.mremap_unmerge=1\n"), t);
        assertTrue(t.contains("-- phase merged  (kernel 150 ms wall; model 40 ms virtual)\n"), t);
        assertTrue(t.contains("\n   pages_sharing                     990          990\n"), t);
        assertTrue(t.contains("\n * ksm_merge_any.p                     1            0\n"), t);
        assertTrue(t.contains("\n   cow_faults                          -            0\n"), t);
        assertTrue(t.contains("\n   ksm_pages.p.buf                  1000         1000\n"), t);
        assertTrue(t.contains("kernel: 1000 page reads verified; every expectation held\n"), t);
        assertTrue(t.contains("model: 1000 page reads verified; 1 expectation FAILED:\n   t.yaml:9: expected pages_sharing = 991, got 990\n"), t);
        assertTrue(t.contains("kernel note: a wait for 2 full scans at 100 ms ended 1 full scan late\n"), t);
        assertTrue(t.endsWith("1 counter value differ between kernel and model (rows marked *)\n"), t);
    }

    @Test
    void theJsonShouldCarryBothSidesTheDifferencesAndTheVerdict() {
        ScenarioCheck.Outcome o = outcome();
        Map<String, Object> j = ScenarioCheck.toJson(o);
        assertEquals(List.of("scenario", "file", "variant", "kernel_features", "kernel", "model", "differences", "passed"), List.copyOf(j.keySet()));
        assertEquals(false, j.get("passed")); // the model's expectation failed
        assertFalse(o.passed());
        @SuppressWarnings("unchecked")
        Map<String, Object> kernel = (Map<String, Object>) j.get("kernel");
        assertEquals(List.of("phases", "failures", "pages_verified", "notes", "series"), List.copyOf(kernel.keySet()));
        assertEquals(Map.of("value", "1", "evidence", "probe"), ((Map<?, ?>) j.get("kernel_features")).get("kernel.mremap_unmerge"));
    }
}
