package org.ksmlab.livekernel.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding a compiler, the cache folder and its key, and what a machine without a compiler is told. */
class RunnerBinaryTest {
    @Test
    void theCacheShouldFollowXdgThenHome() {
        assertEquals(Path.of("/x/cache/ksmlab"), RunnerBinary.cacheDir(Map.of("XDG_CACHE_HOME", "/x/cache", "HOME", "/home/u")));
        assertEquals(Path.of("/home/u/.cache/ksmlab"), RunnerBinary.cacheDir(Map.of("HOME", "/home/u")));
    }

    @Test
    void theCompilerShouldBeCcElseGccOnPath(@TempDir Path a, @TempDir Path b) throws IOException {
        Path gcc = Files.createFile(b.resolve("gcc"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        assertEquals(Optional.of(gcc.toString()), RunnerBinary.compiler(Map.of("PATH", a + ":" + b)));
        Path cc = Files.createFile(a.resolve("cc"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        assertEquals(Optional.of(cc.toString()), RunnerBinary.compiler(Map.of("PATH", a + ":" + b)));
        assertEquals(Optional.empty(), RunnerBinary.compiler(Map.of("PATH", "/nonexistent")));
    }

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
    void theKeyShouldChangeWithTheSource() {
        String src = RunnerBinary.source();
        assertEquals(16, RunnerBinary.hash(src).length());
        assertEquals(RunnerBinary.hash(src), RunnerBinary.hash(src));
        assertNotEquals(RunnerBinary.hash(src), RunnerBinary.hash(src + " "));
    }

    @Test
    void aCompilerShouldBuildItOnceIntoTheCache(@TempDir Path cache) throws Exception {
        Optional<String> cc = RunnerBinary.compiler(System.getenv());
        Assumptions.assumeTrue(cc.isPresent() && System.getProperty("os.arch").equals("amd64"), "needs cc or gcc on x86_64");
        Path bin = RunnerBinary.ensure(System.getenv(), cache);
        assertEquals(cache.resolve("scenario-runner-" + RunnerBinary.hash(RunnerBinary.source())), bin);
        assertTrue(Files.isExecutable(bin));
        long modified = Files.getLastModifiedTime(bin).toMillis();
        assertEquals(bin, RunnerBinary.ensure(System.getenv(), cache));
        assertEquals(modified, Files.getLastModifiedTime(bin).toMillis(), "a second call compiles nothing");
        try (var s = Files.list(cache)) {
            assertEquals(1, s.count(), "no temporary file left: " + cache);
        }
    }
}
