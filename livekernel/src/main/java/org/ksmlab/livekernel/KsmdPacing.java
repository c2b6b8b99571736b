package org.ksmlab.livekernel;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.GZIPInputStream;
import org.ksmlab.engine.workload.DupLayout;

/**
 * How the running kernel paces ksmd, measured so the model runs on the same clock
 * (the {@code kernel.hz} and {@code kernel.timer_late_permille} knobs of the model):
 * <ul>
 * <li>{@link #detectHz}: CONFIG_HZ from /proc/config.gz, else the resolution of
 *     CLOCK_MONOTONIC_COARSE (one tick).</li>
 * <li>{@link #probe}: the share of ksmd's timed sleeps whose timer runs a tick late. ksmd scans one page
 *     per batch of a small process of its own, with sleep_millisecs=20, for a couple of seconds;
 *     the driver polls pages_scanned as it polls during a workload (every
 *     {@link KernelRunner#POLL_NANOS}). Each batch is one page, so the batches between the first
 *     and the last one seen are counted exactly; the ticks between them are the elapsed time over
 *     the tick. A sleep is msecs_to_jiffies(20) + 1 ticks (the timer wheel's round-up); the ticks
 *     beyond that, per sleep, are the late share. Measured on the development machine (a
 *     2-vCPU VM): 50-500 per mille, depending on the load; the mechanism is a timer whose CPU's
 *     tick ran before jiffies had advanced (trace: the timer expires with jiffies one past its
 *     bucket), see docs/kernel-probes/findings-linux-6.18.md part 5.</li>
 * </ul>
 */
public final class KsmdPacing {
    /** The tick rate and where it was read. */
    public record Hz(int hz, String source) {
    }

    /**
     * What {@link #probe} measured.
     *
     * @param latePermille   sleeps whose timer ran a tick late, per mille: the sleeps that took a
     *                       tick more than the wheel's rounding ({@code extraPermille}) less those
     *                       whose wake-up waited a tick or more for a CPU ({@code longWakePermille})
     * @param wakeWaitNanos  ksmd's mean wait on a run queue per batch of the probe (schedstat),
     *                       -1 without schedstat
     * @param batchCpuNanos  ksmd's mean CPU per batch of the probe (a wake-up and one page), -1
     *                       when ksmd's CPU cannot be read
     */
    public record Lateness(int latePermille, int extraPermille, int longWakePermille, long sleeps, double meanPeriodMs,
                           long sleepMillis, int ticksPerSleep, long wakeWaitNanos, long batchCpuNanos) {
        public Lateness(int latePermille, int extraPermille, int longWakePermille, long sleeps, double meanPeriodMs,
                        long sleepMillis, int ticksPerSleep, long wakeWaitNanos) {
            this(latePermille, extraPermille, longWakePermille, sleeps, meanPeriodMs, sleepMillis, ticksPerSleep, wakeWaitNanos, -1);
        }

        public String describe() {
            return String.format("%d per mille of %d sleeps of sleep_millisecs=%d took a tick more than %d (mean period %.2f ms);"
                    + " %d per mille waited a tick or more for a CPU (mean wait %s): %d per mille late timers; ksmd's CPU per"
                    + " one-page batch %s",
                    extraPermille, sleeps, sleepMillis, ticksPerSleep, meanPeriodMs, longWakePermille,
                    wakeWaitNanos < 0 ? "unknown" : String.format("%.3f ms", wakeWaitNanos / 1e6), latePermille,
                    batchCpuNanos < 0 ? "unknown" : String.format("%.1f µs", batchCpuNanos / 1e3));
        }

        /** This probe with ksmd's mean CPU per batch. */
        Lateness withBatchCpu(long nanos) {
            return new Lateness(latePermille, extraPermille, longWakePermille, sleeps, meanPeriodMs, sleepMillis, ticksPerSleep,
                    wakeWaitNanos, nanos);
        }

        /** Two probes as one (the one before a workload and the one after it), weighted by their sleeps. */
        public static Lateness combine(Lateness a, Lateness b) {
            long n = a.sleeps + b.sleeps;
            int extra = (int) Math.round((a.extraPermille * (double) a.sleeps + b.extraPermille * (double) b.sleeps) / n);
            int longWake = (int) Math.round((a.longWakePermille * (double) a.sleeps + b.longWakePermille * (double) b.sleeps) / n);
            long wait = a.wakeWaitNanos < 0 || b.wakeWaitNanos < 0 ? Math.max(a.wakeWaitNanos, b.wakeWaitNanos)
                    : Math.round((a.wakeWaitNanos * (double) a.sleeps + b.wakeWaitNanos * (double) b.sleeps) / n);
            long cpu = a.batchCpuNanos < 0 || b.batchCpuNanos < 0 ? Math.max(a.batchCpuNanos, b.batchCpuNanos)
                    : Math.round((a.batchCpuNanos * (double) a.sleeps + b.batchCpuNanos * (double) b.sleeps) / n);
            return new Lateness(Math.max(0, extra - longWake), extra, longWake, n,
                    (a.meanPeriodMs * a.sleeps + b.meanPeriodMs * b.sleeps) / n, a.sleepMillis, a.ticksPerSleep, wait, cpu);
        }

        /** With the probe's wake-up waits: the late timers are the extra ticks the long waits do not explain. */
        Lateness withWakeWaits(long meanNanos, int longPermille) {
            return new Lateness(Math.max(0, extraPermille - longPermille), extraPermille, longPermille, sleeps, meanPeriodMs,
                    sleepMillis, ticksPerSleep, meanNanos, batchCpuNanos);
        }
    }

