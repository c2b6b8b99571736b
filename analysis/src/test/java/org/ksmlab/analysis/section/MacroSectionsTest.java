package org.ksmlab.analysis.section;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.ksmlab.analysis.Fixtures;
import org.ksmlab.analysis.input.Results;
import org.ksmlab.analysis.render.DisplayTable;
import tech.tablesaw.api.Table;

/**
 * The macro sections on the {@code macro} fixture (make_fixtures.py: hand-chosen numbers), with
 * exact expected tables as the report shows them (3 significant figures; counts exact).
 */
class MacroSectionsTest {
    private static Results macro;
    private static Results micro;

    @BeforeAll
    static void read() throws Exception {
        macro = Results.read(List.of(Fixtures.path("macro")));
        micro = Results.read(List.of(Fixtures.path("micro")));
    }

    private static SectionOutput build(ReportSection section) {
        return section.build(macro).orElseThrow();
    }

    private static Table table(SectionOutput out, String id) {
        return out.tables().stream().filter(t -> t.id().equals(id)).findFirst().orElseThrow().data();
    }

    /** Header then rows, as displayed. */
    private static List<List<String>> shown(Table t) {
        DisplayTable d = DisplayTable.of(t);
        List<List<String>> all = new ArrayList<>();
        all.add(d.headers());
        all.addAll(d.rows());
        return all;
    }

    private static void assertCharts(SectionOutput out, List<String> names) {
        assertEquals(names, out.charts().stream().map(SectionOutput.ChartSpec::name).toList());
        for (SectionOutput.ChartSpec c : out.charts()) assertTrue(c.drawable(), c.name());
    }

    /**
     * The headline table: every mix, every merger on the mix's horizon, saving at the horizon and
     * time-weighted, time to 90 % from opt-in, total CPU in ms and per page saved, COW.
     */
    @Test
    void headlineTableHasSavingTimeFromOptInCpuMsAndCowPerMixOnTheHorizon() {
        SectionOutput out = build(new AlgorithmComparisonSection());
        assertEquals(List.of(
                List.of("mix", "algo", "horizon (s)", "saved at horizon", "saved %", "avg saved (time-weighted)",
                        "to 90 % (s from opt-in)", "CPU ms", "CPU µs per page saved", "COW after merge"),
                List.of("vmfleet", "none", "10.0", "0", "0.00", "0", "0.00", "0.00", "", "0"),
                List.of("vmfleet", "ksm", "10.0", "3072", "75.0", "2500", "4.50", "50.0", "16.3", "12"),
                List.of("vmfleet", "sksm", "10.0", "3072", "75.0", "3080", "0.00", "20.0", "6.51", "40"),
                // codepatch offers its memory at 2 s: ksm's 90 % at 3 s of virtual time is 1 s after opt-in
                List.of("codepatch", "ksm", "9.00", "2048", "50.0", "1800", "1.00", "72.0", "35.2", "0"),
                List.of("codepatch", "sksm", "9.00", "2048", "50.0", "2048", "0.00", "9.00", "4.39", "0")),
                shown(out.headline().table().data()));
        assertEquals("headline", out.headline().table().id());
    }

    /** The conclusion is written from the numbers: one sentence per mix, the largest saving first. */
    @Test
    void headlineSentencesAreGeneratedFromTheNumbersOnePerMix() {
        assertEquals(List.of(
                "On vmfleet (4,096 pages, an equal 10.0 s horizon, memory offered for merging at 0.00 s): sksm saves the"
                        + " most, 3,072 pages (75.0 %) at the horizon and 3,080 on average, 90 % of it 0.00 s after opt-in,"
                        + " for 20.0 ms of modelled CPU (6.51 µs per page saved) and 40 COW faults; ksm as much, 90 % after"
                        + " 4.50 s (2,500 on average), at 50.0 ms (16.3 µs per page) with 12 COW faults; none saves nothing.",
                "On codepatch (4,096 pages, an equal 9.00 s horizon, memory offered for merging at 2.00 s): sksm saves"
                        + " the most, 2,048 pages (50.0 %) at the horizon and 2,048 on average, 90 % of it 0.00 s after"
                        + " opt-in, for 9.00 ms of modelled CPU (4.39 µs per page saved) and 0 COW faults; ksm as much,"
                        + " 90 % after 1.00 s (1,800 on average), at 72.0 ms (35.2 µs per page) with 0 COW faults."),
                build(new AlgorithmComparisonSection()).headline().sentences());
    }

