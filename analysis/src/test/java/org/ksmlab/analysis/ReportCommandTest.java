package org.ksmlab.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ksmlab.analysis.input.BadInputException;
import picocli.CommandLine;

class ReportCommandTest {

    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    @TempDir Path tmp;

    /** What one command-line run printed and returned. */
    record Run(int exit, String out, String err) {}

    private static Run run(Object... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = AnalysisMain.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(Arrays.stream(args).map(String::valueOf).toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    private static Set<String> names(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    private static Path copyFolder(String fixture, Path to) throws IOException {
        Path from = Fixtures.path(fixture);
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target);
            }
        }
        return to;
    }

    @Test
    void reportWritesMarkdownHtmlCsvAndPngIntoTheOutputFolder() throws Exception {
        Path out = tmp.resolve("out");
        Run run = run("report", "--out", out, Fixtures.path("micro"));
        assertEquals(0, run.exit(), run.err());
        assertEquals(Set.of("report.md", "report.html", "tables", "charts"), names(out)); // no staging left
        assertEquals(Set.of("page-ops-headline.csv", "page-ops.csv", "provenance-jmh.csv", "provenance-env.csv",
                "all-results.csv"), names(out.resolve("tables")));
        assertEquals(Set.of("page-ops.png"), names(out.resolve("charts")));
        byte[] png = Files.readAllBytes(out.resolve("charts/page-ops.png"));
        assertArrayEquals(PNG_MAGIC, Arrays.copyOf(png, PNG_MAGIC.length));
    }

