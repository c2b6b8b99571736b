package org.ksmlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as other tools see it: the simulate --json contract, exit codes, error messages. */
class KsmlabCliTest {
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

    @Test
    void simulateJsonPrintsExactlyOneObjectWithTheContractFields() throws Exception {
        Run r = run("simulate", "--workload", "dup:pages=10,distinct=1", "--algo", "ksm", "--set", "sleep_millisecs=0", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(List.of("workload", "algo", "seed", "page_mode", "params", "final", "series"), iterable(j.fieldNames()));
        assertEquals("dup:pages=10,distinct=1", j.get("workload").asText());
        assertEquals(42, j.get("seed").asLong());
        JsonNode fin = j.get("final");
        for (String k : List.of("virtual_ms", "nr_anon_pages", "cow_faults", "vmas", "pages_shared", "pages_sharing",
                "pages_unshared", "pages_volatile", "ksm_zero_pages", "general_profit", "full_scans", "converged_full_scans", "converged_ms")) {
            assertTrue(fin.has(k), "final lacks " + k);
        }
        assertEquals(1, fin.get("pages_shared").asLong());
        assertEquals(9, fin.get("pages_sharing").asLong());
        assertEquals(2, fin.get("converged_full_scans").asLong());
        assertTrue(j.get("series").size() >= 3, "one sample per full scan");
        assertEquals(1, r.out().strip().lines().count(), "stdout is one JSON object");
    }

    /** Issue 10: a stop condition that can never be met is a one-line error, not a 24-hour run. */
    @Test
    void aStopConditionThatCanNeverBeMetIsAnErrorBeforeRunning() {
        Run r = run("simulate", "--workload", "dup:pages=100", "--algo", "sksm", "--for-scans", "3");
        assertEquals(Ksmlab.EXIT_USAGE, r.code());
        assertEquals("simulate: error: --for-scans 3: algorithm 'sksm' makes no full scans (only a scanning daemon such as"
                + " ksm does); expected --for-ms N or --until-stable\n", r.err());
        r = run("simulate", "--workload", "dup:pages=100,volatile=0.1", "--algo", "ksm", "--set", "pages_to_scan=0");
        assertEquals(Ksmlab.EXIT_USAGE, r.code());
        assertTrue(r.err().startsWith("simulate: error: --until-stable: pages_to_scan=0: ksmd scans no page per batch"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void anIdleDaemonStopsTheRunWithAWarningOnStderr() throws Exception {
        Run r = run("simulate", "--workload", "dup:pages=100,volatile=0.1", "--algo", "ksm", "--set", "run=0",
                "--for-scans", "2", "--json");
        assertEquals(0, r.code(), r.err());
        assertEquals("simulate: warning: --for-scans 2: stopped at 0 virtual ms after 0 full scans: the ksm daemon is idle"
                + " (not running, or nothing left to scan) and nothing can wake it\n", r.err());
        assertEquals(0, new ObjectMapper().readTree(r.out()).get("final").get("virtual_ms").asLong());
    }

    @Test
    void forScansStopsAfterThatManyFullScans() throws Exception {
        Run r = run("simulate", "--workload", "dup:pages=100", "--algo", "ksm", "--for-scans", "5", "--json");
        assertEquals(0, r.code(), r.err());
        assertEquals(5, new ObjectMapper().readTree(r.out()).get("final").get("full_scans").asLong());
    }

    @Test
    void unknownWorkloadKeyIsAnErrorListingTheAcceptedKeys() {
        Run r = run("simulate", "--workload", "dup:pagez=10", "--json");
        assertEquals(Ksmlab.EXIT_USAGE, r.code());
        assertEquals("", r.out());
        assertTrue(r.err().contains("unknown parameter 'pagez'; accepted: pages, distinct, procs"), r.err());
    }

    @Test
    void unknownAlgorithmIsAnErrorListingTheAlgorithms() {
        Run r = run("simulate", "--workload", "dup", "--algo", "uksm");
        assertEquals(Ksmlab.EXIT_USAGE, r.code());
        assertTrue(r.err().contains("unknown algorithm 'uksm'; available: none, ksm"), r.err());
    }

    @Test
    void invalidKnobGetsTheKernelsAnswer() {
        Run r = run("simulate", "--workload", "dup", "--algo", "ksm", "--set", "max_page_sharing=1");
        assertEquals(Ksmlab.EXIT_USAGE, r.code());
        assertTrue(r.err().contains("EINVAL: max_page_sharing=1: expected an integer >= 2"), r.err());
    }

    @Test
    void unknownKnobIsAnErrorListingTheKnobs() {
        Run r = run("simulate", "--workload", "dup", "--algo", "ksm", "--set", "pages_to_skan=5");
        assertEquals(Ksmlab.EXIT_USAGE, r.code());
        assertTrue(r.err().contains("unknown parameter 'pages_to_skan'; accepted: run, pages_to_scan"), r.err());
    }

    @Test
    void negativeDurationAndConflictingStopOptionsAreRejected() {
        assertEquals(Ksmlab.EXIT_USAGE, run("simulate", "--workload", "dup", "--for-ms", "-5").code());
        assertEquals(Ksmlab.EXIT_USAGE, run("simulate", "--workload", "dup", "--for-ms", "5", "--until-stable").code());
        assertEquals(Ksmlab.EXIT_USAGE, run("simulate", "--workload", "dup", "--set", "sample_ms=0").code());
    }

    @Test
    void listNamesEveryWorkloadAlgorithmAndSuite() {
        Run r = run("list");
        assertEquals(0, r.code());
        for (String name : List.of("dup", "codepatch", "none", "ksm", "sksm", "sksm-resizable", "sksm-aged", "ksm-zero-only",
                "ksm-same-domain", "ksm-fake-merge", "quick", "smoke", "security", "tenants")) {
            assertTrue(r.out().contains(name), "list lacks " + name);
        }
    }

    /** The line kernel-check --write-calibration tells users to pass, for an SKSM algorithm (issue 11). */
    @Test
    void costFileIsAcceptedForSksmAsForKsm(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("calibration.properties");
        Files.writeString(f, "page_visit_ns=210\nchecksum_page_ns=610\n");
        for (String algo : List.of("ksm", "sksm")) {
            Run r = run("simulate", "--workload", "dup:pages=100,distinct=10", "--algo", algo, "--set", "cost.file=" + f, "--json");
            assertEquals(0, r.code(), algo + ": " + r.err());
        }
    }

    @Test
    void listShowsEveryAlgorithmsKnobsTheSameWayAndTheCostSettingsOnce() {
        Run r = run("list");
        assertEquals(0, r.code());
        assertEquals(org.ksmlab.engine.sim.Algorithms.all().size(),
                r.out().lines().filter(l -> l.contains("the cost settings below")).count(), r.out());
        assertEquals(1, r.out().lines().filter(l -> l.strip().startsWith("cost.file (default no file)")).count(), r.out());
        assertEquals(1, r.out().lines().filter(l -> l.strip().startsWith("cost.checksum_page_ns (default")).count(), r.out());
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> l = new java.util.ArrayList<>();
        it.forEachRemaining(l::add);
        return l;
    }

    /** Every command's --help is its usage, exit 0, and nothing from picocli about text it could not format. */
    @Test
    void everyCommandsHelpFormatsCleanly() {
        List<String> commands = List.copyOf(new picocli.CommandLine(new Ksmlab()).getSubcommands().keySet());
        assertTrue(commands.contains("kernel-check"), commands.toString());
        for (String c : commands) {
            Run r = run(c, "--help");
            assertEquals(0, r.code(), c + ": " + r.err());
            if (!c.equals("help")) {
                assertTrue(r.out().contains("Usage: ksmlab " + c), c + ": " + r.out());
            }
            assertTrue(!r.out().contains("WARN") && !r.err().contains("WARN"), c + " --help warned: " + r.err() + r.out());
            assertTrue(!r.out().contains("%n"), c + " --help shows a raw %n: " + r.out());
        }
    }

    /** The progress line of a long simulate run, and its option. */
    @Test
    void progressLinesSayWallVirtualTimeAndFullScans() {
        java.util.Map<String, Long> saving = new java.util.LinkedHashMap<>();
        saving.put("pages_shared", 80_283L);
        saving.put("pages_sharing", 1_597_477L);
        assertEquals("simulate: 1:02:03 wall; model at 123,456 virtual ms, 7 full scans; pages_shared 80,283; pages_sharing 1,597,477"
                        + "; at the last full scan pages_unshared 1,024; stability counters unchanged over the last 2 full scans",
                SimulateCommand.Progress.line(3723_000_000_000L, 123_456_000_000L, 7,
                        new org.ksmlab.engine.sim.EventLoop.Progress(saving, java.util.Map.of("pages_unshared", 1_024L), 2, true)));
        assertEquals("simulate: 0:00:09 wall; model at 600 virtual ms, 0 full scans; sksm_pages_sharing 5; stability counters changed at the last sample",
                SimulateCommand.Progress.line(9_500_000_000L, 600_000_000L, 0,
                        new org.ksmlab.engine.sim.EventLoop.Progress(java.util.Map.of("sksm_pages_sharing", 5L), java.util.Map.of(), 0, false)));
        assertTrue(SimulateCommand.Progress.line(0, 0, 3, new org.ksmlab.engine.sim.EventLoop.Progress(java.util.Map.of(), java.util.Map.of(), 1, true))
                .endsWith("; stability counters unchanged over the last full scan"));
        java.io.StringWriter w = new java.io.StringWriter();
        SimulateCommand.Progress p = new SimulateCommand.Progress(new java.io.PrintWriter(w), 1, System.nanoTime() - 5);
        p.step(2_000_000, 0, () -> new org.ksmlab.engine.sim.EventLoop.Progress(java.util.Map.of("pages_sharing", 3L), java.util.Map.of(), 0, true)); // started 5 ns ago, due every 1 ns: this step prints
        assertTrue(w.toString().startsWith("simulate: 0:00:00 wall; model at 2 virtual ms, 0 full scans; pages_sharing 3; stability counters changed"), w.toString());
        Run bad = run("simulate", "--workload", "dup:pages=10,distinct=1", "--algo", "ksm", "--progress", "-1");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("--progress -1: expected seconds >= 0 (0: never)"), bad.err());
        Run quiet = run("simulate", "--workload", "dup:pages=10,distinct=1", "--algo", "ksm", "--progress", "0", "--json");
        assertEquals(0, quiet.code());
        assertTrue(!quiet.err().contains("simulate: 0:"), quiet.err());
    }

    /** --wall-limit: its values, its errors, and a run that outlasts it printing what it has, marked partial. */
    @Test
    void aWallLimitShouldEndALongRunWithItsPartialResult() throws Exception {
        assertEquals(5_400_000_000_000L, SimulateCommand.parseWallLimit("90m"));
        assertEquals(5_400_000_000_000L, SimulateCommand.parseWallLimit("1h30m"));
        assertEquals(7_200_000_000_000L, SimulateCommand.parseWallLimit("2h"));
        assertEquals(45_000_000_000L, SimulateCommand.parseWallLimit("45s"));
        for (String bad : List.of("0s", "", "5x", "-3m", "1.5h", "m")) {
            Run r = run("simulate", "--workload", "dup:pages=10,distinct=1", "--algo", "ksm", "--wall-limit", bad);
            assertEquals(2, r.code(), bad);
            assertTrue(r.err().contains("--wall-limit " + bad + ": expected a positive wall time such as 90m, 2h, 1h30m or 45s"), r.err());
            assertTrue(!r.err().contains("Exception"), r.err());
        }
        // A million full scans of 4,096 pages take far more than a second (at least a ms a pass): one second stops it mid-run.
        String[] longRun = {"simulate", "--workload", "dup:pages=4096,distinct=16", "--algo", "ksm", "--set", "sleep_millisecs=0",
                "--for-scans", "1000000", "--wall-limit", "1s", "--progress", "0"};
        Run r = run(java.util.stream.Stream.concat(java.util.Arrays.stream(longRun), java.util.stream.Stream.of("--json")).toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        JsonNode f = new ObjectMapper().readTree(r.out()).path("final");
        assertEquals(1, f.path("partial").asInt(), r.out());
        assertTrue(f.path("full_scans").asLong() < 1_000_000, r.out());
        assertTrue(r.err().contains("simulate: warning: stopped on request at "), r.err());
        Run text = run(longRun);
        assertTrue(text.out().contains("; PARTIAL: stopped on request before its stop rule"), text.out());
        Run scenario = run("simulate", "--scenario", "selftests/unmerge", "--wall-limit", "1m");
        assertEquals(2, scenario.code());
        assertTrue(scenario.err().contains("--wall-limit 1m does not apply to --scenario"), scenario.err());
    }
}
