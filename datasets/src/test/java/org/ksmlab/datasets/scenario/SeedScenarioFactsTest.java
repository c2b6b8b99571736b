package org.ksmlab.datasets.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ksmlab.engine.scenario.ScenarioRun;
import org.ksmlab.engine.scenario.ScenarioSimulation;

/**
 * The seeds' VMA questions, answered by the shipped scenarios under ksm: the facts a design
 * review reads off them, each asserted exactly. Where the live kernel (Linux 6.18.44) was
 * measured doing the same thing, the comment says what it did (README, what is modelled).
 */
class SeedScenarioFactsTest {
    private static Map<String, ScenarioRun.PhaseRecord> run(String scenario, String variant) {
        ScenarioSimulation.Outcome o = ScenarioSimulation.run(Scenarios.load(scenario), variant, "ksm", Map.of());
        assertEquals(java.util.List.of(), o.result().failures());
        Map<String, ScenarioRun.PhaseRecord> m = new java.util.LinkedHashMap<>();
        o.result().phases().forEach(p -> m.put(p.name(), p));
        return m;
    }

    private static long vmas(ScenarioRun.PhaseRecord p, String process) {
        return p.processes().get(process).get("vmas");
    }

    @Test
    void mergeAnyNewVmasMergeSince617AndNotBeforeWithTheSameSaving() {
        for (String v : new String[] {"since-6.17", "before-6.17"}) {
            ScenarioRun.PhaseRecord merged = run("merge-any-vma-merging", v).get("merged");
            boolean fixed = v.equals("since-6.17");
            assertEquals(fixed ? 1 : 16, vmas(merged, "mapper"), v + ": 16 adjacent mmaps");        // kernel 6.18: 1
            assertEquals(fixed ? 1 : 16, vmas(merged, "heap"), v + ": 16 brk steps");                 // kernel 6.18: 1
            assertEquals(2, vmas(merged, "arena"), v + ": RW chunks and the PROT_NONE rest");        // kernel 6.18: 2
            assertEquals(1, vmas(merged, "plain"), v + ": madvised mmaps merge on madvise");
            for (String p : new String[] {"mapper", "heap", "arena", "plain"}) {
                assertEquals(1024, merged.processes().get(p).get("ksm_merging_pages"), v + ": the saving does not depend on the fix");
            }
        }
    }

    @Test
    void movingAMergedRangeUnmergesAtOnceAndRemergesInTwoScans() {
        Map<String, ScenarioRun.PhaseRecord> p = run("mremap-merged", "unmerge-on-move");
        // every moved page copied at the move (999 + 333), no KSM counter moved yet (kernel: the same)
        assertEquals(1332, p.get("remapped").counters().get("cow_faults"));
        assertEquals(3978, p.get("remapped").counters().get("pages_sharing"));
        // pass 1: the moved pages are new to ksmd, volatile; the shrunk tail's 500 mappings gone
        assertEquals(1332, p.get("remapped+1").counters().get("pages_volatile"));
        assertEquals(3978 - 999 - 333 - 500, p.get("remapped+1").counters().get("pages_sharing"));
        // pass 2: merged again (kernel: 2 full scans to re-merge)
        assertEquals(3978 - 500, p.get("remapped+2").counters().get("pages_sharing"));
        assertEquals(2, vmas(p.get("remapped"), "mover"), "moved next to its neighbour, but with its old offset: no VMA merge");
        assertEquals(3, vmas(p.get("remapped"), "middler"), "left, moved middle, right (kernel: 3)");
        assertEquals(1, vmas(p.get("remapped"), "grower"));
        assertEquals(0, p.get("remapped").counters().get("rmap_unreachable"));
    }

    @Test
    void movingWithoutUnmergingCopiesNothingButHidesMappingsFromTheRmapUntilKsmdRevisits() {
        Map<String, ScenarioRun.PhaseRecord> p = run("mremap-merged", "keep-merged-on-move");
        assertEquals(0, p.get("remapped").counters().get("cow_faults"));
        assertEquals(1332, p.get("remapped").counters().get("rmap_unreachable"), "every moved KSM mapping is at an address no rmap_item has");
        assertEquals(0, p.get("remapped+1").counters().get("rmap_unreachable"), "ksmd's next pass finds them at their new address");
        assertEquals(3978 - 500, p.get("remapped+1").counters().get("pages_sharing"), "and never stopped sharing");
    }

    @Test
    void relocatingMovedAnonymousMemoryLetsItMergeWithItsNeighbour() {
        Map<String, ScenarioRun.PhaseRecord> p = run("mremap-merged", "relocate-anon");
        assertEquals(1, vmas(p.get("remapped"), "mover"));
        assertEquals(2, vmas(p.get("remapped"), "middler"), "the middle, moved next to the left part, joins it");
    }

    @Test
    void forkChangesNoCounterUntilKsmdsNextPass() {
        Map<String, ScenarioRun.PhaseRecord> p = run("fork-after-merge", null);
        assertEquals(990, p.get("forked").counters().get("pages_sharing"));                      // kernel: unchanged at fork
        assertEquals(0, p.get("forked").processes().get("child").get("ksm_merging_pages"));
        assertEquals(1990, p.get("child-scanned").counters().get("pages_sharing"));               // kernel: +1000 at the first pass
        assertEquals(250, p.get("child-wrote").counters().get("cow_faults"));
        assertEquals(1990, p.get("child-wrote").counters().get("pages_sharing"));                 // kernel: no change at once
        assertEquals(1740, p.get("child-wrote+1").counters().get("pages_sharing"));
        assertEquals(1740, p.get("child-exited").counters().get("pages_sharing"));                // kernel: no change at once
        assertEquals(990, p.get("child-exited+1").counters().get("pages_sharing"));
    }

    @Test
    void eachSwitchReachesWhatItCan() {
        Map<String, ScenarioRun.PhaseRecord> today = run("per-process-switches", "today");
        ScenarioRun.PhaseRecord late = today.get("late-merged");
        assertEquals(1500, late.processes().get("restarted").get("ksm_merging_pages"), "prctl at restart: everything, later memory too");
        assertEquals(0, late.processes().get("procfs").get("ksm_merging_pages"), "no /proc/PID/ksm_enabled today");
        assertEquals(1, late.processes().get("procfs").get("failed_calls"));
        assertEquals(0, late.processes().get("pmadvise").get("ksm_merging_pages"), "process_madvise refuses MADV_MERGEABLE today");
        assertEquals(1, late.processes().get("controller").get("failed_calls"));
        ScenarioRun.PhaseRecord proposals = run("per-process-switches", "with-proposals").get("late-merged");
        assertEquals(1500, proposals.processes().get("procfs").get("ksm_merging_pages"), "ksm_enabled=always: present and future memory");
        assertEquals(1000, proposals.processes().get("pmadvise").get("ksm_merging_pages"), "process_madvise: only the range it named");
        assertEquals(0, proposals.processes().get("untouched").get("ksm_merging_pages"));
    }

    @Test
    void aPageMappedTwiceInOneMmMergesAndCopiesOnWriteWithEveryReadRight() {
        Map<String, ScenarioRun.PhaseRecord> p = run("vma-cloning", null);
        assertEquals(4, p.get("merged").counters().get("pages_shared"), "4 contents");
        assertEquals(512 + 128 - 4, p.get("merged").counters().get("pages_sharing"), "both mappings in p and the borrowed half in q");
        assertEquals(64, p.get("written-through-twin").counters().get("cow_faults"));
        assertEquals(0, p.get("settled").counters().get("rmap_unreachable"));
    }
}