    /** The probe's sleep: the kernel's default, and what the scenarios use. */
    static final long PROBE_SLEEP_MILLIS = 20;
    /** The probe's process: more unique pages than batches in the probe, so no pass ends in it. */
    static final String PROBE_WORKLOAD = "dup:pages=4096,distinct=0";

    private KsmdPacing() {
    }

    /**
     * The model's CPU for one batch of the probe without its wake-up (cost.wakeup_ns=0): a page
     * visited and checksummed in the first pass. ksmd's measured CPU per probe batch, at the
     * run's speed, less this, is what a wake-up costs ksmd on the machine then.
     */
    public static double modelBatchNanosWithoutWakeup() {
        Map<String, String> knobs = new java.util.LinkedHashMap<>(Scenario.KERNEL_DEFAULTS);
        knobs.put("pages_to_scan", "1");
        knobs.put("smart_scan", "0");
        knobs.put("sleep_millisecs", Long.toString(PROBE_SLEEP_MILLIS));
        knobs.put("cost.wakeup_ns", "0");
        var r = new org.ksmlab.engine.sim.Simulation(org.ksmlab.engine.workload.Workloads.create(PROBE_WORKLOAD), ModelRunner.ALGO,
                knobs, new org.ksmlab.engine.sim.Simulation.Options(100, 24L * 3600 * 1000, 2_000, -1, false, 2)).run();
        long cpu = ((Number) r.finalCounters().get("ksmd_cpu_ns")).longValue();
        long pages = ((Number) r.finalCounters().get("pages_scanned")).longValue();
        return cpu / (double) pages;
    }

    /** CONFIG_HZ of the running kernel: /proc/config.gz, else clock_getres(CLOCK_MONOTONIC_COARSE). */
    public static Hz detectHz(Path configGz) {
        Optional<Integer> fromConfig = configHz(configGz);
        if (fromConfig.isPresent()) {
            return new Hz(fromConfig.get(), "CONFIG_HZ in " + configGz);
        }
        long tick = Libc.coarseClockResolutionNanos();
        int hz = (int) Math.round(1e9 / tick);
        return new Hz(hz, "clock_getres(CLOCK_MONOTONIC_COARSE) = " + tick + " ns (no CONFIG_HZ in " + configGz + ")");
    }

