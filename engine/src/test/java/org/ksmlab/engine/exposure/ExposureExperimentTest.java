package org.ksmlab.engine.exposure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.ksmlab.engine.cost.FaultLatency;
import org.ksmlab.engine.sim.Convergence;
import org.ksmlab.engine.sim.Horizon;
import org.ksmlab.engine.sim.Simulation;
import org.ksmlab.engine.workload.Workloads;

/**
 * One experiment on a small vm-fleet-like workload (4 guests of 100 pages, 20 % zero, 5 % rewritten
 * every second): every defence's saving and CPU come from a run of the same workload, to the same
 * horizon, as unrestricted KSM's, and the exposure rows come from the trials.
 */
class ExposureExperimentTest {
    static final String WORKLOAD = "dup:procs=4,pages=100,distinct=50,zero=0.2,volatile=0.05,period_ms=1000";
    static final List<ExposureExperiment.Merger> MERGERS = List.of(ExposureExperiment.Merger.of("ksm"),
            ExposureExperiment.Merger.of("ksm-zero-only"), ExposureExperiment.Merger.of("ksm-same-domain"),
            ExposureExperiment.Merger.of("ksm-fake-merge"), ExposureExperiment.Merger.of("sksm"),
            new ExposureExperiment.Merger("ksm", Map.of("smart_scan", "0")));
    static ExposureExperiment e;

    @BeforeAll
    static void run() {
        e = ExposureExperiment.run(() -> Workloads.create(WORKLOAD), MERGERS, List.of(500L, 1000L, 4000L), 2, 4, 7, FaultLatency.defaults());
    }

    @Test
    void everyMergerShouldBeMeasuredOnTheSameWorkloadToTheSameHorizon() {
        assertEquals(Horizon.ms(() -> Workloads.create(WORKLOAD), List.of("ksm", "ksm-zero-only", "ksm-same-domain", "ksm-fake-merge", "sksm")),
                e.horizonMs());
        for (ExposureExperiment.Row r : e.mergers()) {
            Convergence alone = Convergence.of(new Simulation(Workloads.create(WORKLOAD), r.merger().algo(), r.merger().knobs(),
                    Simulation.Options.forMs(e.horizonMs())).run());
            assertEquals(alone, r.saving(), r.merger().label());
            assertEquals(e.horizonMs(), r.saving().virtualMs(), r.merger().label());
        }
    }

    @Test
    void theSavingAndTheCrossDomainMergesShouldBeWhatEachMergerAllows() {
        // 4 guests x 100 pages: 20 zero pages each, 5 volatile, 75 pages of the same 50 contents in every
        // guest. ksm: 300 such pages on 50 KSM pages (250) and the 80 zero pages on one KSM page (79);
        // sksm: the zero pages on the zero page (80); ksm-zero-only: the 80 zero pages, nothing else;
        // ksm-same-domain: each guest's own repeats and zero pages only (the guests hold 191 contents
        // between them: 4 x 94 - 191).
        assertEquals(Map.of("ksm", 329L, "ksm-zero-only", 80L, "ksm-same-domain", 185L, "ksm-fake-merge", 329L, "sksm", 330L,
                        "ksm smart_scan=0", 329L),
                savedPages());
        assertEquals(0, e.row("ksm-same-domain").crossDomainMerges());
        assertEquals(0, e.row("ksm-zero-only").crossDomainMerges());
        // Each KSM page counts the guests mapping it less one: the zero pages' page 3, the 50 contents'
        // at most 3 each (a content some guest lacks, counts less): 144.
        assertEquals(144, e.row("ksm").crossDomainMerges());
        assertEquals(e.row("ksm").crossDomainMerges(), e.row("ksm-fake-merge").crossDomainMerges());
        assertTrue(e.row("ksm-zero-only").saving().cpuNs() > 0);
    }

    private static Map<String, Long> savedPages() {
        Map<String, Long> m = new java.util.LinkedHashMap<>();
        for (ExposureExperiment.Row r : e.mergers()) m.put(r.merger().label(), r.saving().savedPages());
        return m;
    }

    @Test
    void theExposureRowsShouldComeFromTheTrials() {
        assertEquals(4, e.row("ksm").attack().trials());
        assertEquals(Channel.STORE, e.row("ksm smart_scan=0").attack().worstChannel());
        assertEquals(1.0, e.row("ksm smart_scan=0").attack().storeAtLongestWait().accuracy());
        assertEquals(0.5, e.row("ksm-same-domain").attack().storeAtLongestWait().accuracy());
        assertEquals(0.5, e.row("ksm-fake-merge").attack().storeAtLongestWait().accuracy());
        assertEquals(Channel.MADVISE, e.row("sksm").attack().worstChannel());
        assertEquals(0, e.row("ksm-same-domain").attackCrossDomainMergesMean());
    }

    @Test
    void theJsonShouldCarryEveryFigureTheReportReads() {
        Map<String, Object> json = e.toJsonObject();
        assertEquals(List.of("workload", "horizon_ms", "plan", "fault_latency", "mergers"), List.copyOf(json.keySet()));
        @SuppressWarnings("unchecked")
        Map<String, Object> ksm = ((List<Map<String, Object>>) json.get("mergers")).get(0);
        assertEquals(List.of("label", "algo", "knobs", "saved_pages", "saved_avg_pages", "nr_anon_pages", "cpu_ns", "cow_faults",
                "cow_after_merge", "virtual_ms_to_90", "cross_domain_merges", "attack"), List.copyOf(ksm.keySet()));
        @SuppressWarnings("unchecked")
        Map<String, Object> attack = (Map<String, Object>) ksm.get("attack");
        assertEquals(List.of("trials", "cross_domain_merges_mean", "store", "madvise", "summary"), List.copyOf(attack.keySet()));
        @SuppressWarnings("unchecked")
        Map<String, Object> summary = (Map<String, Object>) attack.get("summary");
        assertEquals(List.of("channel", "tp", "fn", "fp", "tn", "tpr", "fpr", "accuracy", "p_value", "reliable_after_ms",
                "bits_per_hour_per_page"), List.copyOf(summary.keySet()));
    }

    @Test
    void badPlansShouldBeRefusedNamingTheValue() {
        assertEquals("attack wait 500 ms: expected waits >= 1 ms in ascending order, got [1000, 500]",
                assertThrows(IllegalArgumentException.class, () -> new AttackPlan(List.of(1000L, 500L), 1, 0, 0, 1, 1)).getMessage());
        assertEquals("trials=0: expected >= 1",
                assertThrows(IllegalArgumentException.class, () -> new AttackPlan(List.of(1L), 1, 0, 0, 0, 1)).getMessage());
        assertEquals("probes_per_wait=0: expected >= 1",
                assertThrows(IllegalArgumentException.class, () -> new AttackPlan(List.of(1L), 0, 0, 0, 1, 1)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> ExposureExperiment.Merger.of("ksm-nope"));
    }
}
