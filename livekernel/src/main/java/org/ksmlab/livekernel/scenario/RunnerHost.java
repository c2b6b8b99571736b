package org.ksmlab.livekernel.scenario;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Starts scenario runners and owns them: a private folder (mode 0700) holding the listening
 * socket every runner connects to, the runners' log (their stderr) and the scenario's files.
 * A spawned runner is started by the JVM (posix_spawn: no JVM fork); a forked one is a fork(2)
 * of its parent runner that connects anew; each says hello with its pid.
 *
 * <p>{@link #close} ends every runner still alive (exit, then SIGKILL by handle for any that does
 * not go within 2 s: only processes started here) and deletes the folder.
 */
final class RunnerHost implements AutoCloseable {
    private static final long CONNECT_TIMEOUT_MS = 30_000;

    private final Path binary;
    private final Path dir;
    private final Path socket;
    private final Path log;
    private final ServerSocketChannel server;
    private final Selector acceptor;
    private final Map<Integer, Runner> runners = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
    private volatile boolean closed;

    RunnerHost(Path binary) {
        this.binary = binary;
        try {
            this.dir = Files.createTempDirectory("ksmlab-scenario-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            this.socket = dir.resolve("runner.sock");
            this.log = dir.resolve("runner.log");
            Files.createFile(log);
            this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            server.configureBlocking(false);
            this.acceptor = Selector.open();
            server.register(acceptor, SelectionKey.OP_ACCEPT);
        } catch (IOException e) {
            throw Runner.io("cannot set up the scenario runners' folder", e);
        }
    }

    /** The private folder (for the scenario's files). */
    Path dir() {
        return dir;
    }

    /** A new runner process with an empty scenario address space. */
    Runner spawn() {
        check();
        try {
            Process p = new ProcessBuilder(binary.toString(), socket.toString())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            SocketChannel ch = accept(p);
            Runner r = hello(ch, p, (int) p.pid());
            runners.put(r.pid, r);
            return r;
        } catch (IOException e) {
            throw Runner.io("cannot start the scenario runner " + binary, e);
        }
    }

    /** fork(2) of {@code parent}: the child runner, on its own channel. Throws the kernel's error as -errno in the exception. */
    Runner fork(Runner parent) {
        check();
        RunnerProtocol.Response r = parent.call(RunnerProtocol.OP_FORK);
        if (r.res() < 0) {
            throw LiveMachine.error(r.res(), "fork of runner " + parent.pid);
        }
        int child = (int) r.res();
        try {
            SocketChannel ch = accept(null);
            Runner c = hello(ch, null, child);
            runners.put(c.pid, c);
            return c;
        } catch (IOException e) {
            throw Runner.io("forked runner " + child + " did not connect", e);
        }
    }

    /** execve of /proc/self/exe keeping the channel: the same pid, a new address space. */
    void exec(Runner r) {
        check();
        RunnerProtocol.Response h = r.call(RunnerProtocol.OP_EXEC);
        if (!h.isHello()) {
            if (h.res() < 0) throw LiveMachine.error(h.res(), "execve in runner " + r.pid);
            throw new IllegalStateException("runner " + r.pid + " answered exec with " + h);
        }
        if (h.res() != r.pid) {
            throw new IllegalStateException("runner " + r.pid + " came back from exec as pid " + h.res());
        }
    }

    /**
     * exit: the runner ends and is forgotten. Its channel closing means its address space is gone
     * (exit_mm runs before exit_files); this also waits until the process itself has ended (or
     * is a zombie), so nothing of it is left running.
     */
    void exit(Runner r) {
        r.exit();
        runners.remove(r.pid);
        if (r.process != null) {
            try {
                r.process.waitFor(); // reap it
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else {
            awaitGone(r.pid, 5_000);
        }
    }

    /** Waits until /proc/PID is gone or a zombie; false after {@code ms}. */
    static boolean awaitGone(int pid, long ms) {
        long deadline = System.nanoTime() + ms * 1_000_000L;
        Path stat = Path.of("/proc/" + pid + "/stat");
        while (true) {
            try {
                String s = Files.readString(stat);
                if (s.substring(s.lastIndexOf(')') + 2).startsWith("Z")) return true;
            } catch (IOException e) {
                return true; // gone
            }
            if (System.nanoTime() > deadline) return false;
            java.util.concurrent.locks.LockSupport.parkNanos(500_000);
        }
    }

    Runner runner(int pid) {
        Runner r = runners.get(pid);
        if (r == null) {
            throw new IllegalArgumentException("no scenario runner with pid " + pid);
        }
        return r;
    }

    /** Live runners' pids. */
    List<Integer> pids() {
        synchronized (runners) {
            return new ArrayList<>(runners.keySet());
        }
    }

    private SocketChannel accept(Process spawned) throws IOException {
        long deadline = System.nanoTime() + CONNECT_TIMEOUT_MS * 1_000_000L;
        while (true) {
            SocketChannel ch = server.accept();
            if (ch != null) return ch;
            if (spawned != null && !spawned.isAlive()) {
                throw new IllegalStateException("the scenario runner exited with status " + spawned.exitValue() + " before connecting; runner log: " + logTail());
            }
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                if (spawned != null) spawned.destroyForcibly();
                throw new IllegalStateException("the scenario runner did not connect within " + CONNECT_TIMEOUT_MS / 1000 + " s; runner log: " + logTail());
            }
            acceptor.select(Math.min(left, 200));
            acceptor.selectedKeys().clear();
        }
    }

    private Runner hello(SocketChannel ch, Process p, int expectedPid) throws IOException {
        Runner r = new Runner(this, expectedPid, p, ch);
        RunnerProtocol.Response h = r.receive();
        if (!h.isHello() || h.res() != expectedPid) {
            r.kill();
            throw new IllegalStateException("expected a hello from runner " + expectedPid + ", got " + h);
        }
        return r;
    }

    /** The last lines the runners wrote to stderr, on one line. */
    String logTail() {
        try {
            String s = Files.readString(log, StandardCharsets.UTF_8).strip();
            String[] lines = s.split("\n");
            return String.join(" | ", java.util.Arrays.copyOfRange(lines, Math.max(0, lines.length - 5), lines.length)).strip();
        } catch (IOException e) {
            return "";
        }
    }

    private void check() {
        if (closed) throw new IllegalStateException("the scenario's processes were ended (interrupted)");
    }

    /**
     * Ends every runner (from a shutdown hook too): SIGKILL at once when {@code force}, else exit
     * and SIGKILL for any not gone within 2 s. Then deletes the folder.
     */
    void close(boolean force) {
        List<Runner> live;
        synchronized (runners) {
            closed = true;
            live = new ArrayList<>(runners.values());
        }
        if (force) {
            live.forEach(Runner::kill);
        } else {
            for (Runner r : live) {
                try {
                    if (!r.ended()) {
                        r.exit();
                    }
                } catch (RuntimeException e) {
                    r.kill();
                }
            }
            for (Runner r : live) {
                if (r.handle != null && r.handle.isAlive()) {
                    try {
                        r.handle.onExit().get(2, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (Exception e) {
                        r.kill();
                    }
                }
            }
        }
        for (Runner r : live) {
            if (r.process != null) {
                try {
                    r.process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        runners.clear();
        try {
            acceptor.close();
            server.close();
        } catch (IOException ignored) {
            // ending anyway
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: a private temporary folder
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }

    @Override
    public void close() {
        close(false);
    }
}
