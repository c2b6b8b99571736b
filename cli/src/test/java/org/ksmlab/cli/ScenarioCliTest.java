package org.ksmlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** simulate --scenario as other tools see it: the JSON, the text, the errors. */
class ScenarioCliTest {
    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Ksmlab.execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @TempDir
    Path tmp;

    @Test
    void aShippedScenarioPrintsOneJsonObjectWithItsPhases() throws Exception {
        Run r = run("simulate", "--scenario", "selftests/ksm-tests-merge", "--algo", "ksm", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals("selftest-ksm-tests-merge", j.get("scenario").asText());
        assertEquals("merged", j.get("phases").get(0).get("name").asText());
        assertEquals(1, j.get("phases").get(0).get("counters").get("pages_shared").asLong());
        assertEquals(9, j.get("phases").get(0).get("counters").get("pages_sharing").asLong());
        assertEquals(0, j.get("failures").size());
        assertEquals(1, r.out().strip().lines().count(), "stdout is one JSON object");
    }

    @Test
    void aVariantChangesTheKnobsAndAnUnknownOneIsAnError() {
        Run r = run("simulate", "--scenario", "selftests/ksm-tests-zero-pages", "--variant", "use-zero-pages-1", "--algo", "ksm");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("variant use-zero-pages-1"), r.out());
        assertTrue(r.out().contains("ksm_zero_pages=10"), r.out());
        Run bad = run("simulate", "--scenario", "selftests/ksm-tests-zero-pages", "--variant", "nope", "--algo", "ksm");
        assertEquals(Ksmlab.EXIT_USAGE, bad.code());
        assertTrue(bad.err().contains("has no variant 'nope'; variants: use-zero-pages-0, use-zero-pages-1"), bad.err());
    }

    @Test
    void aBadFileIsOneLineWithFileAndLineAndNothingOnStdout() throws IOException {
        Path f = Files.writeString(tmp.resolve("bad.yaml"), "ksmlab-scenario: 1\nname: b\nsteps:\n  - mmap: {process: p, region: r, pages: zero}\n");
        Run r = run("simulate", "--scenario", f.toString(), "--json");
        assertEquals(Ksmlab.EXIT_USAGE, r.code());
        assertEquals("", r.out());
        assertEquals("simulate: error: " + f + ":4: pages 'zero': expected an integer", r.err().strip());
    }

    @Test
    void aStepTheKernelRefusesNamesItsLine() throws IOException {
        Path f = Files.writeString(tmp.resolve("refused.yaml"),
                "ksmlab-scenario: 1\nname: r\nprocesses: [p]\nsteps:\n  - mmap: {process: p, region: r, pages: 4}\n"
                        + "  - madvise: {process: p, region: r, pages: 2-9, advice: mergeable}\n");
        Run r = run("simulate", "--scenario", f.toString(), "--algo", "ksm");
        assertEquals(Ksmlab.EXIT_USAGE, r.code());
        assertTrue(r.err().startsWith("simulate: error: " + f + ":6: madvise: pages 2-9 reach past the end of region 'r'"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
    }

    @Test
    void workloadAndScenarioExcludeEachOtherAndStopOptionsDoNotApply() {
        assertEquals(Ksmlab.EXIT_USAGE, run("simulate", "--scenario", "fork-after-merge", "--workload", "dup").code());
        Run r = run("simulate", "--scenario", "fork-after-merge", "--for-ms", "5");
        assertEquals(Ksmlab.EXIT_USAGE, r.code());
        assertTrue(r.err().contains("do not apply to --scenario"), r.err());
        Run v = run("simulate", "--workload", "dup", "--variant", "x");
        assertEquals(Ksmlab.EXIT_USAGE, v.code());
    }

    @Test
    void aFailedExpectationExitsOneAndSaysWhich() throws IOException {
        Path f = Files.writeString(tmp.resolve("expect.yaml"),
                "ksmlab-scenario: 1\nname: e\nprocesses: [p]\nsteps:\n  - mmap: {process: p, region: r, pages: 10}\n"
                        + "  - write: {process: p, region: r, content: {distinct: 1}}\n  - madvise: {process: p, region: r, advice: mergeable}\n"
                        + "  - wait: {full_scans: 2}\n  - expect: {pages_sharing: 8}\n  - phase: end\n");
        Run r = run("simulate", "--scenario", f.toString(), "--algo", "ksm");
        assertEquals(1, r.code());
        assertTrue(r.out().contains(f + ":9: expected pages_sharing = 8, got 9"), r.out());
        assertTrue(r.err().contains("1 expectation(s) of the scenario failed"), r.err());
    }
}
