package org.ksmlab.livekernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.stream.Stream;

/**
 * ksmd's CPU time. Found by scanning /proc/[0-9]*&#47;comm for "ksmd". Two sources:
 * /proc/PID/stat utime+stime (fields 14 and 15, in clock ticks of {@link Libc#clockTicksPerSecond})
 * and /proc/PID/schedstat (first field: on-CPU nanoseconds, precise). {@link #cpuNanos()} uses
 * schedstat when the kernel has it (CONFIG_SCHED_INFO) and the tick count otherwise; at 100 ticks
 * per second the tick count alone is too coarse for a pass of a few thousand pages.
 */
public final class Ksmd {
    private final Path proc;
    private final int pid;
    private final long ticksPerSecond;

    public Ksmd(Path proc, int pid, long ticksPerSecond) {
        this.proc = proc;
        this.pid = pid;
        this.ticksPerSecond = ticksPerSecond;
    }

    /** ksmd of this machine, if the kernel runs one. */
    public static java.util.Optional<Ksmd> find(Path proc) {
        OptionalInt pid = findPid(proc);
        return pid.isPresent() ? java.util.Optional.of(new Ksmd(proc, pid.getAsInt(), Libc.clockTicksPerSecond())) : java.util.Optional.empty();
    }

    static OptionalInt findPid(Path proc) {
        try (Stream<Path> s = Files.list(proc)) {
            return s.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .filter(p -> {
                        try {
                            return Files.readString(p.resolve("comm")).strip().equals("ksmd");
                        } catch (IOException e) {
                            return false; // exited while we looked
                        }
                    })
                    .mapToInt(p -> Integer.parseInt(p.getFileName().toString()))
                    .min();
        } catch (IOException e) {
            return OptionalInt.empty();
        }
    }

    public int pid() {
        return pid;
    }

    /** utime + stime in clock ticks, from the text of /proc/PID/stat. */
    static long parseStatTicks(String stat) {
        // Field 2 (comm) is in parentheses and may hold spaces: count fields after the last ')'.
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            throw new IllegalArgumentException("not a /proc/PID/stat line: " + stat);
        }
        String[] f = stat.substring(close + 1).strip().split("\\s+");
        // f[0] is field 3 (state); field n is f[n - 3].
        return Long.parseLong(f[14 - 3]) + Long.parseLong(f[15 - 3]);
    }

    /** On-CPU nanoseconds, the first field of /proc/PID/schedstat. */
    static long parseSchedstatNanos(String schedstat) {
        return Long.parseLong(schedstat.strip().split("\\s+")[0]);
    }

    /**
     * /proc/PID/schedstat: ns on a CPU, ns waiting on a run queue (runnable but not running: the
     * wake-up latency and the preemptions) and the number of times it was given a CPU.
     */
    static RunWait parseRunWait(String schedstat) {
        String[] f = schedstat.strip().split("\\s+");
        return new RunWait(Long.parseLong(f[0]), Long.parseLong(f[1]), f.length > 2 ? Long.parseLong(f[2]) : 0);
    }

    /**
     * ns ksmd ran, ns it waited to run and how many times it got a CPU (schedstat), cumulative
     * since it started.
     */
    public record RunWait(long runNanos, long waitNanos, long timeslices) {
        public RunWait(long runNanos, long waitNanos) {
            this(runNanos, waitNanos, 0);
        }

        /** What happened between {@code before} and this. */
        public RunWait minus(RunWait before) {
            return new RunWait(runNanos - before.runNanos, waitNanos - before.waitNanos, timeslices - before.timeslices);
        }

        /** Share of its runnable time ksmd was on a CPU, per mille (1000 when it never waited; 1000 when it never ran). */
        public int sharePermille() {
            long total = runNanos + waitNanos;
            return total <= 0 ? 1000 : (int) Math.max(1, Math.round(1000.0 * runNanos / total));
        }
    }

    /** ksmd's run and wait time from schedstat, or empty when the kernel lacks it (CONFIG_SCHED_INFO=n). */
    public java.util.Optional<RunWait> runWait() {
        Path p = proc.resolve(pid + "/schedstat");
        try {
            return Files.exists(p) ? java.util.Optional.of(parseRunWait(Files.readString(p))) : java.util.Optional.empty();
        } catch (IOException | RuntimeException e) {
            return java.util.Optional.empty();
        }
    }

    /** CPU from /proc/PID/stat, converted to ns (resolution 1/ticksPerSecond s). */
    public long statCpuNanos() {
        try {
            long ticks = parseStatTicks(Files.readString(proc.resolve(pid + "/stat")));
            return ticks * (1_000_000_000L / ticksPerSecond);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Precise on-CPU ns from schedstat, or -1 when the kernel lacks it. */
    public long schedstatNanos() {
        Path p = proc.resolve(pid + "/schedstat");
        try {
            return Files.exists(p) ? parseSchedstatNanos(Files.readString(p)) : -1;
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /** Best available CPU time in ns (schedstat, else stat ticks). */
    public long cpuNanos() {
        long s = schedstatNanos();
        return s >= 0 ? s : statCpuNanos();
    }

    /** Which source {@link #cpuNanos} uses. */
    public String cpuSource() {
        return schedstatNanos() >= 0 ? "/proc/" + pid + "/schedstat" : "/proc/" + pid + "/stat utime+stime";
    }
}
