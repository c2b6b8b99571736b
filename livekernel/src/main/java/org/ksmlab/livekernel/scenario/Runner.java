package org.ksmlab.livekernel.scenario;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

/**
 * One scenario process: a running {@code scenario_runner} and its command channel (a UNIX stream
 * socket, non-blocking, every wait bounded). Calls are strictly one request, one response. A
 * runner that dies (a write to a page it may not write, a kill) shows as the end of its channel
 * and is reported as such, with the tail of the runners' log.
 */
final class Runner {
    /** How long one request may take (a write of a million pages takes about a second). */
    static final long CALL_TIMEOUT_MS = 300_000;
    private static final int CHUNK_BYTES = 1 << 20;

    final int pid;
    /** The process, for a runner the JVM started; null for a forked one. */
    final Process process;
    /** For ending it, also when it is not the JVM's child (the handle remembers its start time: no pid reuse). */
    final ProcessHandle handle;
    private final SocketChannel channel;
    private final Selector selector;
    private final SelectionKey key;
    private final RunnerHost host;
    private final ByteBuffer response = ByteBuffer.allocate(RunnerProtocol.RESPONSE_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private boolean ended;

    Runner(RunnerHost host, int pid, Process process, SocketChannel channel) throws IOException {
        this.host = host;
        this.pid = pid;
        this.process = process;
        this.handle = process != null ? process.toHandle() : ProcessHandle.of(pid).orElse(null);
        this.channel = channel;
        channel.configureBlocking(false);
        this.selector = Selector.open();
        this.key = channel.register(selector, 0);
    }

    boolean ended() {
        return ended;
    }

    /** A request without payload; the response. */
    RunnerProtocol.Response call(int op, long... args) {
        send(RunnerProtocol.request(op, args));
        return receive();
    }

    /** A request followed by a page list; the response. */
    RunnerProtocol.Response call(int op, RunnerProtocol.Records records) {
        send(RunnerProtocol.request(op, records.count()));
        ByteBuffer b = ByteBuffer.allocate(Math.max(records.recordBytes(), CHUNK_BYTES / records.recordBytes() * records.recordBytes()))
                .order(ByteOrder.LITTLE_ENDIAN);
        int n = records.count();
        for (int k = 0; k < n; ) {
            b.clear();
            while (k < n && b.remaining() >= records.recordBytes()) {
                records.put(b, k++);
            }
            send(b.flip());
        }
        return receive();
    }

    /** A request with a byte payload (a file path); the response. */
    RunnerProtocol.Response call(int op, long[] args, byte[] payload) {
        send(RunnerProtocol.request(op, args));
        send(ByteBuffer.wrap(payload));
        return receive();
    }

    /** Sends exit and waits for the channel to close: the address space is gone by then (exit_mm runs before exit_files). */
    void exit() {
        send(RunnerProtocol.request(RunnerProtocol.OP_EXIT));
        awaitEnd(CALL_TIMEOUT_MS);
    }

    /** Waits up to {@code ms} for the channel to end; true when it did. */
    boolean awaitEnd(long ms) {
        long deadline = System.nanoTime() + ms * 1_000_000L;
        ByteBuffer one = ByteBuffer.allocate(64);
        try {
            while (true) {
                one.clear();
                int r = channel.read(one);
                if (r < 0) {
                    close();
                    return true;
                }
                if (r > 0) {
                    throw new IllegalStateException("runner " + pid + " sent data after exit");
                }
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0) return false;
                key.interestOps(SelectionKey.OP_READ);
                selector.select(left);
                selector.selectedKeys().clear();
            }
        } catch (IOException e) {
            close();
            return true;
        }
    }

    /** Closes the channel (the runner sees the end and exits if it has not). */
    void close() {
        ended = true;
        try {
            selector.close();
            channel.close();
        } catch (IOException ignored) {
            // closing: nothing left to report to
        }
    }

    /** Kills the process (SIGKILL): only this runner, by its handle. */
    void kill() {
        if (handle != null) handle.destroyForcibly();
        close();
    }

    private void send(ByteBuffer b) {
        if (ended) throw new IllegalStateException("runner " + pid + " has ended");
        long deadline = System.nanoTime() + CALL_TIMEOUT_MS * 1_000_000L;
        try {
            while (b.hasRemaining()) {
                if (channel.write(b) == 0) {
                    long left = (deadline - System.nanoTime()) / 1_000_000L;
                    if (left <= 0) throw timeout();
                    key.interestOps(SelectionKey.OP_WRITE);
                    selector.select(left);
                    selector.selectedKeys().clear();
                }
            }
        } catch (IOException e) {
            throw died(e.getMessage());
        }
    }

    RunnerProtocol.Response receive() {
        if (ended) throw new IllegalStateException("runner " + pid + " has ended");
        long deadline = System.nanoTime() + CALL_TIMEOUT_MS * 1_000_000L;
        response.clear();
        try {
            while (response.hasRemaining()) {
                int r = channel.read(response);
                if (r < 0) throw died(null);
                if (r == 0) {
                    long left = (deadline - System.nanoTime()) / 1_000_000L;
                    if (left <= 0) throw timeout();
                    key.interestOps(SelectionKey.OP_READ);
                    selector.select(left);
                    selector.selectedKeys().clear();
                }
            }
        } catch (IOException e) {
            throw died(e.getMessage());
        }
        return RunnerProtocol.Response.decode(response);
    }

    private IllegalStateException died(String detail) {
        close();
        String status = "";
        if (process != null) {
            try {
                if (process.waitFor(2, java.util.concurrent.TimeUnit.SECONDS)) {
                    int v = process.exitValue();
                    status = v > 128 ? " (killed by signal " + (v - 128) + (v - 128 == 11 ? ", SIGSEGV: a store to a page it may not write?" : "") + ")"
                            : " (exit status " + v + ")";
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        String log = host.logTail();
        return new IllegalStateException("scenario runner " + pid + " ended unexpectedly" + status
                + (detail == null ? "" : ": " + detail) + (log.isEmpty() ? "" : "; runner log: " + log));
    }

    private IllegalStateException timeout() {
        kill();
        return new IllegalStateException("scenario runner " + pid + " did not answer within " + CALL_TIMEOUT_MS / 1000 + " s; it was killed");
    }

    static UncheckedIOException io(String what, IOException e) {
        return new UncheckedIOException(what + ": " + e.getMessage(), e);
    }
}
