package org.ksmlab.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * What a report leaves in its folder across runs (issues 9 and 10): a rebuilt report removes the
 * tables and charts it no longer writes and nothing else; a report killed with -9 leaves a
 * hidden staging folder that the next run removes; two inputs that both have series merge.
 */
class ReportFolderLifecycleTest {
    @TempDir Path tmp;

    private static int run(Object... args) {
        CommandLine cl = AnalysisMain.commandLine();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(new StringWriter(), true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(java.util.Arrays.stream(args).map(String::valueOf).toArray(String[]::new));
        assertEquals("", err.toString());
        return exit;
    }

    private static Set<String> files(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).collect(Collectors.toSet());
        }
    }

    private static Path copy(String fixture, Path to) throws IOException {
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

    /** Issue 10: a report rebuilt into an existing folder removes what it no longer writes. */
    @Test
    void aRebuiltReportRemovesTheTablesAndChartsItNoLongerWrites() throws Exception {
        Path out = tmp.resolve("out");
        assertEquals(0, run("report", "--quiet", "--out", out, Fixtures.path("macro")));
        assertTrue(Files.exists(out.resolve("charts/algorithms-saving.png")));
        Files.writeString(out.resolve("notes.txt"), "mine\n");
        Files.writeString(out.resolve("tables/README"), "mine too\n");
        assertEquals(0, run("report", "--quiet", "--out", out, Fixtures.path("micro")));
        assertEquals(Set.of("report.md", "report.html", "notes.txt", "tables/README", "tables/page-ops-headline.csv",
                "tables/page-ops.csv", "tables/provenance-jmh.csv", "tables/provenance-env.csv", "tables/all-results.csv",
                "charts/page-ops.png"), files(out), "the macro report's tables and charts are gone, other files stay");
    }

    /** Rebuilding a report inside a results folder never touches the results. */
    @Test
    void aRebuildInsideAResultsFolderKeepsItsResults() throws Exception {
        Path folder = copy("macro", tmp.resolve("run"));
        Set<String> results = files(folder);
        assertEquals(0, run("report", "--quiet", folder));
        assertEquals(0, run("report", "--quiet", folder));
        assertTrue(files(folder).containsAll(results));
    }

    /**
     * Issue 9: kill -9 of report left hidden .report-staging-* folders. The next run removes a
     * staging folder whose writer is gone, and leaves one whose writer still runs.
     */
    @Test
    void theNextRunRemovesTheStagingFolderOfAKilledReport() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("out"));
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path stale = Files.createDirectories(out.resolve(".report-staging-" + gone.pid() + "-123/tables"));
        Files.writeString(stale.resolve("half.csv"), "a,b\n1,");
        Path live = Files.createDirectories(out.resolve(".report-staging-" + ProcessHandle.current().pid() + "-456"));
        assertEquals(0, run("report", "--quiet", "--out", out, Fixtures.path("micro")));
        assertFalse(Files.exists(out.resolve(".report-staging-" + gone.pid() + "-123")), "stale staging removed");
        assertTrue(Files.exists(live), "a running writer's staging folder is left alone");
        try (Stream<Path> list = Files.list(out)) {
            assertEquals(List.of(live.getFileName().toString()), list.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith(".")).toList(), "no other hidden folder");
        }
    }

    /**
     * Issue 9: report --out M R1 R2 failed with XChart's "Series name >none< has already been
     * used" when both inputs had series/. One point measured twice is one line per merger, its
     * saving averaged.
     */
    @Test
    void twoInputsWithSeriesMergeIntoOneLinePerMerger() throws Exception {
        Path a = copy("macro", tmp.resolve("a"));
        Path b = copy("macro", tmp.resolve("b"));
        // b's ksm run saved 1024 pages more at its last sample
        Path ksm = b.resolve("series/vmfleet__ksm.json");
        Files.writeString(ksm, Files.readString(ksm).replace("\"virtual_ms\":2000,\"nr_anon_pages\":1024",
                "\"virtual_ms\":2000,\"nr_anon_pages\":0"));
        Path out = tmp.resolve("merged");
        assertEquals(0, run("report", "--quiet", "--out", out, a, b));
        List<String> summary = Files.readAllLines(out.resolve("tables/saving-over-time.csv"));
        assertTrue(summary.contains("vmfleet,\"dup:pages=4096,distinct=1024\",ksm,2,5,2.0,3584,none series"),
                String.join("\n", summary)); // (3072 + 4096) / 2 at the end, from 2 runs
        assertTrue(summary.contains("vmfleet,\"dup:pages=4096,distinct=1024\",sksm,2,3,2.0,3072,none series"));
        assertTrue(Files.exists(out.resolve("charts/saving-vmfleet.png")));
    }
}
