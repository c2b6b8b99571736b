package org.ksmlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ksmlab.bench.Suites;

/** {@code bench --suite ... --shard/--list-points} and {@code series}, through the command line. */
class SuiteCommandsTest {
    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void listPointsShouldPrintTheShardsPoints() {
        CliRun r = run("bench", "--suite", "quick", "--shard", "2/3", "--list-points");
        assertEquals(0, r.exit(), r.err());
        List<String> expected = Suites.points(Suites.get("quick"), new Suites.Shard(2, 3)).stream().map(Suites.Point::label).toList();
        assertEquals(expected, r.out().lines().toList());
    }

    @Test
    void aBadShardShouldExitTwoWithAClearMessage() {
        CliRun r = run("bench", "--suite", "quick", "--shard", "4/3", "--out", "/nonexistent");
        assertEquals(Ksmlab.EXIT_USAGE, r.exit());
        assertEquals("bench: error: --shard 4/3: expected i/n with 1 <= i <= n\n", r.err());
        r = run("bench", "--suite", "quick", "--shard", "half");
        assertEquals(Ksmlab.EXIT_USAGE, r.exit());
        assertTrue(r.err().contains("--shard 'half': expected i/n"), r.err());
    }

    @Test
    void aShardWithoutASuiteShouldExitTwo() {
        assertEquals(Ksmlab.EXIT_USAGE, run("bench", "--shard", "1/2").exit());
    }

    /**
     * The series is the simulate --json of the comparison point run to the comparison's horizon:
     * every merger until stable on vm-fleet at 400 pages, the latest stop (sksm-aged's, which
     * nominates pages unwritten for 5 s) rounded up to a whole second.
     */
    @Test
    void seriesShouldWriteExactlyTheSimulateJsonOfEachComparisonPointToTheHorizon(@TempDir Path dir) throws Exception {
        CliRun r = run("series", "--suite", "smoke", "--out", dir.toString());
        assertEquals(0, r.exit(), r.err());
        try (var files = Files.list(dir)) {
            assertEquals(List.of("vm-fleet__ksm.json"), files.map(p -> p.getFileName().toString()).toList());
        }
        assertTrue(r.out().contains("vm-fleet__ksm, 400 pages, 8000 virtual ms"), r.out());
        CliRun sim = run("simulate", "--workload", "dup:procs=4,pages=100,distinct=50,zero=0.2,volatile=0.05,period_ms=1000,seed=42",
                "--algo", "ksm", "--for-ms", "8000", "--json");
        assertEquals(0, sim.exit(), sim.err());
        assertEquals(sim.out(), Files.readString(dir.resolve("vm-fleet__ksm.json")));
    }

    @Test
    void seriesOfASuiteWithoutComparisonPointsShouldWriteNothing(@TempDir Path dir) {
        CliRun r = run("series", "--suite", "micro", "--out", dir.resolve("series").toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("no comparison points"), r.out());
        assertFalse(Files.exists(dir.resolve("series")));
    }
}
