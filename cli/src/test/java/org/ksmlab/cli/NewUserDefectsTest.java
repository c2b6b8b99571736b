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
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The defects a new user hit (issue 9), each pinned: clean one-line errors for bad input and
 * unwritable folders, no doubled words, typed knob values in the JSON, mixes by name, a summary
 * line without --json, and nothing half-written.
 */
class NewUserDefectsTest {
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

    private static void assertNoStackTrace(Run r) {
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception in thread"), "stack trace printed:\n" + r.err());
    }

    @TempDir
    Path tmp;

    @Test
    void aWorkloadLargerThanTheMachineIsRefusedBeforeAllocatingWithWhatItNeeds() {
        Run r = run("simulate", "--workload", "dup:procs=4,pages=16777216", "--algo", "ksm");
        assertEquals(Ksmlab.EXIT_USAGE, r.code(), r.err());
        assertTrue(r.err().contains("needs about 264.0 GiB: 67,108,864 pages of 4 KiB (256.0 GiB, off the Java heap)"), r.err());
        assertNoStackTrace(r);
    }

    @Test
    void moreDistinctContentsThanPagesIsAnError() {
        Run r = run("simulate", "--workload", "dup:pages=10,distinct=100");
        assertEquals(Ksmlab.EXIT_USAGE, r.code());
        assertTrue(r.err().contains("distinct=100 exceeds pages=10"), r.err());
    }

    @Test
    void picocliMessagesHaveNoDoubledWordsOrSecondErrorPrefix() {
        Run set = run("kernel-check", "--set", "foo");
        assertEquals(Ksmlab.EXIT_USAGE, set.code());
        assertFalse(set.err().contains("option option"), set.err());
        assertTrue(set.err().contains("Value for option '--set' (KNOB=VALUE)"), set.err());
        Run both = run("simulate", "--workload", "dup", "--for-ms", "1", "--for-scans", "2");
        assertEquals(Ksmlab.EXIT_USAGE, both.code());
        assertFalse(both.err().contains("Error:"), both.err());
        assertTrue(both.err().startsWith("simulate: error: --for-ms=N, --for-scans=N are mutually exclusive"), both.err());
    }

    @Test
    void knobValuesAreNumbersInTheJsonLikeWorkloadParameters() throws Exception {
        Run r = run("simulate", "--workload", "dup:pages=10,distinct=1", "--algo", "ksm", "--set", "pages_to_scan=100",
                "--set", "advisor_mode=none", "--set", "cost.checksum_page_ns=700.5", "--for-scans", "2", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode params = new ObjectMapper().readTree(r.out()).get("params");
        assertTrue(params.get("pages").isIntegralNumber());
        assertTrue(params.get("pages_to_scan").isIntegralNumber(), params.toString());
        assertEquals(100, params.get("pages_to_scan").asLong());
        assertTrue(params.get("cost.checksum_page_ns").isFloatingPointNumber(), params.toString());
        assertEquals("none", params.get("advisor_mode").asText());
    }

    @Test
    void simulateAcceptsAMixByNameWithItsTotalPagesAndSeed() throws Exception {
        Run r = run("simulate", "--workload", "vm-fleet:pages=800,seed=7", "--algo", "ksm", "--for-scans", "3", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals("dup:procs=4,pages=200,distinct=100,zero=0.2,volatile=0.05,period_ms=1000,seed=7", j.get("workload").asText());
        assertEquals(7, j.get("seed").asLong());
        Run bad = run("simulate", "--workload", "vm-fleet:procs=2");
        assertEquals(Ksmlab.EXIT_USAGE, bad.code());
        assertTrue(bad.err().contains("unknown key 'procs' (a mix takes pages=N"), bad.err());
    }

    @Test
    void simulateWithoutJsonEndsWithASummaryLine() {
        Run r = run("simulate", "--workload", "dup:pages=10,distinct=1", "--algo", "ksm", "--set", "sleep_millisecs=0");
        assertEquals(0, r.code(), r.err());
        String last = r.out().strip().lines().reduce((a, b) -> b).orElse("");
        // 10 identical pages: one KSM page, nine mappings saved; merged in full scan 2.
        assertTrue(last.startsWith("summary (model, virtual time): saved 9 pages (90.0 % of 10 anonymous pages)"), last);
        assertTrue(last.contains("0 COW faults on merged pages"), last);
    }

    @Test
    void seriesIntoAnUnwritableFolderIsOneLineWithThePathAndNoStackTrace() throws IOException {
        Path file = Files.writeString(tmp.resolve("not-a-folder"), "x");
        Run r = run("series", "--suite", "smoke", "--out", file.resolve("sub").toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().startsWith("series: error: cannot write or read " + file), r.err());
        assertNoStackTrace(r);
    }

    @Test
    void benchIntoAnUnwritableFolderIsOneLineWithThePathAndNoStackTrace() throws IOException {
        Path file = Files.writeString(tmp.resolve("not-a-folder"), "x");
        Run r = run("bench", "--suite", "smoke", "--out", file.resolve("jmh").toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().startsWith("bench: error: cannot write or read " + file), r.err());
        assertNoStackTrace(r);
    }

    @Test
    void aFailedWriteLeavesNoTemporaryFileBehind() throws IOException {
        Path target = tmp.resolve("out.json");
        IOException thrown = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> AtomicFiles.write(target, o -> {
            o.write("{\"half\":".getBytes(StandardCharsets.UTF_8));
            throw new IOException("No space left on device");
        }));
        assertEquals(target + ": No space left on device", thrown.getMessage());
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(0, left.count(), "neither the target nor a temporary file may remain");
        }
        AtomicFiles.write(target, "{}\n");
        assertEquals("{}\n", Files.readString(target));
    }

    @Test
    void forkOutputDropsOnlyTheIncubatorWarning() throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (ForkOutput.LineFilter f = new ForkOutput.LineFilter(sink)) {
            f.write((ForkOutput.INCUBATOR_WARNING + "\n# Fork: 1 of 1\n" + ForkOutput.INCUBATOR_WARNING + "\nWARNING: something else\npartial")
                    .getBytes(StandardCharsets.UTF_8));
            f.flush();
        }
        assertEquals("# Fork: 1 of 1\nWARNING: something else\npartial", sink.toString(StandardCharsets.UTF_8));
    }
}
