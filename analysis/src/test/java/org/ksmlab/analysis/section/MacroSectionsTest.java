package org.ksmlab.analysis.section;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

    private static void assertPngCharts(SectionOutput out, List<String> names) {
        assertEquals(names, out.charts().stream().map(SectionOutput.ReportChart::name).toList());
        for (SectionOutput.ReportChart c : out.charts()) {
            assertEquals(List.of((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G'),
                    List.of(c.png()[0], c.png()[1], c.png()[2], c.png()[3]), c.name());
        }
    }

    @Test
    void algorithmComparisonHasOneTablePerMixAtItsLargestPageCount() {
        SectionOutput out = build(new AlgorithmComparisonSection());
        assertEquals(List.of("headline", "algorithms-vmfleet", "algorithms-codepatch"),
                out.tables().stream().map(SectionOutput.ReportTable::id).toList());
        assertEquals(List.of(
                List.of("algo", "pages saved", "saved %", "to 90 % (virtual s)", "CPU %", "COW after merge",
                        "tracking MiB", "net profit MiB"),
                List.of("none", "0", "0.00", "0.00", "0.00", "0", "0.00", "0.00"),
                List.of("ksm", "3072", "75.0", "4.50", "10.0", "12", "0.250", "11.8"),
                List.of("sksm", "3072", "75.0", "0.00", "2.00", "40", "0.500", "11.5")),
                shown(table(out, "algorithms-vmfleet")));
        assertEquals(List.of(
                List.of("algo", "pages saved", "saved %", "to 90 % (virtual s)", "CPU %", "COW after merge",
                        "tracking MiB", "net profit MiB"),
                List.of("ksm", "2048", "50.0", "3.00", "8.00", "0", "0.125", "7.88"),
                List.of("sksm", "2048", "50.0", "1.00", "1.00", "0", "0.250", "7.75")),
                shown(table(out, "algorithms-codepatch")));
        Table vm = table(out, "algorithms-vmfleet");
        assertEquals(11.75, vm.doubleColumn("net profit MiB").get(1), 1e-12); // (3072·4096 − 262144) / 2^20
        assertPngCharts(out, List.of("algorithms-saving", "algorithms-cpu"));
    }

    @Test
    void algorithmHeadlineIsTheFirstMixSavingTimeAndCpu() {
        SectionOutput out = build(new AlgorithmComparisonSection());
        List<SectionOutput.ReportTable> headline = out.tables().stream().filter(SectionOutput.ReportTable::headline).toList();
        assertEquals(1, headline.size());
        assertEquals(List.of(
                List.of("algo", "pages saved", "saved %", "to 90 % (virtual s)", "CPU %"),
                List.of("none", "0", "0.00", "0.00", "0.00"),
                List.of("ksm", "3072", "75.0", "4.50", "10.0"),
                List.of("sksm", "3072", "75.0", "0.00", "2.00")), shown(headline.getFirst().data()));
    }

    @Test
    void scanRateGridPivotsPagesToScanBySleepMillisPerMix() {
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
        assertPngCharts(out, List.of("scan-rate-time90-1", "scan-rate-cpu-1", "scan-rate-time90-2", "scan-rate-cpu-2"));
    }

    @Test
    void scalingDividesTheSingleShotTimeByThePages() {
        SectionOutput out = build(new ScalingSection());
        assertEquals(List.of(
                List.of("mix", "algo", "pages", "wall ms/run", "wall ns/page", "saved %"),
                List.of("vmfleet", "none", "1024", "0.102", "100", "0.00"),
                List.of("vmfleet", "none", "4096", "0.410", "100", "0.00"),
                List.of("vmfleet", "ksm", "1024", "4.10", "4000", "75.0"),
                List.of("vmfleet", "ksm", "4096", "20.5", "5000", "75.0"),
                List.of("vmfleet", "sksm", "1024", "1.02", "1000", "75.0"),
                List.of("vmfleet", "sksm", "4096", "4.10", "1000", "75.0"),
                List.of("codepatch", "ksm", "4096", "8.19", "2000", "50.0"),
                List.of("codepatch", "sksm", "4096", "2.05", "500", "50.0")), shown(table(out, "scaling")));
        // codepatch has one page count: a table row, no chart
        assertPngCharts(out, List.of("scaling-vmfleet"));
        assertTrue(out.prose().get(1).startsWith("The benchmark reports no modelled CPU time (cpuNs)"));
    }

    @Test
    void scalingIsAbsentWithoutAPageSweep() throws Exception {
        assertTrue(new ScalingSection().build(micro).isEmpty());
    }

    @Test
    void savingOverTimeIsMeasuredAgainstTheNoneSeriesElseTheFirstSample() {
        SectionOutput out = build(new SavingOverTimeSection());
        assertEquals(List.of(
                List.of("mix", "algo", "samples", "end (virtual s)", "final pages saved", "to 90 % (virtual s)", "baseline"),
                // SKSM merged before its first sample: only the none baseline shows it
                List.of("vmfleet", "none", "3", "2.00", "0", "", "none series"),
                List.of("vmfleet", "ksm", "5", "2.00", "3072", "1.50", "none series"),
                List.of("vmfleet", "sksm", "3", "2.00", "3072", "0.00", "none series"),
                // codepatch: the patch phase's COW pages count against the first-sample baseline
                List.of("codepatch", "ksm", "4", "3.00", "-50", "", "first sample")),
                shown(table(out, "saving-over-time")));
        Table series = table(out, "saving-over-time-series");
        assertEquals(List.of(0.0, 1024.0, 2048.0, 3072.0, 3072.0), series.where(series.stringColumn("algo")
                .isEqualTo("ksm").and(series.stringColumn("mix").isEqualTo("vmfleet"))).doubleColumn("pages saved").asList());
        assertEquals(List.of(0.0, -1000.0, -50.0, -50.0), series.where(series.stringColumn("mix").isEqualTo("codepatch"))
                .doubleColumn("pages saved").asList());
        assertTrue(out.tables().stream().filter(t -> t.id().equals("saving-over-time-series")).findFirst().orElseThrow()
                .inReport() == false);
        assertPngCharts(out, List.of("saving-vmfleet", "saving-codepatch"));
    }

    @Test
    void sksmMergeThroughputIsPagesPerSecondAndARatioToTheHashAndCompareBaseline() {
        SectionOutput out = build(new SksmMergeSection());
        assertEquals(List.of(
                List.of("variant", "mix", "pages", "ns/page", "M pages/s", "GB/s", "× xxh64+compare"),
                List.of("static", "vmfleet", "1024", "500", "2.00", "8.19", "0.500"),
                List.of("resizable", "vmfleet", "1024", "1000", "1.00", "4.10", "0.250"),
                List.of("static", "vmfleet", "4096", "500", "2.00", "8.19", "0.500")), shown(table(out, "sksm-merge")));
        assertEquals(8.192, table(out, "sksm-merge").doubleColumn("GB/s").get(0), 1e-12);
        assertTrue(out.prose().get(1).startsWith("Baseline: xxh64AndCompare (one xxh64 of a page plus one page compare)"
                + " takes 250 ns, 4.00 M pages/s"));
        assertPngCharts(out, List.of("sksm-merge"));
    }

    @Test
    void fidelityComparesFinalCountersAndGivesAVerdictPerScenario() {
        SectionOutput out = build(new FidelitySection());
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
                        "converged ms model (virtual)", "ksmd CPU ns/page kernel", "ksmd CPU ns/page model",
                        "CPU model/kernel"),
                List.of("duplicates", "2", "2", "219", "195", "1280", "1050", "0.819"),
                List.of("several processes", "2", "", "312", "", "1050", "", ""),
                List.of("prctl merge-any", "10", "2", "2592", "195", "2390", "1050", "0.437")),
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
        assertPngCharts(out, List.of("fidelity-cpu"));
    }

    @Test
    void macroSectionsAreAbsentWithoutTheirInputs() {
        for (ReportSection s : List.of(new AlgorithmComparisonSection(), new ScanRateGridSection(), new ScalingSection(),
                new SavingOverTimeSection(), new SksmMergeSection(), new FidelitySection())) {
            assertTrue(s.build(micro).isEmpty(), s.id());
        }
    }
}
