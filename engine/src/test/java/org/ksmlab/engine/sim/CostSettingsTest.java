package org.ksmlab.engine.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ksmlab.engine.cost.CostModel;
import org.ksmlab.engine.workload.Workloads;

/**
 * The cost settings are one parser for every algorithm: {@code cost.file=F} (what
 * {@code kernel-check --write-calibration} tells users to pass) and {@code cost.NAME=NS} reach
 * the CPU model of ksm and of each SKSM variant alike.
 */
class CostSettingsTest {
    /** A calibration file that charges 1000 ns per checksummed page and nothing for any other work. */
    private static Path checksumOnly(Path dir) throws IOException {
        Path f = dir.resolve("calibration.properties");
        String lines = CostModel.NAMES.stream()
                .map(n -> n + "=" + (n.equals("checksum_page_ns") ? "1000" : "0"))
                .collect(Collectors.joining("\n", "# written by CostSettingsTest\n", "\n"));
        Files.writeString(f, lines);
        return f;
    }

    private static Map<String, Object> run(String spec, String algo, Map<String, String> settings, Simulation.Options o) {
        return new Simulation(Workloads.create(spec), algo, settings, o).run().finalCounters();
    }

    /**
     * ksm, smart scan off, 100 unique pages for 3 full scans: every visit checksums the page
     * (none ever merges), so ksmd's CPU is 3 × 100 × 1000 ns from the file.
     */
    @Test
    void costFileShouldSetTheCpuModelOfKsm(@TempDir Path dir) throws IOException {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("smart_scan", "0");
        settings.put("cost.file", checksumOnly(dir).toString());
        Simulation.Options threeScans = new Simulation.Options(100, 24L * 3600 * 1000, -1, 3, false, 2);
        Map<String, Object> fin = run("dup:pages=100", "ksm", settings, threeScans);
        assertEquals(300L, fin.get("pages_scanned"));
        assertEquals(300_000L, fin.get("ksmd_cpu_ns"));
    }

    /** Each SKSM variant checksums every page MADV_MERGE examines once: cpu_ns = examined × 1000 ns from the file. */
    @ParameterizedTest
    @ValueSource(strings = {"sksm", "sksm-resizable", "sksm-aged"})
    void costFileShouldSetTheCpuModelOfEverySksmVariant(String algo, @TempDir Path dir) throws IOException {
        Map<String, Object> fin = run("dup:procs=2,pages=200,distinct=20", algo,
                Map.of("cost.file", checksumOnly(dir).toString()), Simulation.Options.stable());
        long examined = (Long) fin.get("sksm_pages_examined");
        assertEquals(400L, examined);
        assertEquals(examined * 1000, fin.get("cpu_ns"));
    }

    @Test
    void anExplicitCostShouldWinOverTheFileForEveryAlgorithm(@TempDir Path dir) throws IOException {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("cost.file", checksumOnly(dir).toString());
        settings.put("cost.checksum_page_ns", "10");
        Map<String, Object> fin = run("dup:procs=2,pages=200,distinct=20", "sksm", settings, Simulation.Options.stable());
        assertEquals(4000L, fin.get("cpu_ns"));
    }

    @Test
    void aMissingCostFileShouldBeAnErrorNamingIt(@TempDir Path dir) {
        Path missing = dir.resolve("nope.properties");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Algorithms.create("sksm-aged", Map.of("cost.file", missing.toString())));
        assertTrue(e.getMessage().startsWith("cost.file=" + missing + ": cannot read it"), e.getMessage());
    }
}