    @Test
    void htmlIsSelfContainedWithChartsAsDataUris() throws Exception {
        Path out = tmp.resolve("out");
        assertEquals(0, run("report", "--quiet", "--out", out, Fixtures.path("micro")).exit());
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("<img alt=\"Time per page (ns, median) of each page primitive, hot vs cold working set"
                + " (lower is faster)\" src=\"data:image/png;base64,iVBORw0KGgo"), "chart embedded as PNG data URI");
        assertFalse(html.contains("src=\"http"), "nothing loaded from the network");
        assertFalse(html.contains("href=\"http"), "no external stylesheet");
        assertFalse(html.contains("<script"), "no scripts");
        assertTrue(html.contains("<td class=\"num\">512 [512, 512]</td>"), "median [interval] cell");
        assertTrue(html.contains("<a href=\"tables/page-ops.csv\">tables/page-ops.csv</a>"), "each table links its CSV");
    }

    @Test
    void markdownHasEnvVerbatimAlignedTablesAndTheChart() throws Exception {
        Path out = tmp.resolve("out");
        assertEquals(0, run("report", "--quiet", "--out", out, Fixtures.path("micro")).exit());
        List<String> md = Files.readAllLines(out.resolve("report.md"));
        assertEquals("# ksmlab report", md.getFirst());
        assertTrue(md.contains("kernel: 6.8.0-49-generic"), "env.txt shown verbatim");
        assertTrue(md.contains("command: ./run.sh micro"));
        assertTrue(md.contains("## Part 2: The simulator itself"));
        assertTrue(md.contains("### 1. Page primitives: compare and checksum (micro)"));
        assertTrue(md.contains("| PageCompareBenchmark.scalar         | hot         | equal      |     512 [512, 512] |  10 |"
                + " 16.0 |              0.800 |"), "aligned row with median [interval], n, GB/s and bandwidth ratio");
        assertTrue(md.contains("![Time per page (ns, median) of each page primitive, hot vs cold working set (lower is"
                + " faster)](charts/page-ops.png)"));
        assertTrue(md.contains("### 3. All results"));
    }

    @Test
    void reportPrintsTheHeadlineTableToStdout() {
        Run run = run("report", "--out", tmp.resolve("out"), Fixtures.path("micro"));
        assertEquals(0, run.exit(), run.err());
        List<String> lines = run.out().lines().toList();
        assertEquals("Completeness not recorded for micro (env.txt has no status line: written before run.sh recorded"
                + " one), so whether that run finished is unknown.", lines.getFirst());
        assertTrue(lines.get(2).startsWith("- No merger comparison in these results. The simulator's page primitives"), lines.get(2));
        assertTrue(lines.contains("Headline: simulator page primitives, ns per page (median) and GB/s, hot and cold (Java,"
                + " wall time)"));
        assertTrue(lines.contains(
                "| operation                            | hot ns/page | cold ns/page | hot GB/s | cold GB/s |"));
        assertTrue(lines.contains(
                "| PageCompareBenchmark.scalar, equal   |         512 |         1020 |     16.0 |      8.00 |"));
        assertTrue(lines.contains(
                "| PageChecksumBenchmark.crc32c         |         205 |          880 |     20.0 |      4.65 |"));
        assertEquals("", run.err());
    }

    @Test
    void quietPrintsNothing() {
        Run run = run("report", "--quiet", "--out", tmp.resolve("out"), Fixtures.path("micro"));
        assertEquals(0, run.exit());
        assertEquals("", run.out());
    }

    @Test
    void csvKeepsNumbersUnroundedAndErrorsInTheirOwnColumn() throws Exception {
        Path out = tmp.resolve("out");
        assertEquals(0, run("report", "--quiet", "--out", out, Fixtures.path("micro")).exit());
        List<String> csv = Files.readAllLines(out.resolve("tables/page-ops.csv"));
        assertEquals("operation,working set,difference,ns/page,ns/page low,ns/page high,n,GB/s,× memory bandwidth", csv.get(0));
        assertEquals("PageCompareBenchmark.scalar,hot,equal,512.0,512.0,512.0,10,16.0,0.8", csv.get(1));
        List<String> headline = Files.readAllLines(out.resolve("tables/page-ops-headline.csv"));
        assertEquals("\"PageCompareBenchmark.scalar, equal\",512.0,1024.0,16.0,8.0", headline.get(1));
    }

    @Test
    void outputDefaultsToTheInputFolder() throws Exception {
        Path folder = copyFolder("micro", tmp.resolve("20261121-2342-f3e991c"));
        Run run = run("report", "--quiet", folder);
        assertEquals(0, run.exit(), run.err());
        assertTrue(Files.isRegularFile(folder.resolve("report.md")));
        assertTrue(Files.isRegularFile(folder.resolve("charts/page-ops.png")));
        assertTrue(Files.readString(folder.resolve("report.md")).contains("### 20261121-2342-f3e991c (completeness not recorded)"));
    }

    @Test
    void severalFoldersMergeIntoOneReport() throws Exception {
        Path out = tmp.resolve("out");
        Run run = run("report", "--quiet", "--out", out, Fixtures.path("micro"), Fixtures.path("other"));
        assertEquals(0, run.exit(), run.err());
        String md = Files.readString(out.resolve("report.md"));
        assertTrue(md.contains("### micro (completeness not recorded)\n") && md.contains("### other (completeness not recorded)\n"),
                "both folders in the inputs");
        List<String> all = Files.readAllLines(out.resolve("tables/all-results.csv"));
        assertEquals("benchmark,method,param_difference,param_sizeMiB,param_workingSet,metric,score,score ±,unit,n,source",
                all.getFirst());
        assertEquals(1 + 2 + 18 * 5 + 6 * 4 + 2, all.size(), "header, scan (2 metrics), compare (5), checksum (4), bandwidth (1)");
        assertTrue(all.contains("ScanBenchmark,fullScan,,,,primary,12.5,0.5,ms/op,10,other/jmh/scan.json"));
        List<String> jmh = Files.readAllLines(out.resolve("tables/provenance-jmh.csv"));
        assertEquals(List.of("micro/jmh/bandwidth.json", "micro/jmh/page-ops.json", "other/jmh/scan.json"),
                jmh.stream().skip(1).map(l -> l.substring(0, l.indexOf(','))).toList());
    }

    @Test
    void sectionWithoutItsBenchmarksIsLeftOutWithANote() throws Exception {
        Path out = tmp.resolve("out");
        Run run = run("report", "--out", out, Fixtures.path("other"));
        assertEquals(0, run.exit(), run.err());
        assertTrue(Files.readAllLines(out.resolve("report.md")).contains("_Page primitives: compare and checksum (micro):"
                + " left out, no PageCompareBenchmark or PageChecksumBenchmark results in these runs._"));
        assertTrue(run.out().contains("\n(no headline: no merger comparison or page-primitive benchmarks"), run.out());
        assertFalse(Files.exists(out.resolve("charts")));
    }

    // --- bad input: exit 2, a message naming the file and what was expected, no report files ---

    /** Runs report into a fresh output folder, expects rejection with this message, and no output. */
    private void assertRejected(String expectedMessage, Object... inputs) throws IOException {
        Path out = Files.createDirectories(tmp.resolve("out"));
        Object[] args = Stream.concat(Stream.of("report", "--out", out), Arrays.stream(inputs)).toArray();
        Run run = run(args);
        assertEquals(BadInputException.EXIT_CODE, run.exit());
        assertEquals("", run.out());
        assertTrue(run.err().startsWith("analysis report: " + expectedMessage), run.err());
        assertEquals(Set.of(), names(out), "output folder left without report files");
    }

    @Test
    void truncatedJsonIsRejected() throws IOException {
        assertRejected(Fixtures.path("bad/truncated/jmh/cut.json") + ": not valid JSON (truncated or corrupt?) at line ",
                Fixtures.path("bad/truncated"));
    }

    @Test
    void jsonThatIsNotAJmhResultArrayIsRejected() throws IOException {
        assertRejected(Fixtures.path("bad/not-jmh/jmh/other.json")
                + ": expected a JSON array of JMH benchmark entries (-rf json), found a JSON object\n",
                Fixtures.path("bad/not-jmh"));
    }

    @Test
    void folderWhoseJmhFilesHoldNoEntriesIsRejected() throws IOException {
        assertRejected(Fixtures.path("bad/no-runs") + ": contains no runs (its jmh/*.json files [empty.json] hold no"
                + " benchmark entries; expected at least one JMH result file jmh/*.json, model points model/*.json, simulated series series/*.json,"
                + " scenario run scenarios/*.json, exposure experiment exposure/*.json, kernel-check.json or memory dataset"
                + " summary real-memory/*.json)\n",
                Fixtures.path("bad/no-runs"));
    }

    @Test
    void truncatedExposureFileIsRejected() throws IOException {
        assertRejected(Fixtures.path("bad/exposure-truncated/exposure/vm-fleet__400.json")
                + ": not valid JSON (truncated or corrupt?) at line 1, column ", Fixtures.path("bad/exposure-truncated"));
    }

    @Test
    void exposureFileWithANegativeCountIsRejected() throws IOException {
        assertRejected(Fixtures.path("bad/exposure-negative/exposure/vm-fleet__400.json")
                + ": merger 0: decision count \"fp\" missing or negative; expected the object 'exposure --suite' writes",
                Fixtures.path("bad/exposure-negative"));
    }

    @Test
    void folderWithoutJmhFilesIsRejected() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty-run"));
        assertRejected(empty + ": contains no runs (expected at least one JMH result file jmh/*.json, model points model/*.json, simulated series"
                + " series/*.json, scenario run scenarios/*.json, exposure experiment exposure/*.json, kernel-check.json or memory dataset"
                + " summary real-memory/*.json)\n", empty);
    }

    @Test
    void missingFolderIsRejected() throws IOException {
        Path missing = tmp.resolve("no-such-run");
        assertRejected(missing + ": results folder does not exist (expected results/<timestamp>-<gitsha>/ with"
                + " jmh/*.json)\n", missing);
    }

    @Test
    void mixedJmhVersionsAreRejected() throws IOException {
        assertRejected("mixed JMH versions: JMH 1.36 in mixed-versions/jmh/b.json; JMH 1.37 in mixed-versions/jmh/a.json;"
                + " expected one JMH version across all inputs (rerun with the same benchmarks.jar)\n",
                Fixtures.path("bad/mixed-versions"));
    }

    @Test
    void mixedJmhVersionsAcrossFoldersAreRejected() throws IOException {
        Path old = tmp.resolve("old-run");
        Files.createDirectories(old.resolve("jmh"));
        Files.writeString(old.resolve("jmh/old.json"), Files.readString(Fixtures.path("bad/mixed-versions/jmh/b.json")));
        assertRejected("mixed JMH versions: JMH 1.36 in old-run/jmh/old.json; JMH 1.37 in ", Fixtures.path("small"), old);
    }

    @Test
    void severalInputsWithoutOutAreRejected() throws IOException {
        Path a = copyFolder("micro", tmp.resolve("a"));
        Path b = copyFolder("other", tmp.resolve("b"));
        Run run = run("report", a, b);
        assertEquals(2, run.exit());
        assertEquals("analysis report: --out DIR is required with several input folders (got 2: [" + a + ", " + b
                + "])\n", run.err());
        assertFalse(Files.exists(a.resolve("report.md")));
        assertFalse(Files.exists(b.resolve("report.md")));
    }

    @Test
    void aUsageErrorIsOneLineAndAPointerToHelp() {
        Run run = run("report", "--bogus", "x");
        assertEquals(2, run.exit());
        assertEquals("analysis report: Unknown option: '--bogus'\nTry 'analysis report --help' for the options.\n", run.err());
        run = run("report");
        assertEquals(2, run.exit());
        assertEquals("analysis report: Missing required parameter: 'DIR'\nTry 'analysis report --help' for the options.\n",
                run.err());
        assertEquals("", run.out());
    }

    @Test
    void failedRunLeavesThePreviousReportUntouched() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("out"));
        Files.writeString(out.resolve("report.md"), "previous report\n");
        Run run = run("report", "--out", out, Fixtures.path("bad/truncated"));
        assertEquals(2, run.exit());
        assertEquals(Set.of("report.md"), names(out));
        assertEquals("previous report\n", Files.readString(out.resolve("report.md"), StandardCharsets.UTF_8));
    }

    // --- macro results: series, kernel-check, the algorithm headline ---

    @Test
    void headlineIsTheMergerComparisonOfEveryMixAndOpensTheReport() throws Exception {
        Path out = tmp.resolve("out");
        Run run = run("report", "--out", out, Fixtures.path("macro"), Fixtures.path("micro"));
        assertEquals(0, run.exit(), run.err());
        List<String> lines = run.out().lines().toList();
        assertEquals("Completeness not recorded for micro (env.txt has no status line: written before run.sh recorded one),"
                + " so whether that run finished is unknown.", lines.getFirst());
        assertTrue(lines.get(2).startsWith("- On vmfleet (4,096 pages, an equal 10.0 s horizon"), lines.get(2));
        assertTrue(lines.get(3).startsWith("- On codepatch (4,096 pages, an equal 9.00 s horizon"), lines.get(3));
        assertEquals("Headline: mergers per workload mix, on an equal virtual horizon (model, virtual time)", lines.get(5));
        assertEquals(List.of(
                "| mix       | algo | horizon (s) | saved at horizon | saved % | avg saved (time-weighted) |"
                        + " to 90 % (s from opt-in) | CPU ms | CPU µs per page saved | COW after merge |",
                "| --------- | ---- | ----------: | ---------------: | ------: | ------------------------: |"
                        + " ----------------------: | -----: | --------------------: | --------------: |",
                "| vmfleet   | none |        10.0 |                0 |    0.00 |                         0 |"
                        + "                    0.00 |   0.00 |                       |               0 |",
                "| vmfleet   | ksm  |        10.0 |             3072 |    75.0 |                      2500 |"
                        + "                    4.50 |   50.0 |                  16.3 |              12 |"),
                lines.subList(7, 11));
        List<String> md = Files.readAllLines(out.resolve("report.md"));
        assertEquals("## Headline", md.get(4), "the headline right under the title and the completeness line");
        assertEquals(List.of("### 1. Mergers compared per workload mix", "### 2. Saving over virtual time per merger",
                "### 3. KSM scan-rate grid", "### 4. Fidelity: model vs live kernel",
                "### 5. Cost of a model run by page count", "### 6. SKSM MADV_MERGE in the model: simulator throughput",
                "### 7. Page primitives: compare and checksum (micro)", "### 8. Provenance", "### 9. All results"),
                md.stream().filter(l -> l.matches("### \\d+\\. .*")).toList());
        assertEquals(List.of("## Part 1: The modelled kernel", "## Part 2: The simulator itself", "## Part 3: Appendix"),
                md.stream().filter(l -> l.startsWith("## Part ")).toList());
    }

    /** Issue 10: the headline table is shown once, at the top, not again in its section. */
    @Test
    void theHeadlineTableAppearsOnceInMarkdownAndHtml() throws Exception {
        Path out = tmp.resolve("out");
        assertEquals(0, run("report", "--quiet", "--out", out, Fixtures.path("macro")).exit());
        String caption = "Headline: mergers per workload mix, on an equal virtual horizon (model, virtual time)";
        assertEquals(1, Files.readString(out.resolve("report.md")).split(java.util.regex.Pattern.quote(caption), -1).length - 1);
        assertEquals(1, Files.readString(out.resolve("report.html")).split(java.util.regex.Pattern.quote(caption), -1).length - 1);
        assertTrue(Files.exists(out.resolve("tables/headline.csv")));
    }

    @Test
    void macroReportWritesEveryTableAndChart() throws Exception {
        Path out = tmp.resolve("out");
        assertEquals(0, run("report", "--quiet", "--out", out, Fixtures.path("macro")).exit());
        assertEquals(Set.of("headline.csv", "algorithms-vmfleet.csv", "algorithms-codepatch.csv",
                "saving-over-time.csv", "saving-over-time-series.csv", "scan-rate-time90.csv", "scan-rate-cpu.csv",
                "scaling.csv", "sksm-merge.csv", "fidelity.csv", "fidelity-convergence.csv", "fidelity-counters.csv",
                "provenance-jmh.csv", "provenance-env.csv", "all-results.csv"), names(out.resolve("tables")));
        Set<String> charts = names(out.resolve("charts"));
        // no chart of a single point: the codepatch block of the scan-rate grid has one pages_to_scan (issue 10)
        assertEquals(Set.of("algorithms-saving.png", "algorithms-cpu.png", "saving-vmfleet.png", "saving-codepatch.png",
                "scan-rate-time90-1.png", "scan-rate-cpu-1.png", "scaling-vmfleet.png", "sksm-merge.png",
                "fidelity-cpu.png"), charts);
        for (String chart : charts) {
            byte[] png = Files.readAllBytes(out.resolve("charts").resolve(chart));
            assertArrayEquals(PNG_MAGIC, Arrays.copyOf(png, PNG_MAGIC.length), chart);
        }
        String md = Files.readString(out.resolve("report.md"));
        assertTrue(md.contains("_Page primitives: compare and checksum (micro): left out, no PageCompareBenchmark or"
                + " PageChecksumBenchmark results in these runs._"));
        assertFalse(md.contains("Pages saved at every sample"), "the per-sample table is CSV only");
        assertTrue(md.startsWith("# ksmlab report\n\n**Results complete: the input folder's env.txt says status: complete.**"));
        assertEquals(1 + 3 + 5 + 3 + 4, Files.readAllLines(out.resolve("tables/saving-over-time-series.csv")).size());
        String html = Files.readString(out.resolve("report.html"));
        assertFalse(html.contains("src=\"http") || html.contains("<script"), "self-contained");
        assertEquals(9, html.split("src=\"data:image/png;base64,", -1).length - 1, "every chart embedded");
    }

    @Test
    void folderWithOnlyAKernelCheckGivesTheFidelitySectionAndNotesTheRest() throws Exception {
        Path out = tmp.resolve("out");
        Run run = run("report", "--out", out, Fixtures.path("kc-only"));
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains("\n(no headline"), run.out());
        List<String> md = Files.readAllLines(out.resolve("report.md"));
        assertTrue(md.contains("### 1. Fidelity: model vs live kernel"));
        assertTrue(md.contains("_Mergers compared per workload mix: left out, no MergerComparisonBenchmark.converge"
                + " results in these runs._"));
        assertTrue(md.contains("_Saving over virtual time per merger: left out, no simulated time series"
                + " (series/<mix>__<algo>.json) in these results folders._"));
        assertTrue(md.contains("_KSM scan-rate grid: left out, no KsmConvergenceBenchmark.converge results in these runs._"));
        assertTrue(md.contains("_Cost of a model run by page count: left out, no MergerComparisonBenchmark.converge or"
                + " KsmConvergenceBenchmark.converge results with two or more page counts for one setting._"));
        assertTrue(md.contains("_SKSM MADV_MERGE in the model: simulator throughput: left out, no SksmMergeBenchmark.madvMerge"
                + " results in these runs._"));
        assertEquals(Set.of("fidelity-cpu.png"), names(out.resolve("charts")));
    }

    @Test
    void macroWithoutKernelCheckNotesTheFidelitySection() throws Exception {
        Path folder = copyFolder("macro", tmp.resolve("run"));
        Files.delete(folder.resolve("kernel-check.json"));
        assertEquals(0, run("report", "--quiet", folder).exit());
        assertTrue(Files.readAllLines(folder.resolve("report.md")).contains("_Fidelity: model vs live kernel: left out,"
                + " no kernel-check.json in these results folders (./run.sh kernel-check --out DIR writes one)._"));
    }

    @Test
    void truncatedSeriesFileIsRejected() throws IOException {
        assertRejected(Fixtures.path("bad/series-truncated/series/vmfleet__ksm.json")
                + ": not valid JSON (truncated or corrupt?) at line 1, column ", Fixtures.path("bad/series-truncated"));
    }

    @Test
    void seriesWithoutSamplesIsRejected() throws IOException {
        assertRejected(Fixtures.path("bad/series-no-samples/series/vmfleet__ksm.json")
                + ": \"series\" holds no samples; expected at least one\n", Fixtures.path("bad/series-no-samples"));
    }

    @Test
    void seriesSampleWithoutAnonPagesIsRejected() throws IOException {
        assertRejected(Fixtures.path("bad/series-no-anon/series/vmfleet__ksm.json")
                + ": sample 1 of \"series\" has no number 'nr_anon_pages'; expected one 'simulate --json' object",
                Fixtures.path("bad/series-no-anon"));
    }

    @Test
    void truncatedKernelCheckIsRejected() throws IOException {
        assertRejected(Fixtures.path("bad/kernel-check-truncated/kernel-check.json")
                + ": not valid JSON (truncated or corrupt?) at line ", Fixtures.path("bad/kernel-check-truncated"));
    }

    @Test
    void kernelCheckThatIsNotTheScenariosObjectIsRejected() throws IOException {
        assertRejected(Fixtures.path("bad/kernel-check-array/kernel-check.json")
                + ": expected the object of 'kernel-check --json': {\"scenarios\": [", Fixtures.path("bad/kernel-check-array"));
        assertTrue(run("report", "--out", tmp.resolve("out2"), Fixtures.path("bad/kernel-check-array")).err()
                .endsWith(", found a JSON array\n"));
    }

    @Test
    void kernelCheckSideWithoutFinalCountersIsRejected() throws IOException {
        assertRejected(Fixtures.path("bad/kernel-check-no-final/kernel-check.json")
                + ": scenario 0 \"kernel\" has no \"final\" object (nor \"unavailable\")",
                Fixtures.path("bad/kernel-check-no-final"));
    }

    @Test
    void badSeriesFileLeavesThePreviousReportUntouched() throws IOException {
        Path folder = copyFolder("macro", tmp.resolve("run"));
        Files.writeString(folder.resolve("report.md"), "previous report\n");
        Files.writeString(folder.resolve("series/vmfleet__sksm.json"), "{\"algo\": \"sksm\", \"series\": [");
        Run run = run("report", folder);
        assertEquals(2, run.exit());
        assertTrue(run.err().contains("vmfleet__sksm.json: not valid JSON"), run.err());
        assertEquals("previous report\n", Files.readString(folder.resolve("report.md")));
        assertFalse(Files.exists(folder.resolve("tables")));
    }

    /**
     * ksm swept over page counts at fixed scan settings (KsmConvergenceBenchmark) gets its own
     * scaling table: wall ms per run and wall ns per page (the SingleShotTime score / pages).
     */
    @Test
    void ksmConvergenceSweptOverPagesGetsAScalingTable(@TempDir Path dir) throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        var entries = json.readTree(Fixtures.path("macro").resolve("jmh/convergence.json").toFile());
        var first = (com.fasterxml.jackson.databind.node.ObjectNode) entries.get(0);
        var out = json.createArrayNode();
        for (int pages : new int[] {2048, 8192}) {
            var e = first.deepCopy();
            ((com.fasterxml.jackson.databind.node.ObjectNode) e.get("params")).put("pages", Integer.toString(pages));
            var primary = (com.fasterxml.jackson.databind.node.ObjectNode) e.get("primaryMetric");
            primary.put("score", pages / 1024.0); // ms/op: 2 ms and 8 ms -> 976.5625 ns/page both
            primary.put("scoreUnit", "ms/op");
            primary.set("rawData", json.readTree("[[" + pages / 1024.0 + "]]"));
            out.add(e);
        }
        Path in = dir.resolve("in");
        Files.createDirectories(in.resolve("jmh"));
        Files.writeString(in.resolve("jmh/conv.json"), json.writeValueAsString(out));
        Path report = dir.resolve("out");
        assertEquals(0, run("report", "--quiet", "--out", report, in).exit());
        List<String> csv = Files.readAllLines(report.resolve("tables/scaling-ksm.csv"));
        assertEquals(List.of("algo,pages,wall ms per run,wall ms per run low,wall ms per run high,wall ns per page,"
                        + "wall ns per page low,wall ns per page high,n",
                "ksm,2048,2.0,2.0,2.0,976.5625,976.5625,976.5625,1",
                "ksm,8192,8.0,8.0,8.0,976.5625,976.5625,976.5625,1"), csv);
    }

    /** With the cpuNs counter, the comparison shows the total modelled CPU in ms (comparable across mergers). */
    @Test
    void comparisonShowsTotalModelledCpuWhenTheCountersCarryIt(@TempDir Path dir) throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        var entries = (com.fasterxml.jackson.databind.node.ArrayNode) json.readTree(
                Fixtures.path("macro").resolve("jmh/comparison.json").toFile());
        double ns = 1_500_000;
        for (var e : entries) {
            var sm = (com.fasterxml.jackson.databind.node.ObjectNode) e.get("secondaryMetrics");
            var cpu = ((com.fasterxml.jackson.databind.node.ObjectNode) sm.get("pagesSaved")).deepCopy();
            // two iterations of 1.5 ms: JMH reports the sum, 3 ms; the report must show 1.5
            cpu.put("score", 2 * ns);
            cpu.set("rawData", json.readTree("[[" + ns + ", " + ns + "]]"));
            sm.set("cpuNs", cpu);
        }
        Path in = dir.resolve("in");
        Files.createDirectories(in.resolve("jmh"));
        Files.writeString(in.resolve("jmh/cmp.json"), json.writeValueAsString(entries));
        Path report = dir.resolve("out");
        assertEquals(0, run("report", "--quiet", "--out", report, in).exit());
        List<String> csv = Files.readAllLines(report.resolve("tables/headline.csv"));
        List<String> header = Arrays.asList(csv.get(0).split(","));
        int col = header.indexOf("CPU ms");
        assertTrue(col >= 0, csv.get(0));
        for (String row : csv.subList(1, csv.size())) {
            assertEquals("1.5", row.split(",")[col], row);
        }
    }

    /** PageTreeBenchmark results get the tree-operations table: ns per walk by operation and working set. */
    @Test
    void treeWalksGetTheirOwnTable(@TempDir Path dir) throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        var template = json.readTree(Fixtures.path("macro").resolve("jmh/comparison.json").toFile()).get(0);
        var out = json.createArrayNode();
        double[][] scores = {{40.5, 900.0}, {60.25, 1400.0}}; // search hot/cold, insert hot/cold
        String[] methods = {"search", "insert"};
        String[] sets = {"hot", "cold"};
        for (int m = 0; m < 2; m++) {
            for (int w = 0; w < 2; w++) {
                var e = (com.fasterxml.jackson.databind.node.ObjectNode) template.deepCopy();
                e.put("benchmark", "org.ksmlab.bench.micro.PageTreeBenchmark." + methods[m]);
                e.put("mode", "avgt");
                e.set("params", json.readTree("{\"workingSet\": \"" + sets[w] + "\", \"coldMiB\": \"256\", \"seed\": \"42\"}"));
                var primary = (com.fasterxml.jackson.databind.node.ObjectNode) e.get("primaryMetric");
                primary.put("score", scores[m][w]);
                primary.put("scoreUnit", "ns/op");
                primary.set("rawData", json.readTree("[[" + scores[m][w] + "]]"));
                e.set("secondaryMetrics", json.createObjectNode());
                out.add(e);
            }
        }
        Path in = dir.resolve("in");
        Files.createDirectories(in.resolve("jmh"));
        Files.writeString(in.resolve("jmh/tree.json"), json.writeValueAsString(out));
        Path report = dir.resolve("out");
        assertEquals(0, run("report", "--quiet", "--out", report, in).exit());
        assertEquals(List.of("operation,working set,tree size,ns per walk,ns per walk low,ns per walk high,n,× hot",
                "search,hot,64 pages,40.5,40.5,40.5,1,1.0", "search,cold,256 MiB,900.0,900.0,900.0,1,22.22222222222222",
                "insert,hot,64 pages,60.25,60.25,60.25,1,1.0", "insert,cold,256 MiB,1400.0,1400.0,1400.0,1,23.236514522821576"),
                Files.readAllLines(report.resolve("tables/tree-ops.csv")));
    }
}
