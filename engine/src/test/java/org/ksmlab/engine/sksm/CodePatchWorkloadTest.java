package org.ksmlab.engine.sksm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.ksmlab.engine.sim.Simulation;
import org.ksmlab.engine.sim.SimulationResult;
import org.ksmlab.engine.workload.Workloads;

/**
 * codepatch at a small size: 10 processes, 20 library pages of which half are patched, 4 base
 * pages each. Baseline 10×4 = 40; patched 40 + 10×10 = 140; merged: one copy of each of the 10
 * patched pages, base pages unique: 50 under every SKSM variant, 140 under none.
 */
class CodePatchWorkloadTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource({"none, 140", "sksm, 50", "sksm-resizable, 50", "sksm-aged, 50"})
    void codepatchShouldReportAnonymousPagesOfEveryPhase(String algo, long merged) {
        SimulationResult r = new Simulation(Workloads.create("codepatch:procs=10,lib_pages=20,base_pages=4,patched=0.5"),
                algo, Map.of(), Simulation.Options.stable()).run();
        Map<String, Object> f = r.finalCounters();
        assertEquals(40L, f.get("nr_anon_pages_baseline"));
        assertEquals(140L, f.get("nr_anon_pages_patched"));
        assertEquals(merged, f.get("nr_anon_pages_merged"));
        assertEquals(merged, f.get("nr_anon_pages"));
        assertEquals(1L, f.get("stable"));
        assertEquals(100L, f.get("cow_faults"), "one COW per patched page per process");
        if (!algo.equals("none")) {
            assertEquals(90L, f.get("sksm_pages_merged"));
            assertEquals(50L, f.get("sksm_wp_no_match"), "10 patched contents + 40 unique base pages");
            assertEquals(51L, f.get("sksm_table_entries"));
        }
    }
}
