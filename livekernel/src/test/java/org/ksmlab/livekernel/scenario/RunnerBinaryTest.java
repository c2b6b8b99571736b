package org.ksmlab.livekernel.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a machine without a compiler is told, and the runner built once into the cache (the cache itself: CProgramTest). */
class RunnerBinaryTest {
    @Test
    void withoutACompilerTheMessageShouldSayWhatToInstall(@TempDir Path cache) {
        Assumptions.assumeTrue(System.getProperty("os.arch").equals("amd64"), "x86_64 only");
        RunnerBinary.Unavailable e = assertThrows(RunnerBinary.Unavailable.class, () -> RunnerBinary.ensure(Map.of("PATH", "/nonexistent"), cache));
        assertTrue(e.getMessage().contains("found neither cc nor gcc on PATH"), e.getMessage());
        assertTrue(e.getMessage().contains("apt-get install gcc"), e.getMessage());
        try (var s = Files.list(cache)) {
            assertEquals(0, s.count(), "nothing written");
        } catch (IOException ex) {
            throw new AssertionError(ex);
        }
    }

    @Test
    void aCompilerShouldBuildItOnceIntoTheCache(@TempDir Path cache) throws Exception {
        Optional<String> cc = org.ksmlab.livekernel.CProgram.compiler(System.getenv());
        Assumptions.assumeTrue(cc.isPresent() && System.getProperty("os.arch").equals("amd64"), "needs cc or gcc on x86_64");
        Path bin = RunnerBinary.ensure(System.getenv(), cache);
        assertEquals(cache.resolve("scenario-runner-" + org.ksmlab.livekernel.CProgram.hash(RunnerBinary.source(), RunnerBinary.FLAGS, java.util.List.of())), bin);
        assertTrue(Files.isExecutable(bin));
        long modified = Files.getLastModifiedTime(bin).toMillis();
        assertEquals(bin, RunnerBinary.ensure(System.getenv(), cache));
        assertEquals(modified, Files.getLastModifiedTime(bin).toMillis(), "a second call compiles nothing");
        try (var s = Files.list(cache)) {
            assertEquals(1, s.count(), "no temporary file left: " + cache);
        }
    }
}
