package org.ksmlab.livekernel;

import org.ksmlab.engine.workload.DupLayout;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs one {@link Scenario} on the live kernel and records one sample per full scan.
 *
 * <p>Sequence: run=2 (unmerge, stop; also resets full_scans) and wait for pages_shared ==
 * pages_sharing == 0 → run=0 → knobs (the kernel defaults overridden by the scenario's) → start
 * the processes, which write their memory and opt in while ksmd is stopped (so, as the kernel
 * measurements showed, their mms are visited in the very first pass) → sample 0 → run=1 → poll
 * full_scans every {@link #POLL_NANOS}; at every increment record all counters, the summed
 * ksm_stat of the processes and ksmd's CPU → stop when stable (the same rule as the model's
 * {@code --until-stable}: the stability counters equal over the last two full scans), after
 * {@link Limits#maxFullScans} scans or {@link Limits#maxMs} → run=2, wait, end the processes.
 *
 * <p>Counters in a sample: every /sys/kernel/mm/ksm counter, with {@code full_scans},
 * {@code pages_scanned} and {@code pages_skipped} relative to run=1 (the last two are cumulative
 * since boot in the kernel); {@code proc_ksm_*} sums of /proc/PID/ksm_stat; {@code ksmd_cpu_ns}
 * relative to run=1; {@code wall_ms} since run=1, at the middle of the poll interval in which
 * full_scans moved ({@link #boundaryMs}).
 */
public final class KernelRunner {
    /** Counters whose stability ends a run (as the model's ksm algorithm's stability counters). */
    public static final List<String> STABILITY = List.of("pages_shared", "pages_sharing", "pages_unshared", "ksm_zero_pages");
    static final long POLL_NANOS = 2_000_000;

    /** Bounds of one scenario run. */
    public record Limits(int maxFullScans, long maxMs, int stableScans) {
        /** 30 full scans, 300 s: the grid's slowest point (65,536 pages, pages_to_scan=100) needs about 70 s. */
        public static Limits defaults() {
            return new Limits(30, 300_000, 2);
        }
    }

    private final KsmSysfs sysfs;
    private final Ksmd ksmd;
    private final Path proc;
    private final Limits limits;
    private final Guard guard;

    /** Shared with the shutdown hook: current processes, and whether to stop. */
    public static final class Guard {
        volatile boolean aborted;
        volatile WorkloadProcesses current;

        /** Stops the run: after this returns, the runner writes no knob any more. */
        public void abort() {
            synchronized (this) {
                aborted = true;
            }
            WorkloadProcesses w = current;
            if (w != null) w.close();
        }

        void check() {
            if (aborted) throw new Interrupted();
        }

        /** A knob write that cannot slip in after {@link #abort} (the restore would be undone). */
        synchronized void write(KsmSysfs sysfs, String knob, String value) {
            check();
            sysfs.write(knob, value);
        }
    }

    /** The run was stopped (Ctrl-C / SIGTERM); the shutdown hook restores the knobs. */
    public static final class Interrupted extends RuntimeException {
        Interrupted() {
            super("kernel-check interrupted");
        }
    }

    public KernelRunner(KsmSysfs sysfs, Ksmd ksmd, Path proc, Limits limits, Guard guard) {
        this.sysfs = sysfs;
        this.ksmd = ksmd;
        this.proc = proc;
        this.limits = limits;
        this.guard = guard;
    }

    public SideResult run(Scenario sc) throws IOException, InterruptedException {
        DupLayout layout = DupLayout.of(sc.modelSpec());
        guard.check();
        sysfs.unmergeAll(60_000);
        guard.write(sysfs, "run", "0");
        writeKnobs(sc.kernelKnobs());
        List<Map<String, Long>> series = new ArrayList<>();
        try (WorkloadProcesses procs = WorkloadProcesses.start(sc.modelSpec(), layout, sc.via(), 120_000)) {
            guard.current = procs;
            guard.check();
            List<Integer> pids = procs.pids();
            Map<String, Long> base = sysfs.counters();
            long cpu0 = ksmd == null ? 0 : ksmd.cpuNanos();
            Ksmd.RunWait rw0 = ksmd == null ? null : ksmd.runWait().orElse(null);
            long[] wakeups = {0};
            series.add(sample(base, base, pids, cpu0, 0, rw0, 0));
            long t0 = System.nanoTime();
            guard.write(sysfs, "run", "1");
            long lastFs = 0;
            long deadline = t0 + limits.maxMs() * 1_000_000L;
            boolean stable = false;
            long lastScanned = base.get("pages_scanned");
            boolean moving = false; // whether ksmd's counters moved since the poll before
            long lastPoll = t0; // when the poll before read full_scans
            while (System.nanoTime() < deadline && lastFs < limits.maxFullScans()) {
                guard.check();
                LockSupport.parkNanos(POLL_NANOS);
                long fs = sysfs.readLong("full_scans") - base.get("full_scans");
                long poll = System.nanoTime();
                long previousPoll = lastPoll;
                lastPoll = poll;
                long scanned = sysfs.readLong("pages_scanned");
                boolean moved = scanned != lastScanned || fs != lastFs;
                if (moved && !moving) {
                    wakeups[0]++; // a batch began: with batches a sleep apart (>= 4 ms), each one starts after a still poll
                }
                moving = moved;
                lastScanned = scanned;
                if (fs <= lastFs) {
                    continue;
                }
                lastFs = fs;
                series.add(sample(sysfs.counters(), base, pids, cpu0, boundaryMs(t0, previousPoll, poll), rw0, wakeups[0]));
                if (isStable(series, limits.stableScans())) {
                    stable = true;
                    break;
                }
            }
            Ksmd.RunWait rw1 = rw0 == null ? null : ksmd.runWait().orElse(null);
            sysfs.unmergeAll(60_000);
            SideResult r = result(series, stable, pids.size());
            // With sleep_millisecs=0 ksmd is woken once (run=1) and runs its batches back to back.
            long woken = "0".equals(sc.kernelKnobs().get("sleep_millisecs")) ? 1 : Math.max(1, wakeups[0]);
            Map<String, Object> timing = timing(cpu0, rw0, rw1, woken);
            timing.put("sleep_millisecs", sc.kernelKnobs().get("sleep_millisecs"));
            r.extra().put("timing", timing);
            return r;
        } finally {
            guard.current = null;
        }
    }

    /**
     * When a full scan ended, in ms since run=1: it ended between the poll before ({@code
     * previousPoll}, or run=1) and the poll that saw full_scans move ({@code poll}); the middle of
     * that interval is off by at most half of it (about 1 ms) either way, where the poll's own time
     * (and the counter reads after it, which a sample took before) was always late, by about 1 to
     * 2 ms: 0.5 % of a 4,000-page workload's time to converge (the model's time is exact).
     */
    static long boundaryMs(long t0, long previousPoll, long poll) {
        return Math.round((previousPoll + (poll - previousPoll) / 2.0 - t0) / 1e6);
    }

    /**
     * The workload's knobs: the kernel defaults overridden by the workload's. advisor_mode is
     * written none first and, for scan-time, last: switching it is what zeroes the advisor's state
     * (advisor_ctx) and sets pages_to_scan to advisor_min_pages_to_scan, so the advisor starts from
     * the same state whatever the previous workload left, and from the advisor knobs given here.
     * pages_to_scan is the advisor's in scan-time mode (the kernel refuses writes: EINVAL).
     */
    private void writeKnobs(Map<String, String> knobs) {
        boolean scanTime = "scan-time".equals(knobs.get("advisor_mode"));
        if (!"none".equals(sysfs.readKnob("advisor_mode"))) {
            guard.write(sysfs, "advisor_mode", "none");
        }
        for (String k : SavedKnobs.order(knobs.keySet())) {
            guard.check();
            if (k.equals("advisor_mode") || (scanTime && k.equals("pages_to_scan"))) {
                continue;
            }
            String v = knobs.get(k);
            if (sysfs.hasKnob(k) && !sysfs.readKnob(k).equals(v)) {
                guard.write(sysfs, k, v);
            }
        }
        if (scanTime) {
            guard.write(sysfs, "advisor_mode", "scan-time");
        }
    }

    /**
     * ksmd's time in the run, as the model needs it: its CPU before run=1 (the scan-time advisor's
     * first pass counts it), how long it ran and waited on a run queue (schedstat) and how often
     * it was woken (the polls that saw its counters move: with a sleep between batches, one per
     * batch), from which {@link KernelCheck} works out its share of a CPU (the machine's load,
     * which no model of the kernel knows).
     */
    static Map<String, Object> timing(long cpu0, Ksmd.RunWait before, Ksmd.RunWait after, long wakeups) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ksmd_prior_cpu_ns", cpu0);
        if (before != null && after != null) {
            Ksmd.RunWait d = after.minus(before);
            m.put("ksmd_run_ns", d.runNanos());
            m.put("ksmd_wait_ns", d.waitNanos());
            m.put("ksmd_timeslices", d.timeslices());
            m.put("wakeups", wakeups);
        }
        return m;
    }

    /**
     * One sample: the counters, ksmd's CPU, and (with schedstat) how long ksmd waited on run
     * queues, how many times it got a CPU and how many wake-ups the polls saw, all since run=1.
     */
    private Map<String, Long> sample(Map<String, Long> now, Map<String, Long> base, List<Integer> pids, long cpu0, long wallMs,
                                     Ksmd.RunWait rw0, long wakeups) {
        Map<String, Long> s = counterSample(now, base, proc, pids, ksmd, cpu0, wallMs);
        s.put("pages_to_scan", sysfs.readLong("pages_to_scan")); // the advisor's choice for the next pass
        Ksmd.RunWait rw = rw0 == null ? null : ksmd.runWait().orElse(null);
        if (rw != null) {
            Ksmd.RunWait d = rw.minus(rw0);
            s.put("ksmd_wait_ns", d.waitNanos());
            s.put("ksmd_timeslices", d.timeslices());
            s.put("ksmd_wakeups", wakeups);
        }
        return s;
    }

    /**
     * The part of a sample every live side takes: the wall time since run=1, the sysfs counters
     * (the cumulative ones since {@code base}), the processes' ksm_stat summed, and ksmd's CPU
     * since {@code cpu0}.
     */
    static Map<String, Long> counterSample(Map<String, Long> now, Map<String, Long> base, Path proc, List<Integer> pids,
                                           Ksmd ksmd, long cpu0, long wallMs) {
        Map<String, Long> s = new LinkedHashMap<>();
        s.put("wall_ms", wallMs);
        for (Map.Entry<String, Long> e : now.entrySet()) {
            String k = e.getKey();
            boolean relative = k.equals("full_scans") || k.equals("pages_scanned") || k.equals("pages_skipped");
            s.put(k, relative ? e.getValue() - base.getOrDefault(k, 0L) : e.getValue());
        }
        List<KsmStat> stats = new ArrayList<>();
        for (int pid : pids) stats.add(KsmStat.read(proc, pid));
        s.putAll(KsmStat.sum(stats));
        s.put("ksmd_cpu_ns", ksmd == null ? 0 : ksmd.cpuNanos() - cpu0);
        return s;
    }

    static boolean isStable(List<Map<String, Long>> series, int stableScans) {
        int n = series.size();
        if (n <= stableScans) return false;
        Map<String, Long> last = series.get(n - 1);
        for (int i = n - 1 - stableScans; i < n - 1; i++) {
            if (!same(series.get(i), last)) return false;
        }
        return true;
    }

    static boolean same(Map<String, Long> a, Map<String, Long> b) {
        for (String k : STABILITY) {
            if (!Objects.equals(a.get(k), b.get(k))) return false;
        }
        return true;
    }

    /** First sample index from which the stability counters kept their final values. */
    static int convergedIndex(List<Map<String, Long>> series) {
        Map<String, Long> last = series.get(series.size() - 1);
        int i = series.size() - 1;
        while (i > 0 && same(series.get(i - 1), last)) i--;
        return i;
    }

    static SideResult result(List<Map<String, Long>> series, boolean stable, int processes) {
        Map<String, Long> last = series.get(series.size() - 1);
        Map<String, Object> fin = new LinkedHashMap<>(last);
        fin.put("stable", stable ? 1L : 0L);
        Map<String, Long> at = series.get(convergedIndex(series));
        long convScans = at.get("full_scans");
        long convMs = at.get("wall_ms");
        fin.put("converged_full_scans", convScans);
        fin.put("converged_ms", convMs);
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("cpu", cpu(series));
        extra.put("processes", processes);
        return new SideResult(fin, convScans, convMs, List.copyOf(series), extra, null);
    }

    /**
     * ksmd CPU per pages_scanned increment: over the whole run, over the first pass (checksums
     * only), and over the passes after convergence (steady state).
     */
    static Map<String, Object> cpu(List<Map<String, Long>> series) {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Long> last = series.get(series.size() - 1);
        m.put("ksmd_cpu_ns", last.get("ksmd_cpu_ns"));
        m.put("pages_scanned", last.get("pages_scanned"));
        m.put("ns_per_scanned_page", perPage(series.get(0), last));
        if (series.size() > 1) {
            m.put("first_pass_ns_per_page", perPage(series.get(0), series.get(1)));
        }
        int conv = convergedIndex(series);
        if (conv < series.size() - 1) {
            m.put("steady_ns_per_page", perPage(series.get(conv), last));
        }
        return m;
    }

    static Double perPage(Map<String, Long> from, Map<String, Long> to) {
        long pages = to.get("pages_scanned") - from.get("pages_scanned");
        long ns = to.get("ksmd_cpu_ns") - from.get("ksmd_cpu_ns");
        return pages <= 0 ? null : Math.round(10.0 * ns / pages) / 10.0;
    }
}