    /** CONFIG_HZ=N of a gzip'd kernel config, if the file is there and has it. */
    static Optional<Integer> configHz(Path configGz) {
        if (!Files.isReadable(configGz)) {
            return Optional.empty();
        }
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(configGz)), StandardCharsets.US_ASCII))) {
            return configHz(r.lines().toList());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    static Optional<Integer> configHz(List<String> lines) {
        for (String line : lines) {
            if (line.startsWith("CONFIG_HZ=")) {
                return Optional.of(Integer.parseInt(line.substring("CONFIG_HZ=".length()).strip()));
            }
        }
        return Optional.empty();
    }

    /**
     * Runs the lateness probe (ksmd must be stopped and every KSM page unmerged: kernel-check
     * calls it between workloads, under its lock, with the knobs saved). Leaves ksmd stopped
     * (run=2, then 0) with pages_to_scan=1, sleep_millisecs=20 and smart_scan=0; the next
     * workload writes its own knobs.
     */
    public static Lateness probe(KsmSysfs sysfs, Ksmd ksmd, KernelRunner.Guard guard, int hz, long durationMs) throws IOException, InterruptedException {
        guard.check();
        sysfs.unmergeAll(60_000);
        guard.write(sysfs, "run", "0");
        if (!"none".equals(sysfs.readKnob("advisor_mode"))) {
            guard.write(sysfs, "advisor_mode", "none");
        }
        guard.write(sysfs, "smart_scan", "0");
        guard.write(sysfs, "pages_to_scan", "1");
        guard.write(sysfs, "sleep_millisecs", Long.toString(PROBE_SLEEP_MILLIS));
        List<long[]> seen = new ArrayList<>(); // {nanoTime, pages_scanned, ksmd's wait ns so far, ksmd's CPU ns} at every change
        Ksmd.RunWait rw0 = null;
        long scanned0;
        try (WorkloadProcesses p = WorkloadProcesses.start(PROBE_WORKLOAD, DupLayout.of(PROBE_WORKLOAD), "madvise", 120_000)) {
            guard.current = p;
            long last = sysfs.readLong("pages_scanned");
            scanned0 = last;
            rw0 = ksmd == null ? null : ksmd.runWait().orElse(null);
            long t0 = System.nanoTime();
            guard.write(sysfs, "run", "1");
            while (System.nanoTime() - t0 < durationMs * 1_000_000L) {
                guard.check();
                LockSupport.parkNanos(KernelRunner.POLL_NANOS);
                long v = sysfs.readLong("pages_scanned");
                if (v != last) {
                    Ksmd.RunWait rw = rw0 == null ? null : ksmd.runWait().orElse(null);
                    seen.add(new long[] {System.nanoTime(), v, rw == null ? -1 : rw.waitNanos(), ksmd == null ? -1 : ksmd.cpuNanos()});
                    last = v;
                }
            }
            sysfs.unmergeAll(60_000);
        } finally {
            guard.current = null;
        }
        if (seen.size() < 3) {
            throw new IllegalStateException("ksmd pacing probe: ksmd ran only " + seen.size() + " batches in " + durationMs + " ms");
        }
        long[] first = seen.get(1); // the first one may be run=1's immediate batch, not a timed wake-up
        long[] end = seen.get(seen.size() - 1);
        Lateness l = lateness(end[0] - first[0], end[1] - first[1], PROBE_SLEEP_MILLIS, hz);
        if (ksmd != null && end[1] > first[1]) {
            l = l.withBatchCpu((end[3] - first[3]) / (end[1] - first[1])); // one page per batch
        }
        if (rw0 == null || first[2] < 0) {
            return l;
        }
        // Each batch is one page, a sleep apart: ksmd's wait between two batches seen is the second one's wake-up wait.
        long tick = 1_000_000_000L / hz;
        long waits = 0, longWaits = 0, n = 0;
        for (int i = 2; i < seen.size(); i++) {
            long w = seen.get(i)[2] - seen.get(i - 1)[2];
            long batches = seen.get(i)[1] - seen.get(i - 1)[1];
            waits += w;
            n += batches;
            if (batches == 1 && w >= tick) longWaits++;
        }
        return l.withWakeWaits(n == 0 ? 0 : waits / n, n == 0 ? 0 : (int) Math.round(1000.0 * longWaits / n));
    }

    /**
     * The late share from {@code batches} sleeps that took {@code spanNanos} in all: the ticks they
     * took (rounded) beyond msecs_to_jiffies(sleep) + 1 each, per mille of the sleeps, within
     * 0..1000.
     */
    static Lateness lateness(long spanNanos, long batches, long sleepMillis, int hz) {
        int ticksPerSleep = (int) (Math.ceilDiv(sleepMillis * hz, 1000) + 1);
        long ticks = Math.round(spanNanos * (double) hz / 1e9);
        long late = ticks - batches * ticksPerSleep;
        int permille = (int) Math.max(0, Math.min(1000, Math.round(1000.0 * late / batches)));
        return new Lateness(permille, permille, 0, batches, spanNanos / 1e6 / batches, sleepMillis, ticksPerSleep, -1);
    }
}
