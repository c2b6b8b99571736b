package org.ksmlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ksmlab.bench.macro.ConvergenceCounters;

/** {@code sweep}: a suite's model points once each, in one JVM, over threads. */
class SweepCommandTest {
    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void theSmokeSuitesComparisonPointIsWrittenWithTheBenchmarksCounterNames(@TempDir Path dir) throws Exception {
        CliRun r = run("sweep", "--suite", "smoke", "--out", dir.toString());
        assertEquals(0, r.exit(), r.err());
        try (var files = Files.list(dir)) {
            assertEquals(List.of("smoke-02.json"), files.map(p -> p.getFileName().toString()).toList(), "entry 2 is the comparison");
        }
        JsonNode root = new ObjectMapper().readTree(Files.readString(dir.resolve("smoke-02.json")));
        assertEquals(SweepCommand.FORMAT, root.path("format").asText());
        assertEquals("org.ksmlab.bench.macro.MergerComparisonBenchmark.converge", root.path("benchmark").asText());
        assertEquals(1, root.path("points").size());
        JsonNode p = root.path("points").get(0);
        assertEquals("{\"algo\":\"ksm\",\"mix\":\"vm-fleet\",\"pageMode\":\"byte\",\"pages\":\"400\",\"seed\":\"42\"}", p.path("params").toString());
        List<String> names = new ArrayList<>();
        p.path("counters").fieldNames().forEachRemaining(names::add);
        List<String> fields = new ArrayList<>();
        for (var f : ConvergenceCounters.class.getDeclaredFields()) {
            if (java.lang.reflect.Modifier.isPublic(f.getModifiers())) fields.add(f.getName());
        }
        assertEquals(fields, names, "the JMH secondary metric names");
        assertTrue(p.path("counters").path("pagesSaved").asLong() > 0, p.toString());
    }

    @Test
    void theThreadAPointRanOnChangesNothing(@TempDir Path one, @TempDir Path two) throws Exception {
        assertEquals(0, run("sweep", "--suite", "quick", "--out", one.toString(), "--threads", "1").exit());
        assertEquals(0, run("sweep", "--suite", "quick", "--out", two.toString(), "--threads", "2").exit());
        List<String> names;
        try (var files = Files.list(one)) {
            names = files.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertEquals(List.of("quick-07.json", "quick-08.json", "quick-09.json"), names);
        for (String n : names) {
            assertEquals(Files.readString(one.resolve(n)), Files.readString(two.resolve(n)), n);
        }
    }

    @Test
    void resumeKeepsAnEntryThatIsThereAndASuiteWithoutModelPointsWritesNothing(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("smoke-02.json"), "kept");
        CliRun r = run("sweep", "--suite", "smoke", "--out", dir.toString(), "--resume");
        assertEquals(0, r.exit(), r.err());
        assertEquals("kept", Files.readString(dir.resolve("smoke-02.json")));
        Path empty = dir.resolve("micro");
        r = run("sweep", "--suite", "micro", "--out", empty.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("suite micro has no model points"), r.out());
        assertTrue(Files.notExists(empty));
    }

    @Test
    void badThreadCountsAndSuitesAreOneLineErrors(@TempDir Path dir) {
        CliRun r = run("sweep", "--suite", "quick", "--out", dir.toString(), "--threads", "0");
        assertEquals(Ksmlab.EXIT_USAGE, r.exit());
        assertEquals("sweep: error: --threads 0: expected a number of threads >= 1\n", r.err());
        r = run("sweep", "--suite", "nope", "--out", dir.toString());
        assertEquals(Ksmlab.EXIT_USAGE, r.exit());
        assertTrue(r.err().startsWith("sweep: error: unknown suite 'nope'"), r.err());
    }
}
