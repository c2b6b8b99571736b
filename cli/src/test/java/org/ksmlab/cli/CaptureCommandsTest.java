package org.ksmlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** capture, capture-check and real-memory: bad input is one line and exit 2, before anything is started or written. */
class CaptureCommandsTest {
    @TempDir
    Path tmp;

    private String[] run(int expected, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Ksmlab.execute(new PrintWriter(out), new PrintWriter(err), args);
        assertEquals(expected, code, err.toString());
        return new String[] {out.toString(), err.toString()};
    }

    @Test
    void captureWithNothingToCaptureShouldBeBadInput() {
        String err = run(Ksmlab.EXIT_USAGE, "capture", "--out", tmp.resolve("d").toString())[1];
        assertEquals("capture: error: nothing to capture: give --pid P, --run 'CMD ARGS' or -- CMD ARGS", err.strip());
        assertFalse(Files.exists(tmp.resolve("d")));
    }

    @Test
    void captureIntoAFolderThatHoldsSomethingShouldBeBadInput() throws Exception {
        Path full = Files.createDirectories(tmp.resolve("full"));
        Files.writeString(full.resolve("x"), "x");
        String err = run(Ksmlab.EXIT_USAGE, "capture", "--pid", String.valueOf(ProcessHandle.current().pid()), "--out", full.toString())[1];
        assertEquals("capture: error: --out " + full + ": exists and is not empty; a dataset is written into a new folder", err.strip());
    }

    @Test
    void captureOfAProcessThatDoesNotExistShouldBeBadInput() {
        String err = run(Ksmlab.EXIT_USAGE, "capture", "--pid", "999999999", "--out", tmp.resolve("d").toString())[1];
        assertEquals("capture: error: --pid 999999999: no such process", err.strip());
    }

    @Test
    void activityOptionsShouldGoTogether() {
        String err = run(Ksmlab.EXIT_USAGE, "capture", "--pid", "1", "--activity-every-ms", "100", "--out", tmp.resolve("d").toString())[1];
        assertEquals("capture: error: --activity-every-ms and --activity-for-ms go together", err.strip());
    }

    @Test
    void captureCheckShouldRefuseAKnobItCannotSet() {
        String err = run(Ksmlab.EXIT_USAGE, "capture-check", "--max-scans", "1", "--run", "/bin/true")[1];
        assertEquals("capture-check: error: --max-scans 1: expected >= 2", err.strip());
    }

    @Test
    void realMemoryShouldSummariseAShippedDataset() throws Exception {
        run(0, "real-memory", "--out", tmp.toString(), "python-idle");
        JsonNode j = new ObjectMapper().readTree(tmp.resolve("python-idle.json").toFile());
        assertEquals("python-idle", j.path("dataset").asText());
        assertEquals(5436, j.path("anon_pages").asLong());
        assertEquals(5, j.path("histogram").size());
        assertEquals(org.ksmlab.engine.sim.Algorithms.all().size(), j.path("mergers").size(), "every registered merger");
        assertEquals(j.path("capture_check").path("kernel"), j.path("capture_check").path("model"), "the shipped check agrees");
        long ksm = 0, ideal = j.path("ideal_saving_pages").asLong();
        for (JsonNode m : j.path("mergers")) if (m.path("algo").asText().equals("ksm")) ksm = m.path("saved_pages").asLong();
        assertTrue(ksm > 0 && ksm <= ideal, ksm + " of " + ideal);
    }

    @Test
    void realMemoryOfAnUnknownDatasetShouldBeBadInput() {
        String err = run(Ksmlab.EXIT_USAGE, "real-memory", "--out", tmp.toString(), "no-such-dataset")[1];
        assertTrue(err.startsWith("real-memory: error: dataset 'no-such-dataset': no such folder, and no shipped dataset of that name (shipped: jvm-idle,"), err);
    }
}
