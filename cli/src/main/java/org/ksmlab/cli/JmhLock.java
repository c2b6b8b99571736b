package org.ksmlab.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One benchmark run per machine: JMH refuses to start while another JMH run holds its lock file
 * ({@code java.io.tmpdir/jmh.lock}), and would stop a suite half-way with a stack trace. A suite
 * takes that same lock for its whole length, before its first point, so two suites never
 * interleave and a suite never collides with any other JMH run: when the lock is taken, it says
 * so and waits, or exits at once with {@link #EXIT_BUSY} when the user asked not to wait.
 */
final class JmhLock implements AutoCloseable {
    /** Exit status when another run holds the lock and the user chose not to wait (sysexits' EX_TEMPFAIL). */
    static final int EXIT_BUSY = 75;
    /** JMH's own lock file (Runner's JMH_LOCK_FILE). */
    static final Path PATH = Path.of(System.getProperty("java.io.tmpdir"), "jmh.lock");

    private final FileChannel channel;
    private final FileLock lock;

    private JmhLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Another benchmark run holds the lock and the user chose not to wait. */
    static final class Busy extends RuntimeException {
        Busy() {
            super("another benchmark run is in progress on this machine (it holds " + PATH
                    + "); nothing was run. Run again when it is done, or without --no-wait to wait for it");
        }
    }

    /** Takes the lock, waiting (and saying so on {@code log}) or throwing {@link Busy} when it is held. */
    static JmhLock acquire(boolean wait, PrintWriter log) throws IOException {
        FileChannel ch = FileChannel.open(PATH, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            FileLock l = ch.tryLock();
            if (l == null) {
                if (!wait) {
                    throw new Busy();
                }
                log.println("== another benchmark run is in progress on this machine (it holds " + PATH + "); waiting for it to finish");
                log.flush();
                l = ch.lock();
            }
            return new JmhLock(ch, l);
        } catch (IOException | RuntimeException e) {
            ch.close();
            if (e instanceof OverlappingFileLockException) {
                throw new IllegalStateException("this JVM already holds " + PATH, e);
            }
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        lock.release();
        channel.close();
    }
}
