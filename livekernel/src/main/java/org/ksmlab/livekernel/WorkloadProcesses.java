package org.ksmlab.livekernel;

import org.ksmlab.engine.workload.DupLayout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The child processes of one scenario ({@link WorkloadChild}, one per process of the spec),
 * started with the same java, the same JVM flags (heap flags replaced by a small bound) and the
 * same class path as this JVM. Only these processes are ever stopped: stdin is closed (their stop
 * signal), then, after a grace period, the {@link Process} objects started here are destroyed.
 */
public final class WorkloadProcesses implements AutoCloseable {
    /** Largest workload kernel-check maps in real memory, over all processes: 2 GiB. */
    public static final long MAX_TOTAL_BYTES = 2L << 30;
    /** Heap of each child JVM; its pages live off-heap, the heap holds only the page-kind arrays. */
    static final String CHILD_HEAP = "-Xmx64m";

    private final List<Process> children = new ArrayList<>();
    private final List<Integer> pids = new ArrayList<>();

    private WorkloadProcesses() {
    }

    /**
     * Starts every process of {@code layout} and waits until each has written its memory and
     * printed {@code ready}.
     *
     * @throws IllegalArgumentException when the workload exceeds {@link #MAX_TOTAL_BYTES}
     */
    public static WorkloadProcesses start(String spec, DupLayout layout, String via, long timeoutMs) throws IOException {
        long bytes = layout.totalPages() * RealPages.PAGE_SIZE;
        if (bytes > MAX_TOTAL_BYTES) {
            throw new IllegalArgumentException("workload '" + spec + "' needs " + (bytes >> 20) + " MiB of real memory; kernel-check maps at most "
                    + (MAX_TOTAL_BYTES >> 20) + " MiB (pages*procs <= " + MAX_TOTAL_BYTES / RealPages.PAGE_SIZE + ")");
        }
        WorkloadProcesses w = new WorkloadProcesses();
        try {
            List<BufferedReader> outs = new ArrayList<>();
            for (int p = 0; p < layout.procs; p++) {
                ProcessBuilder pb = new ProcessBuilder(command(spec, p, via));
                pb.redirectError(ProcessBuilder.Redirect.INHERIT);
                Process child = pb.start();
                w.children.add(child);
                outs.add(new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII)));
            }
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
            for (int p = 0; p < layout.procs; p++) {
                w.pids.add(awaitReady(w.children.get(p), outs.get(p), deadline, p));
            }
            return w;
        } catch (IOException | RuntimeException e) {
            w.close();
            throw e;
        }
    }

    private static int awaitReady(Process child, BufferedReader out, long deadline, int proc) throws IOException {
        // readLine blocks; a watchdog destroys the child if it is not ready by the deadline.
        Thread watchdog = Thread.ofPlatform().daemon().start(() -> {
            try {
                long ms = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (ms > 0) Thread.sleep(ms);
                child.destroyForcibly();
            } catch (InterruptedException ignored) {
                // ready in time
            }
        });
        try {
            String line = out.readLine();
            if (line == null || !line.startsWith("ready ")) {
                throw new IOException("workload process " + proc + " (pid " + child.pid() + ") did not become ready"
                        + (line == null ? " (exited or timed out)" : ": printed '" + line + "'"));
            }
            return Integer.parseInt(line.substring(6).trim());
        } finally {
            watchdog.interrupt();
        }
    }

    /**
     * Whether a child gets this JVM flag: the same flags, but not this JVM's heap size, agents,
     * debugger or ahead-of-time cache (run.sh's cache was trained with other flags and another
     * main class: the child's JVM rejects it with an error on stdout, where the child's "ready"
     * line is expected), nor the Vector API module (unused by the child; spares its warning).
     */
    static boolean inherited(String a) {
        return !(a.startsWith("-Xmx") || a.startsWith("-Xms") || a.startsWith("-agentlib") || a.startsWith("-javaagent")
                || a.startsWith("-XX:MaxRAM") || a.startsWith("-Xrunjdwp") || a.startsWith("-XX:AOTCache")
                || a.startsWith("-XX:AOTMode") || a.startsWith("-XX:SharedArchiveFile")
                || a.equals("--add-modules=jdk.incubator.vector"));
    }

    static List<String> command(String spec, int proc, String via) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (inherited(a)) cmd.add(a);
        }
        cmd.add(CHILD_HEAP);
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(WorkloadChild.class.getName());
        cmd.add(spec);
        cmd.add(Integer.toString(proc));
        cmd.add(via);
        return cmd;
    }

    /** Pids of the children, as they reported them (equal to {@link Process#pid()}). */
    public List<Integer> pids() {
        return List.copyOf(pids);
    }

    /** Closes each child's stdin (its stop signal), waits up to 5 s, then destroys those still alive. */
    @Override
    public synchronized void close() {
        for (Process c : children) {
            try {
                c.getOutputStream().close();
            } catch (IOException ignored) {
                // already gone
            }
        }
        for (Process c : children) {
            try {
                if (!c.waitFor(5, TimeUnit.SECONDS)) {
                    c.destroy();
                    if (!c.waitFor(2, TimeUnit.SECONDS)) {
                        c.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                    }
                }
            } catch (InterruptedException e) {
                c.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        children.clear();
    }
}
