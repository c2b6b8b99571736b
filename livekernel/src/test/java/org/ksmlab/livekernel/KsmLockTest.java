package org.ksmlab.livekernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The KSM lock excludes a second holder, also one that takes it with the shell's flock(1). */
class KsmLockTest {
    @TempDir
    Path dir;

    @Test
    void aSecondHolderShouldNotGetTheLockUntilTheFirstReleasesIt() {
        Path file = dir.resolve("ksm.lock");
        StringWriter log = new StringWriter();
        try (KsmLock first = KsmLock.acquire(file, false, new PrintWriter(log))) {
            assertNotNull(first);
            assertNull(KsmLock.acquire(file, false, new PrintWriter(log)), "a second descriptor must not get the lock");
        }
        try (KsmLock again = KsmLock.acquire(file, false, new PrintWriter(log))) {
            assertNotNull(again, "released when the holder closes it");
        }
    }

    @Test
    void theShellsFlockShouldExcludeUsAndWaitingShouldSaySo() throws Exception {
        Assumptions.assumeTrue(new java.io.File("/usr/bin/flock").canExecute(), "flock(1) not installed (util-linux)");
        Path file = dir.resolve("ksm.lock");
        Process holder = new ProcessBuilder("/usr/bin/flock", file.toString(), "sleep", "2").start();
        try {
            // wait until flock(1) holds it
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            KsmLock probe;
            while ((probe = KsmLock.acquire(file, false, new PrintWriter(new StringWriter()))) != null) {
                probe.close();
                assertTrue(System.nanoTime() < deadline, "flock(1) never took the lock");
                Thread.sleep(20);
            }
            StringWriter log = new StringWriter();
            try (KsmLock waited = KsmLock.acquire(file, true, new PrintWriter(log))) {
                assertNotNull(waited);
                assertTrue(log.toString().contains("another process is driving KSM"), log.toString());
                assertEquals(0, holder.waitFor(), "flock(1) ran its command and let go");
            }
        } finally {
            holder.destroyForcibly();
        }
    }
}
