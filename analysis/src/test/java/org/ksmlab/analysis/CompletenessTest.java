package org.ksmlab.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ksmlab.analysis.input.ResultsFolder;
import org.ksmlab.analysis.input.ResultsFolder.Completeness;
import picocli.CommandLine;

/**
 * Issue 9: a results folder says whether its run finished (env.txt {@code status: complete} or
 * {@code status: partial (<reason>)}, written by run.sh); the report says so first, prominently
 * when any input is partial, and "completeness not recorded" for folders from before the line.
 */
class CompletenessTest {
    @TempDir Path tmp;

    private static String stdout(Object... args) {
        CommandLine cl = AnalysisMain.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(java.util.Arrays.stream(args).map(String::valueOf).toArray(String[]::new));
        assertEquals(0, exit, err.toString());
        return out.toString();
    }

    private Completeness of(String envText) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("f" + System.nanoTime()).resolve("jmh"));
        Files.copy(Fixtures.path("small/jmh/compare.json"), dir.resolve("c.json"));
        Files.writeString(dir.getParent().resolve("env.txt"), envText);
        return ResultsFolder.open(dir.getParent()).completeness();
    }

    @Test
    void theStatusLineIsRead() throws Exception {
        assertEquals(new Completeness(Completeness.State.COMPLETE, ""), of("git_sha: x\nstatus: complete\n"));
        assertEquals(new Completeness(Completeness.State.PARTIAL, "interrupted (SIGINT)"),
                of("status: partial (interrupted (SIGINT))\n"));
        assertEquals(new Completeness(Completeness.State.PARTIAL, ""), of("status: partial\n"));
        assertEquals(new Completeness(Completeness.State.NOT_RECORDED, ""), of("git_sha: x\n"));
        assertEquals(new Completeness(Completeness.State.COMPLETE, ""), of("status: partial (running)\nstatus: complete\n"),
                "the last status line counts");
        Completeness odd = of("status: done\n");
        assertEquals(Completeness.State.PARTIAL, odd.state(), "anything else is no promise of completeness");
        assertEquals("status 'done' is neither 'complete' nor 'partial (...)'", odd.reason());
    }

    @Test
    void aPartialInputIsTheFirstThingTheReportSays() throws Exception {
        Path out = tmp.resolve("out");
        String printed = stdout("report", "--out", out, Fixtures.path("macro"), Fixtures.path("partial"));
        String expected = "⚠ PARTIAL RESULTS: partial: partial (interrupted by SIGINT after 12 of 70 sweep points). The run"
                + " stopped before it measured everything it meant to: sections may lack points, and a comparison may"
                + " lack mergers.";
        assertEquals(expected, printed.lines().findFirst().orElseThrow());
        List<String> md = Files.readAllLines(out.resolve("report.md"));
        assertEquals("**" + expected + "**", md.get(2), "right under the title, before the headline");
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("<p class=\"status warn\" id=\"completeness\">⚠ PARTIAL RESULTS: partial: partial"), html);
        assertTrue(md.contains("### partial (partial (interrupted by SIGINT after 12 of 70 sweep points))"));
        assertTrue(md.contains("### macro (complete)"));
    }

    @Test
    void aCompleteInputSaysSo() {
        assertEquals("Results complete: the input folder's env.txt says status: complete.",
                stdout("report", "--out", tmp.resolve("out"), Fixtures.path("macro")).lines().findFirst().orElseThrow());
    }

    @Test
    void anInputWithoutAStatusLineSaysCompletenessIsNotRecorded() {
        assertEquals("Completeness not recorded for micro, other (env.txt has no status line: written before run.sh"
                + " recorded one), so whether those runs finished is unknown.",
                stdout("report", "--out", tmp.resolve("out"), Fixtures.path("micro"), Fixtures.path("other"))
                        .lines().findFirst().orElseThrow());
    }
}
