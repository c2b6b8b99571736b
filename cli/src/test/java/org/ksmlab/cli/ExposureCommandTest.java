package org.ksmlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ksmlab.bench.Suites;
import org.ksmlab.engine.exposure.ExposureExperiment;

/** {@code exposure}: a suite's experiments into files, one experiment on stdout, and its bad inputs. */
class ExposureCommandTest {
    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Ksmlab.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void aMixShouldPrintOneExperimentWithEveryMergerAndDefence() throws Exception {
        Run r = run("exposure", "--mix", "vm-fleet", "--pages", "400", "--trials", "2");
        assertEquals(0, r.exit(), r.err());
        JsonNode root = new ObjectMapper().readTree(r.out());
        assertEquals(1, root.path("ksmlab-exposure").asInt());
        assertEquals("vm-fleet", root.path("mix").asText());
        assertEquals(400, root.path("pages").asLong());
        assertEquals(2, root.path("plan").path("trials").asInt());
        List<String> labels = new ArrayList<>();
        root.path("mergers").forEach(m -> labels.add(m.path("label").asText()));
        assertEquals(ExposureExperiment.defaultMergers().stream().map(ExposureExperiment.Merger::label).toList(), labels);
        assertTrue(labels.containsAll(List.of("ksm", "ksm-zero-only", "ksm-same-domain", "ksm-fake-merge", "sksm")), labels.toString());
    }

    @Test
    void aSuiteShouldWriteOneFilePerExperimentAndResumeWithoutRewriting(@TempDir Path dir) throws Exception {
        Run r = run("exposure", "--suite", "quick", "--out", dir.toString());
        assertEquals(0, r.exit(), r.err());
        List<String> expected = Suites.exposurePoints("quick").stream().map(p -> p.mix() + "__" + p.pages() + ".json").toList();
        try (var files = Files.list(dir)) {
            assertEquals(expected, files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        Path file = dir.resolve(expected.get(0));
        String before = Files.readString(file);
        assertEquals(20, new ObjectMapper().readTree(before).path("plan").path("trials").asInt());
        r = run("exposure", "--suite", "quick", "--out", dir.toString(), "--resume");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("already there (--resume)"), r.out());
        assertEquals(before, Files.readString(file));
    }

    @Test
    void aSuiteWithoutExperimentsShouldWriteNothing(@TempDir Path dir) throws Exception {
        Run r = run("exposure", "--suite", "smoke", "--out", dir.resolve("x").toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals("exposure: suite smoke has no exposure experiments; nothing written\n", r.out());
        assertTrue(!Files.exists(dir.resolve("x")));
    }

    @Test
    void badInputShouldBeOneLineAndExitTwo() {
        Run r = run("exposure", "--mix", "nope");
        assertEquals(Ksmlab.EXIT_USAGE, r.exit());
        assertTrue(r.err().startsWith("exposure: error: unknown workload mix 'nope'; available: vm-fleet"), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        r = run("exposure", "--mix", "vm-fleet", "--trials", "0");
        assertEquals(Ksmlab.EXIT_USAGE, r.exit());
        assertEquals("exposure: error: trials=0: expected >= 1\n", r.err());
        r = run("exposure", "--suite", "quick");
        assertEquals(Ksmlab.EXIT_USAGE, r.exit());
        assertEquals("exposure: error: --suite quick needs --out DIR (the folder for the experiment files)\n", r.err());
        r = run("exposure", "--suite", "nope", "--out", "/tmp/x");
        assertEquals(Ksmlab.EXIT_USAGE, r.exit());
        assertTrue(r.err().startsWith("exposure: error: unknown suite 'nope'"), r.err());
        assertEquals(Ksmlab.EXIT_USAGE, run("exposure").exit());
        assertEquals(Ksmlab.EXIT_USAGE, run("exposure", "--suite", "quick", "--mix", "vm-fleet").exit());
    }
}
