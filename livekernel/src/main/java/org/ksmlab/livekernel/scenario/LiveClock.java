package org.ksmlab.livekernel.scenario;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.ksmlab.livekernel.KsmSysfs;

/**
 * The passing of time on the live kernel, for {@link LiveMachine}. The model's steps take no time;
 * here the steps between two waits run with ksmd paused ({@code run=0}: the write returns only
 * after a batch in progress has finished, as it takes ksm_thread_mutex, and keeps merged pages,
 * rmap_items and the scan cursor), so counters read at a phase show the steps' own effect, as in
 * the model. Waits set {@code run} to what the scenario asked for (1 unless it wrote another value)
 * and pause again after: a wait for N full scans returns once {@code full_scans} has grown by N, a
 * wait until stable once the stability counters ({@link #STABILITY}) agree over the last three of
 * at least three full scans inside the wait ({@link #stable}, the model's rule), both bounded
 * ({@link LiveMachine.Limits}). {@code every} bodies run on a wall-clock timer during waits.
 */
final class LiveClock {
    /** Counters whose stability ends a wait until stable (as the model's ksm algorithm). */
    static final List<String> STABILITY = List.of("pages_shared", "pages_sharing", "pages_unshared", "ksm_zero_pages");

    /**
     * The least sleep between ksmd's batches while a wait counts full scans. A pass ends with a
     * batch, then ksmd sleeps: the poll (about 1 ms) sees full_scans move during that sleep and
     * pauses ksmd before another batch starts. With a scenario's sleep_millisecs of 0 batches run
     * back to back and a wait for 2 full scans would see thousands; so such waits run with this
     * sleep. A pass's counters do not depend on the sleep between batches (only wall time does).
     */
    static final long PASS_WAIT_SLEEP_MS = 20;

    /** One periodic body ({@code every}). */
    private static final class Timer {
        final long periodNanos;
        long dueNanos;
        final Runnable action;

        Timer(long periodNanos, long dueNanos, Runnable action) {
            this.periodNanos = periodNanos;
            this.dueNanos = dueNanos;
            this.action = action;
        }
    }

    /** Where full_scans and the stability counters are read. */
    private final KsmSysfs sysfs;
    /** Bounds of the waits. */
    private final LiveMachine.Limits limits;
    /** The machine's knob write (it refuses once the run was aborted). */
    private final BiConsumer<String, String> knob;
    /** The global sysfs counters as the machine reports them (cumulative ones relative to the start). */
    private final Supplier<Map<String, Long>> counters;
    /** Where a note for a reader of the counters goes (a wait that ended late). */
    private final Consumer<String> note;
    /** The {@code every} bodies, run while time passes. */
    private final List<Timer> timers = new ArrayList<>();
    /** One sample of the global counters per full scan seen during waits. */
    private final List<Map<String, Long>> series = new ArrayList<>();
    /** When the run started (nowMs counts from here). */
    private final long startNanos;
    /** What the scenario wants {@code run} to be while time passes ("1" unless it wrote another). */
    private String desiredRun = "1";
    /** The scenario's sleep_millisecs (what ms waits run with). */
    private long sleepMs;

    LiveClock(KsmSysfs sysfs, LiveMachine.Limits limits, BiConsumer<String, String> knob, Supplier<Map<String, Long>> counters,
              Consumer<String> note) {
        this.sysfs = sysfs;
        this.limits = limits;
        this.knob = knob;
        this.counters = counters;
        this.note = note;
        this.startNanos = System.nanoTime();
    }

    /**
     * The scenario writes {@code run}: what it wants while time passes; steps run paused, so the
     * knob goes to 0 now, or to 2, which unmerges at once.
     */
    void writeRun(String v) {
        if (!v.equals("0") && !v.equals("1") && !v.equals("2")) {
            throw new IllegalArgumentException("cannot set run=" + v + ": EINVAL: the kernel refused the value (0, 1 or 2)");
        }
        desiredRun = v;
        knob.accept("run", v.equals("2") ? "2" : "0"); // steps run paused; 2 unmerges now
    }

    /** Reads the scenario's sleep_millisecs back from the kernel (after it was written). */
    void readSleepMillisecs() {
        sleepMs = sysfs.readLong("sleep_millisecs");
    }

    /** The per-full-scan samples taken during waits (global sysfs counters and {@code wall_ms}). */
    List<Map<String, Long>> series() {
        return List.copyOf(series);
    }

    private void resume(boolean countingPasses) {
        if (countingPasses && sleepMs < PASS_WAIT_SLEEP_MS) knob.accept("sleep_millisecs", Long.toString(PASS_WAIT_SLEEP_MS));
        if (!desiredRun.equals("2")) knob.accept("run", desiredRun);
    }

