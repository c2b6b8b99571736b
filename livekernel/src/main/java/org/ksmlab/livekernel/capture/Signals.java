package org.ksmlab.livekernel.capture;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * kill(2) with SIGSTOP and SIGCONT: a captured process is held still (every thread stopped)
 * while its pages are read and while KSM scans it, so the capture and what KSM sees are the
 * same memory. Stopping changes nothing KSM looks at: ksmd walks the mm, not the threads.
 */
public final class Signals {
    public static final int SIGCONT = 18;
    public static final int SIGSTOP = 19;
    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle KILL = LINKER.downcallHandle(LINKER.defaultLookup().find("kill").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), Linker.Option.captureCallState("errno"));

    private Signals() {
    }

    public static void send(int pid, int signal) {
        if (pid <= 0) throw new IllegalArgumentException("pid " + pid);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CAPTURE);
            int r = (int) KILL.invokeExact(state, pid, signal);
            if (r != 0) {
                throw new IllegalStateException("kill(" + pid + ", " + (signal == SIGSTOP ? "SIGSTOP" : signal == SIGCONT ? "SIGCONT" : signal)
                        + ") failed: errno " + (int) ERRNO.get(state, 0L));
            }
        } catch (IllegalStateException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("kill downcall", t);
        }
    }

    /** Waits until every thread of {@code pid} is stopped (state T in /proc/PID/task/N/stat), at most {@code timeoutMs}. */
    public static void awaitStopped(java.nio.file.Path proc, int pid, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (System.nanoTime() < deadline) {
            if (allStopped(proc, pid)) return;
            Thread.sleep(2);
        }
        throw new IllegalStateException("pid " + pid + " did not stop within " + timeoutMs + " ms after SIGSTOP");
    }

    static boolean allStopped(java.nio.file.Path proc, int pid) {
        try (var tasks = java.nio.file.Files.list(proc.resolve(pid + "/task"))) {
            for (java.nio.file.Path t : tasks.toList()) {
                String stat = java.nio.file.Files.readString(t.resolve("stat"));
                char state = stat.charAt(stat.lastIndexOf(')') + 2);
                if (state != 'T' && state != 't' && state != 'Z' && state != 'X') return false;
            }
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
