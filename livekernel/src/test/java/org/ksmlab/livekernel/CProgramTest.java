package org.ksmlab.livekernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding a compiler, the cache folder and its key, and a failed compile. */
class CProgramTest {
    @Test
    void theCacheShouldFollowXdgThenHome() {
        assertEquals(Path.of("/x/cache/ksmlab"), CProgram.cacheDir(Map.of("XDG_CACHE_HOME", "/x/cache", "HOME", "/home/u")));
        assertEquals(Path.of("/home/u/.cache/ksmlab"), CProgram.cacheDir(Map.of("HOME", "/home/u")));
    }

    @Test
    void theCompilerShouldBeCcElseGccOnPath(@TempDir Path a, @TempDir Path b) throws IOException {
        Path gcc = Files.createFile(b.resolve("gcc"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        assertEquals(Optional.of(gcc.toString()), CProgram.compiler(Map.of("PATH", a + ":" + b)));
        Path cc = Files.createFile(a.resolve("cc"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        assertEquals(Optional.of(cc.toString()), CProgram.compiler(Map.of("PATH", a + ":" + b)));
        assertEquals(Optional.empty(), CProgram.compiler(Map.of("PATH", "/nonexistent")));
    }

    @Test
    void theKeyShouldChangeWithTheSourceTheFlagsAndTheLibraries() {
        String src = "int main(void) { return 0; }\n";
        String key = CProgram.hash(src, List.of("-O2"), List.of());
        assertEquals(16, key.length());
        assertEquals(key, CProgram.hash(src, List.of("-O2"), List.of()));
        assertNotEquals(key, CProgram.hash(src + " ", List.of("-O2"), List.of()));
        assertNotEquals(key, CProgram.hash(src, List.of("-O3"), List.of()));
        assertNotEquals(key, CProgram.hash(src, List.of("-O2"), List.of("-lm")));
    }

    @Test
    void withoutACompilerNothingIsWritten(@TempDir Path cache) throws IOException {
        assertThrows(CProgram.NoCompiler.class, () -> CProgram.ensure("t", "int main(void){return 0;}", List.of(), List.of(),
                Map.of("PATH", "/nonexistent"), cache));
        try (var s = Files.list(cache)) {
            assertEquals(0, s.count());
        }
    }

    @Test
    void aFailedCompileShouldSayTheCommandAndTheCompilersOutputAndLeaveNothing(@TempDir Path cache) throws IOException {
        Assumptions.assumeTrue(CProgram.compiler(System.getenv()).isPresent(), "needs cc or gcc on PATH");
        CProgram.CompileFailed e = assertThrows(CProgram.CompileFailed.class, () -> CProgram.ensure("broken",
                "int main(void) { return missing_symbol_here; }\n", List.of("-O0"), List.of(), System.getenv(), cache));
        assertTrue(e.getMessage().startsWith("compiling broken failed ("), e.getMessage());
        assertTrue(e.getMessage().contains("missing_symbol_here"), e.getMessage());
        try (var s = Files.list(cache)) {
            assertEquals(0, s.count(), "no temporary file left");
        }
    }
}