    /** The section's own tables hold what the headline does not, so no column appears twice. */
    @Test
    void comparisonTablesHoldTheRestWithoutRepeatingTheHeadline() {
        SectionOutput out = build(new AlgorithmComparisonSection());
        assertEquals(List.of("algorithms-vmfleet", "algorithms-codepatch"),
                out.tables().stream().map(SectionOutput.ReportTable::id).toList());
        assertEquals(List.of(
                List.of("algo", "opt-in (s)", "to 50 % (s from opt-in)", "to 99 % (s from opt-in)", "CPU % of horizon",
                        "tracking MiB", "net profit MiB", "full scans"),
                List.of("none", "0.00", "0.00", "0.00", "0.00", "0.00", "0.00", "0"),
                List.of("ksm", "0.00", "2.00", "5.00", "0.500", "0.250", "11.8", "12"),
                List.of("sksm", "0.00", "0.00", "0.00", "0.200", "0.500", "11.5", "0")),
                shown(table(out, "algorithms-vmfleet")));
        List<String> headline = out.headline().table().data().columnNames();
        for (SectionOutput.ReportTable t : out.tables()) {
            for (String column : t.data().columnNames()) {
                assertTrue(column.equals("algo") || !headline.contains(column), t.id() + " repeats " + column);
            }
        }
        assertCharts(out, List.of("algorithms-saving", "algorithms-cpu"));
    }

    /** Results from before the horizon counters: the sentence says the runs were not on equal footing. */
    @Test
    void resultsFromBeforeTheEqualHorizonSaySo() {
        Table rows = Points.of(macro.longTable(), org.ksmlab.analysis.input.Benchmarks.MERGER_COMPARISON, "converge");
        Table vmfleet = rows.where(rows.stringColumn("mix").isEqualTo("vmfleet").and(rows.stringColumn("pages").isEqualTo("4096")))
                .removeColumns("virtualMs", "optInMs", "savedAvgPages", "cpuNs");
        assertEquals("On vmfleet (4,096 pages, each merger stopped at its own stable point, not on an equal horizon):"
                + " ksm saves the most, 3,072 pages (75.0 %) at its end, 90 % of it 4.50 s after the start, at 0.500 % of a"
                + " CPU over its run, with 12 COW faults; sksm as much, 90 % after 0.00 s, at 0.200 % of a CPU with 40 COW"
                + " faults; none saves nothing.", ComparisonSentence.of("vmfleet", "4096", vmfleet));
    }

    @Test
    void aMixWithNothingToSaveSaysSo() {
        Table rows = Points.of(macro.longTable(), org.ksmlab.analysis.input.Benchmarks.MERGER_COMPARISON, "converge");
        Table none = rows.where(rows.stringColumn("algo").isEqualTo("none").and(rows.stringColumn("pages").isEqualTo("4096")));
        assertEquals("On vmfleet (4,096 pages, an equal 10.0 s horizon, memory offered for merging at 0.00 s): no merger"
                + " saves anything; their modelled CPU for it: none 0.00 ms.", ComparisonSentence.of("vmfleet", "4096", none));
    }

    @Test
    void scanRateGridPivotsPagesToScanBySleepMillisPerMixAndChartsOnlyLines() {
        SectionOutput out = build(new ScanRateGridSection());
        assertEquals(List.of(
                List.of("mix", "pages_to_scan", "sleep 20 ms", "sleep 200 ms"),
                List.of("vmfleet", "100", "2.00", "20.0"),
                List.of("vmfleet", "1000", "0.250", "2.10"),
                List.of("codepatch", "100", "3.00", "")), shown(table(out, "scan-rate-time90")));
        assertEquals(List.of(
                List.of("mix", "pages_to_scan", "sleep 20 ms", "sleep 200 ms"),
                List.of("vmfleet", "100", "5.00", "0.500"),
                List.of("vmfleet", "1000", "40.0", "4.80"),
                List.of("codepatch", "100", "6.00", "")), shown(table(out, "scan-rate-cpu")));
        assertTrue(out.prose().getFirst().contains("All cells: advisor=none, pages=4096, smartScan=true."),
                out.prose().getFirst());
        // codepatch has one pages_to_scan value: a single point is not a chart (issue 10)
        assertCharts(out, List.of("scan-rate-time90-1", "scan-rate-cpu-1"));
    }

