package org.ksmlab.datasets.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ksmlab.datasets.scenario.ScenarioReader;
import org.ksmlab.engine.scenario.ScenarioRun;
import org.ksmlab.engine.scenario.ScenarioSimulation;
import org.ksmlab.engine.sim.Simulation;
import org.ksmlab.engine.sim.SimulationResult;
import org.ksmlab.engine.workload.MemoryImage;
import org.ksmlab.engine.workload.Workloads;

/** A dataset rebuilt in the model: equal hashes are equal pages, zero pages stay zero, and the replay is deterministic. */
class DatasetReplayTest {
    @TempDir
    Path tmp;

    @Test
    void equalHashesShouldBecomeOneContentId() throws IOException {
        Path dir = tmp.resolve("two");
        TestDatasets.twoProcesses(dir, false, false);
        MemoryImage img = DatasetImages.load(DatasetSource.of(dir), true, 0);
        assertEquals(2, img.processes().size());
        assertEquals("java (pid 1001)", img.processes().get(0).label());
        MemoryImage.Area a = img.processes().get(0).areas().get(0);
        assertEquals(1, img.processes().get(0).areas().size(), "the VMA without anonymous pages is left out");
        assertEquals(115, a.page().length);
        assertEquals(0, a.content()[0]);
        assertEquals(9, a.content()[9]);
        assertEquals(0, a.content()[10], "content 0 again");
        assertEquals(MemoryImage.ZERO_FILLED, a.content()[100]);
        assertEquals(MemoryImage.ZERO_PAGE, a.content()[110]);
        assertEquals(3, img.processes().get(1).areas().get(0).content()[3], "process 1's pages get process 0's ids");
        assertEquals(220, img.anonPages());
    }

    @Test
    void theModelShouldMergeWhatTheHashesSayIsEqual() throws IOException {
        Path dir = tmp.resolve("two");
        TestDatasets.twoProcesses(dir, false, false);
        // 10 contents x 20 copies, 20 zero-filled pages (one more content under use_zero_pages=0)
        Map<String, Object> plain = stable("dataset:path=" + dir, Map.of()).finalCounters();
        assertEquals(11L, plain.get("pages_shared"));
        assertEquals(209L, plain.get("pages_sharing"));
        assertEquals(0L, plain.get("ksm_zero_pages"));
        assertEquals(2L, plain.get("converged_full_scans"));
        Map<String, Object> zero = stable("dataset:path=" + dir, Map.of("use_zero_pages", "1")).finalCounters();
        assertEquals(10L, zero.get("pages_shared"));
        assertEquals(190L, zero.get("pages_sharing"));
        assertEquals(20L, zero.get("ksm_zero_pages"));
        Map<String, Object> captured = stable("dataset:path=" + dir + ",merge_any=0", Map.of()).finalCounters();
        assertEquals(0L, captured.get("pages_sharing"), "nothing was VM_MERGEABLE at capture");
    }

    @Test
    void aMergeAnyProcessShouldKeepItsCapturedMergeableFlags() throws IOException {
        // started under merge-any: the heap is VM_MERGEABLE, the first stack (made by exec before the flag applies) is not
        Path dir = tmp.resolve("merge-any");
        int mergeable = TestDatasets.ANON_VMA | MemoryDataset.VmaFlags.MERGEABLE;
        try (DatasetWriter w = DatasetWriter.create(dir, false)) {
            w.beginProcess(0, 7, "python3", "python3", true, 2);
            w.beginVma(new MemoryDataset.Vma(TestDatasets.BASE, TestDatasets.BASE + 10 * 4096L, mergeable, "rd wr mr mw me ac mg", ""));
            for (int i = 0; i < 10; i++) w.page(i, MemoryDataset.PageKind.ANON, TestDatasets.hash(i % 2), 0);
            w.endVma(0, 0);
            w.beginVma(new MemoryDataset.Vma(TestDatasets.BASE + 100 * 4096L, TestDatasets.BASE + 110 * 4096L, TestDatasets.ANON_VMA,
                    "rd wr mr mw me gd ac", "[stack]"));
            for (int i = 0; i < 10; i++) w.page(i, MemoryDataset.PageKind.ANON, TestDatasets.hash(i % 2), 0);
            w.endVma(0, 0);
            w.finish("merge-any", "", "", "", MemoryDataset.Activity.none("-"));
        }
        Map<String, Object> f = stable("dataset:path=" + dir, Map.of()).finalCounters();
        assertEquals(2L, f.get("pages_shared"));
        assertEquals(8L, f.get("pages_sharing"), "only the heap's 10 pages are scanned");
    }