    /** run=0; the write waits for a batch in progress (ksm_thread_mutex), so no scan runs after it returns. */
    private void pause(boolean countingPasses) {
        if (!desiredRun.equals("2")) knob.accept("run", "0");
        if (countingPasses && sleepMs < PASS_WAIT_SLEEP_MS) knob.accept("sleep_millisecs", Long.toString(sleepMs));
    }

    void runForMs(long ms) {
        resume(false);
        try {
            long end = System.nanoTime() + ms * 1_000_000L;
            long fs = sysfs.readLong("full_scans");
            while (System.nanoTime() < end) {
                fs = tick(fs, end);
            }
        } finally {
            pause(false);
        }
    }

    void runFullScans(long n) {
        long start = sysfs.readLong("full_scans");
        resume(true);
        boolean done = false;
        try {
            long fs = start;
            long t0 = System.nanoTime();
            long end = t0 + limits.maxWaitMs() * 1_000_000L;
            while (fs < start + n) {
                if (System.nanoTime() > end) {
                    throw new IllegalStateException("wait for " + n + " full scans: ksmd completed " + (fs - start) + " in " + limits.maxWaitMs() / 1000
                            + " s" + (desiredRun.equals("1") ? "" : " (the scenario set run=" + desiredRun + ")")
                            + "; ksmd does not scan while no process has mergeable memory");
                }
                fs = tick(fs, end);
            }
            done = true;
        } finally {
            pause(true);
        }
        if (done) lateBy(start + n, "a wait for " + n + " full scans");
    }

    /** After a pause: a pass beyond {@code target} means the wait ended late (noted, with how many). */
    private void lateBy(long target, String what) {
        long fs = sysfs.readLong("full_scans");
        if (fs > target) {
            note.accept(what + " at " + nowMs() + " ms ended " + (fs - target) + " full scan" + (fs - target == 1 ? "" : "s")
                    + " late (ksmd was paused after full scan " + fs + ", not " + target + ")");
        }
    }

    void runUntilStable() {
        resume(true);
        long target = -1;
        try {
            List<Map<String, Long>> samples = new ArrayList<>(); // one per full scan inside this wait
            long fs = sysfs.readLong("full_scans");
            long start = fs;
            long end = System.nanoTime() + limits.maxStableMs() * 1_000_000L;
            while (!stable(samples)) {
                if (fs - start >= limits.maxStableScans() || System.nanoTime() > end) {
                    throw new IllegalStateException("wait until stable: " + STABILITY + " did not hold still over 2 full scans within "
                            + (fs - start) + " full scans (" + limits.maxStableScans() + " at most, " + limits.maxStableMs() / 1000 + " s); last "
                            + (samples.isEmpty() ? stability() : samples.getLast()));
                }
                long before = fs;
                fs = tick(fs, end);
                if (fs > before) samples.add(stability());
            }
            target = fs;
        } finally {
            pause(true);
        }
        lateBy(target, "a wait until stable");
    }

    private Map<String, Long> stability() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (String k : STABILITY) m.put(k, sysfs.readLong(k));
        return m;
    }

    /**
     * The model's rule ({@code ModelMachine.runUntilStable}): at least three full scans inside the
     * wait, and the samples of the last three agree (held still over two full scans). A pass over
     * new pages only takes checksums and moves no stability counter, so a sample from before the
     * wait could make it look stable before anything merged.
     */
    static boolean stable(List<Map<String, Long>> samples) {
        int n = samples.size();
        return n >= 3 && samples.get(n - 1).equals(samples.get(n - 2)) && samples.get(n - 2).equals(samples.get(n - 3));
    }

    /**
     * One poll (about 1 ms) while time passes: runs due {@code every} bodies, records a sample when
     * {@code full_scans} moved past {@code fs}; returns the new full_scans.
     */
    private long tick(long fs, long endNanos) {
        long now = System.nanoTime();
        for (Timer t : timers) {
            if (t.dueNanos <= now && now < endNanos) {
                t.action.run();
                t.dueNanos += t.periodNanos;
            }
        }
        LockSupport.parkNanos(1_000_000);
        if (Thread.interrupted()) throw new IllegalStateException("interrupted");
        long now2 = sysfs.readLong("full_scans");
        if (now2 > fs + 1) {
            note.accept("full scans " + (fs + 1) + " to " + now2 + " ended between two polls at " + nowMs() + " ms (one sample for them)");
        }
        if (now2 != fs) {
            Map<String, Long> s = new LinkedHashMap<>();
            s.put("wall_ms", nowMs());
            s.putAll(counters.get());
            series.add(s);
        }
        return now2;
    }

    void every(long periodMs, Runnable action) {
        if (periodMs <= 0) throw new IllegalArgumentException("every: period must be > 0 ms");
        long p = periodMs * 1_000_000L;
        timers.add(new Timer(p, System.nanoTime() + p, action));
    }

    long nowMs() {
        return (System.nanoTime() - startNanos) / 1_000_000L;
    }
}
