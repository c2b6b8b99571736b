package org.ksmlab.livekernel;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Only one thing may drive the live kernel's KSM at a time: two drivers would overwrite each
 * other's knobs and read each other's merges. Every ksmlab command that writes KSM knobs holds
 * this exclusive {@code flock(2)} on {@link #PATH} while it does; the same file works from a
 * shell ({@code flock /run/lock/ksmlab-ksm.lock ./my-experiment}), so hand-written experiments
 * and ksmlab exclude each other too. The kernel drops the lock when the holder exits, however
 * it exits, so a killed run never leaves it held.
 */
public final class KsmLock implements AutoCloseable {
    /** The lock file: /run/lock when the system has it (Debian, Fedora), else the temporary folder. */
    public static final Path PATH = Files.isDirectory(Path.of("/run/lock"))
            ? Path.of("/run/lock/ksmlab-ksm.lock") : Path.of(System.getProperty("java.io.tmpdir"), "ksmlab-ksm.lock");

    private int fd;

    private KsmLock(int fd) {
        this.fd = fd;
    }

    /**
     * Takes the lock. When another process holds it: with {@code wait}, says so on {@code log}
     * and blocks until it is free; without, returns null at once.
     */
    public static KsmLock acquire(Path path, boolean wait, PrintWriter log) {
        int fd = Libc.openForLock(path.toString());
        if (Libc.flock(fd, Libc.LOCK_EX | Libc.LOCK_NB)) {
            return new KsmLock(fd);
        }
        if (!wait) {
            Libc.close(fd);
            return null;
        }
        log.println("kernel-check: another process is driving KSM (it holds " + path + "); waiting for it to finish");
        log.flush();
        Libc.flock(fd, Libc.LOCK_EX);
        return new KsmLock(fd);
    }

    @Override
    public void close() {
        if (fd >= 0) {
            Libc.close(fd); // closing the last descriptor releases the flock
            fd = -1;
        }
    }
}