    @Test
    void scalingIsTheSimulatorsWallTimePerPageAsMedianWithIntervalAgainstNone() {
        SectionOutput out = build(new ScalingSection());
        assertEquals(ReportSection.Part.SIMULATOR, new ScalingSection().part());
        assertEquals(List.of(
                List.of("mix", "algo", "pages", "wall ms per run [interval]", "wall ns per page [interval]", "n", "× none"),
                List.of("vmfleet", "none", "1024", "0.102 [0.100, 0.104]", "100 [98.0, 102]", "6", "1.00"),
                List.of("vmfleet", "none", "4096", "0.410 [0.401, 0.418]", "100 [98.0, 102]", "6", "1.00"),
                List.of("vmfleet", "ksm", "1024", "4.10 [4.01, 4.18]", "4000 [3920, 4080]", "6", "40.0"),
                List.of("vmfleet", "ksm", "4096", "20.5 [20.1, 20.9]", "5000 [4900, 5100]", "6", "50.0"),
                List.of("vmfleet", "sksm", "1024", "1.02 [1.00, 1.04]", "1000 [980, 1020]", "6", "10.0"),
                List.of("vmfleet", "sksm", "4096", "4.10 [4.01, 4.18]", "1000 [980, 1020]", "6", "10.0"),
                List.of("codepatch", "ksm", "4096", "8.19 [8.03, 8.36]", "2000 [1960, 2040]", "6", ""),
                List.of("codepatch", "sksm", "4096", "2.05 [2.01, 2.09]", "500 [490, 510]", "6", "")),
                shown(table(out, "scaling")));
        // codepatch has one page count per merger: table rows, no chart
        assertCharts(out, List.of("scaling-vmfleet"));
    }

    @Test
    void scalingIsAbsentWithoutAPageSweep() {
        assertTrue(new ScalingSection().build(micro).isEmpty());
    }

    /**
     * Time runs from the opt-in: codepatch offers its memory at 2000 ms, so its samples sit at
     * −2, −1, 0 and 1 s. The per-line summary is CSV only here (the comparison has the numbers).
     */
    @Test
    void savingOverTimeCountsFromTheOptInAgainstTheNoneSeriesElseTheFirstSample() {
        SectionOutput out = build(new SavingOverTimeSection());
        Table summary = table(out, "saving-over-time");
        assertEquals(List.of(
                List.of("mix", "workload", "algo", "runs", "samples", "end (s from opt-in)", "saved at end", "baseline"),
                List.of("vmfleet", "dup:pages=4096,distinct=1024", "none", "1", "3", "2.00", "0", "none series"),
                List.of("vmfleet", "dup:pages=4096,distinct=1024", "ksm", "1", "5", "2.00", "3072", "none series"),
                // SKSM merged before its first sample: only the none baseline shows it
                List.of("vmfleet", "dup:pages=4096,distinct=1024", "sksm", "1", "3", "2.00", "3072", "none series"),
                List.of("codepatch", "codepatch:procs=20,lib_pages=50,base_pages=10", "ksm", "1", "4", "1.00", "-50",
                        "first sample")),
                shown(summary));
        assertFalse(out.tables().stream().filter(t -> t.id().equals("saving-over-time")).findFirst().orElseThrow().inReport(),
                "CSV only: the comparison's tables have the numbers");
        Table series = table(out, "saving-over-time-series");
        Table codepatch = series.where(series.stringColumn("mix").isEqualTo("codepatch"));
        assertEquals(List.of(-2.0, -1.0, 0.0, 1.0), codepatch.doubleColumn("s from opt-in").asList());
        assertEquals(List.of(0.0, -1000.0, -50.0, -50.0), codepatch.doubleColumn("pages saved").asList());
        assertCharts(out, List.of("saving-vmfleet", "saving-codepatch"));
        assertEquals(List.of("none", "ksm", "sksm"), out.charts().getFirst().series().stream()
                .map(SectionOutput.Series::name).toList(), "one line per merger, named by its --algo name");
    }

