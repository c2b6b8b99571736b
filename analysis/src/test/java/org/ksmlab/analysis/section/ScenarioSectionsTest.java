package org.ksmlab.analysis.section;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.ksmlab.analysis.Fixtures;
import org.ksmlab.analysis.input.BadInputException;
import org.ksmlab.analysis.input.Results;
import org.ksmlab.analysis.render.DisplayTable;
import tech.tablesaw.api.Table;

/**
 * The seed-question and selftest sections on the {@code scenarios} fixture (the shipped
 * scenarios' own runs, `./run.sh scenarios`), with the tables the report shows.
 */
class ScenarioSectionsTest {
    private static Results results;

    @BeforeAll
    static void read() throws Exception {
        results = Results.read(List.of(Fixtures.path("scenarios")));
    }

    private static List<List<String>> shown(SectionOutput out, String id) {
        Table t = out.tables().stream().filter(x -> x.id().equals(id)).findFirst().orElseThrow().data();
        DisplayTable d = DisplayTable.of(t);
        List<List<String>> all = new ArrayList<>();
        all.add(d.headers());
        all.addAll(d.rows());
        return all;
    }

    @Test
    void mergeAnyShowsVmasPerPatternPerVariantAndTheSameSaving() {
        SectionOutput out = new MergeAnyVmaSection().build(results).orElseThrow();
        List<List<String>> t = shown(out, "seed-merge-any");
        assertEquals(List.of("variant", "allocation pattern", "VMAs", "VMA bytes", "KSM merging pages"), t.get(0));
        assertEquals(List.of("before-6.17", "16 adjacent anonymous mmaps (merge-any)", "16", "3072", "1024"), t.get(1));
        assertEquals(List.of("before-6.17", "brk growth in 16 steps (merge-any)", "16", "3072", "1024"), t.get(2));
        assertEquals(List.of("since-6.17", "16 adjacent anonymous mmaps (merge-any)", "1", "192", "1024"), t.get(5));
        assertEquals(List.of("since-6.17", "brk growth in 16 steps (merge-any)", "1", "192", "1024"), t.get(6));
        assertTrue(out.prose().contains("since-6.17: VMAs per pattern mapper 1, heap 1, arena 2, plain 1; KSM merging pages over the four: 4,096."),
                out.prose().toString());
        assertEquals(1, out.charts().size());
        assertTrue(out.charts().get(0).drawable());
    }

    @Test
    void mremapShowsTheCostOfTheMoveAndTheRemergePerVariant() {
        SectionOutput out = new MremapSection().build(results).orElseThrow();
        List<List<String>> t = shown(out, "seed-mremap");
        assertEquals(List.of("keep-merged-on-move", "0", "1332", "3978", "3978", "3478", "3478", "0"), t.get(1));
        assertEquals(List.of("unmerge-on-move", "1332", "0", "3978", "3978", "2146", "3478", "2"), t.get(2));
        assertTrue(out.prose().stream().anyMatch(p -> p.startsWith("keep-merged-on-move: 0 pages copied at the move, 1,332 KSM mappings hidden"
                + " from the rmap walk after it, never unmerged")), out.prose().toString());
        List<List<String>> v = shown(out, "seed-mremap-vmas");
        assertEquals(List.of("unmerge-on-move", "middler", "1", "3"), v.get(6));
    }

    @Test
    void switchesShowWhatEachInterfaceReaches() {
        SectionOutput out = new SwitchesSection().build(results).orElseThrow();
        List<List<String>> t = shown(out, "seed-switches");
        assertEquals(List.of("today", "/proc/PID/ksm_enabled = always (2022 proposal)", "0", "0", "1"), t.get(2));
        assertEquals(List.of("with-proposals", "process_madvise(MADV_MERGEABLE) from the controller", "1000", "1000", "0"), t.get(7));
    }

    @Test
    void cloningAndSelftestsSayWhatHeld() {
        SectionOutput cloning = new VmaCloningSection().build(results).orElseThrow();
        assertTrue(cloning.prose().get(1).startsWith("Every read of every page was verified at every phase (3,072 page reads)"), cloning.prose().get(1));
        SectionOutput selftests = new SelftestsSection().build(results).orElseThrow();
        assertTrue(selftests.prose().get(0).startsWith("2 of 2 runs of the kernel's KSM selftests"), selftests.prose().get(0));
        assertEquals(List.of("unmerge", "pass", "1024"), shown(selftests, "selftests").get(2));
    }

    @Test
    void theSectionsAreAbsentWithoutScenarioRuns() throws Exception {
        Results macro = Results.read(List.of(Fixtures.path("macro")));
        for (ReportSection s : List.of(new MergeAnyVmaSection(), new MremapSection(), new SwitchesSection(), new VmaCloningSection(),
                new SelftestsSection())) {
            assertTrue(s.build(macro).isEmpty(), s.id());
        }
    }

    @Test
    void aTruncatedScenarioFileIsBadInputNamingIt() {
        BadInputException e = assertThrows(BadInputException.class, () -> Results.read(List.of(Fixtures.path("bad/scenario-truncated"))));
        assertTrue(e.getMessage().contains("vma-cloning__default__ksm.json: not valid JSON"), e.getMessage());
    }
}