    @Test
    void theReplayShouldBeDeterministicWithWriteActivity() throws IOException {
        Path dir = tmp.resolve("busy");
        TestDatasets.twoProcesses(dir, true, false);
        SimulationResult a = stable("dataset:path=" + dir, Map.of());
        SimulationResult b = stable("dataset:path=" + dir, Map.of());
        assertEquals(a.series(), b.series());
        assertEquals(a.finalCounters(), b.finalCounters());
        // page 5 of process 1 is rewritten every 2000 / 4 = 500 ms: content 5 keeps 19 copies, the rewritten page stays apart
        assertEquals(11L, a.finalCounters().get("pages_shared"));
        assertEquals(208L, a.finalCounters().get("pages_sharing"));
        SimulationResult still = stable("dataset:path=" + dir + ",activity=0", Map.of());
        assertEquals(209L, still.finalCounters().get("pages_sharing"));
    }

    @Test
    void aScenarioShouldTakeARegionsContentsFromADataset() throws IOException {
        Path dir = tmp.resolve("two");
        TestDatasets.twoProcesses(dir, false, false);
        Path file = tmp.resolve("s.yaml");
        Files.writeString(file, """
                ksmlab-scenario: 1
                name: from-dataset
                knobs: {pages_to_scan: 1000}
                processes: [a, b]
                steps:
                  - mmap: {process: a, region: heap, pages: 120}
                  - write: {process: a, region: heap, content: {dataset: {path: two, process: 0, vma: 0}}}
                  - mmap: {process: b, region: heap, pages: 110}
                  - write: {process: b, region: heap, content: {dataset: {path: two, process: 1, vma: "0x7f0000000000"}}}
                  - madvise: {process: a, region: heap, advice: mergeable}
                  - madvise: {process: b, region: heap, advice: mergeable}
                  - wait: stable
                  - phase: end
                  - expect: {pages_shared: 11, pages_sharing: 209, present_pages.a.heap: 110}
                """);
        ScenarioSimulation.Outcome o = ScenarioSimulation.run(ScenarioReader.read(file), null, "ksm", Map.of());
        assertTrue(o.result().failures().isEmpty(), o.result().failures().toString());
        ScenarioRun.PhaseRecord end = o.result().phases().get(0);
        assertEquals(220L, end.counters().get("pages_sharing") + end.counters().get("pages_shared") + end.counters().get("pages_unshared"));
        Files.writeString(file, Files.readString(file).replace("pages: 110}", "pages: 50}"));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> ScenarioSimulation.run(ScenarioReader.read(file), null, "ksm", Map.of()));
        assertTrue(e.getMessage().contains("lists page 50, outside region 'heap' of 50 pages"), e.getMessage());
    }

    @Test
    void theSummaryShouldCountCopiesAndTheIdealSaving() throws IOException {
        Path dir = tmp.resolve("two");
        TestDatasets.twoProcesses(dir, false, false);
        DatasetSummary s = DatasetSummary.of(DatasetSource.of(dir));
        assertEquals(220, s.anonPages());
        assertEquals(20, s.zeroFilledPages());
        assertEquals(220, s.mergeablePages());
        assertEquals(11, s.distinctContents(), "10 contents and the zero-filled one");
        assertEquals(java.util.List.of(new DatasetSummary.Bucket("1", 0, 0), new DatasetSummary.Bucket("2", 0, 0),
                new DatasetSummary.Bucket("3-10", 0, 0), new DatasetSummary.Bucket("11-256", 11, 220), new DatasetSummary.Bucket(">256", 0, 0)), s.buckets());
        assertEquals(190 + 20, s.idealSavingPages(), "19 copies of each of 10 contents, and every zero-filled page");
    }

    private static SimulationResult stable(String spec, Map<String, String> knobs) {
        return new Simulation(Workloads.create(spec), "ksm", knobs, Simulation.Options.stable()).run();
    }
}