    @Test
    void sksmMergeThroughputIsTheModelsSpeedAgainstTheHashAndCompareBaselineNamedByMerger() {
        SectionOutput out = build(new SksmMergeSection());
        assertEquals(ReportSection.Part.SIMULATOR, new SksmMergeSection().part());
        assertEquals(List.of(
                List.of("algo", "mix", "pages", "ns/page [interval]", "n", "M pages/s", "GB/s", "× xxh64+compare"),
                List.of("sksm", "vmfleet", "1024", "500 [500, 500]", "10", "2.00", "8.19", "0.500"),
                List.of("sksm-resizable", "vmfleet", "1024", "1000 [1000, 1000]", "10", "1.00", "4.10", "0.250"),
                List.of("sksm", "vmfleet", "4096", "500 [500, 500]", "10", "2.00", "8.19", "0.500")),
                shown(table(out, "sksm-merge")));
        assertTrue(out.prose().get(1).startsWith("Baseline: xxh64AndCompare (one xxh64 of a page plus one page compare,"
                + " the least work a content-based merge of a page can do) takes 250 ns, 4.00 M pages/s"), out.prose().get(1));
        assertCharts(out, List.of("sksm-merge"));
    }

    @Test
    void fidelityComparesFinalCountersAndGivesAVerdictPerScenario() {
        SectionOutput out = build(new FidelitySection());
        assertEquals(ReportSection.Part.MODEL, new FidelitySection().part());
        Table summary = table(out, "fidelity");
        assertEquals(List.of("duplicates", "several processes", "prctl merge-any"),
                summary.stringColumn("scenario").asList());
        assertEquals(List.of(
                "all counters equal; converged at the same full scan (2)",
                "model unavailable: model run failed: workload spec not supported by the model (example)",
                "differ: pages_shared (kernel 115, model 100), pages_sharing (kernel 4061, model 3900),"
                        + " pages_volatile (kernel 8925, model 0), general_profit (kernel 15795392, model 15718400);"
                        + " converged at full scan 10 (kernel) vs 2 (model)"),
                summary.stringColumn("verdict").asList());
        assertEquals("sleep_millisecs=20, pages_to_scan=1000", summary.stringColumn("knobs").get(0));
        assertEquals(List.of(
                List.of("scenario", "converged scan kernel", "converged scan model", "converged ms kernel (wall)",
                        "converged ms model (virtual)", "time model/kernel", "ksmd CPU ns/page kernel", "ksmd CPU ns/page model",
                        "CPU model/kernel"),
                List.of("duplicates", "2", "2", "219", "195", "0.890", "1280", "1050", "0.819"),
                List.of("several processes", "2", "", "312", "", "", "1050", "", ""),
                List.of("prctl merge-any", "10", "2", "2592", "195", "0.0752", "2390", "1050", "0.437")),
                shown(table(out, "fidelity-convergence")));
        Table counters = table(out, "fidelity-counters");
        assertEquals(24, counters.rowCount());
        assertEquals(List.of(
                List.of("scenario", "counter", "kernel", "model", "model − kernel"),
                List.of("prctl merge-any", "pages_shared", "115", "100", "-15"),
                List.of("prctl merge-any", "pages_sharing", "4061", "3900", "-161")),
                shown(counters.where(counters.stringColumn("scenario").isEqualTo("prctl merge-any")).first(2)));
        assertEquals(List.of("several processes", "general_profit", "23782400", "", ""),
                DisplayTable.of(counters).rows().get(15));
        assertTrue(out.prose().getFirst().contains(" 1 of 3 scenarios end with every compared counter equal."));
        assertTrue(out.prose().stream().anyMatch(p -> p.startsWith("The model ran 2 of the workloads at the machine's speed measured"
                + " beside it") && p.contains(": 912 per mille with the small reference (1 workload); 1043 per mille with the large"
                + " reference (1 workload) of the costs above")), out.prose().toString());
        assertTrue(out.prose().stream().anyMatch(p -> p.startsWith("1 of the workloads ran 3 times on the kernel")
                && p.contains("the run with the median time to converge is the one shown")), out.prose().toString());
        assertCharts(out, List.of("fidelity-cpu"));
    }

    @Test
    void macroSectionsAreAbsentWithoutTheirInputs() {
        for (ReportSection s : List.of(new AlgorithmComparisonSection(), new ScanRateGridSection(), new ScalingSection(),
                new SavingOverTimeSection(), new SksmMergeSection(), new FidelitySection())) {
            assertTrue(s.build(micro).isEmpty(), s.id());
        }
    }
}
