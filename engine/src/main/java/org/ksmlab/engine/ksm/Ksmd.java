package org.ksmlab.engine.ksm;

import org.ksmlab.engine.cost.CostModel;
import org.ksmlab.engine.cost.WorkCounts;
import org.ksmlab.engine.mm.KernelConfig;

/**
 * ksmd's time: when it wakes, how long its batches take and how much CPU it has used, and the
 * scan-time advisor that retunes pages_to_scan from that CPU time at the end of every pass.
 *
 * <h2>Pacing, as ksm_scan_thread does it (measured on Linux 6.18, README "ksmd's time")</h2>
 * <ol>
 * <li>A batch's CPU time is the cost model's price of its work times
 *     {@code kernel.ksmd_cpu_cost_permille} / 1000 (how fast the machine runs ksmd at the time).
 *     A batch starts when ksmd wakes and lasts that CPU time divided by ksmd's share of a
 *     CPU ({@code kernel.ksmd_cpu_share_permille}: on a busy machine the nice-5 thread waits on a
 *     run queue), at least {@link #MIN_WAKE_NANOS}. With {@code kernel.ksmd_preempt_wait_us} set,
 *     that extra time comes in whole waits of that length, as a preempted thread waits out
 *     another's slice: the waits owed accumulate from batch to batch and a batch takes as many
 *     whole waits as are owed (an error accumulator, deterministic), so the mean share holds while
 *     an occasional batch is long enough to outlast a tick. Virtual time does not move inside a batch:
 *     everything a batch does happens at {@link #batchStartNanos()}.</li>
 * <li>Then ksmd sleeps in whole ticks of the kernel's clock ({@code kernel.hz}):
 *     {@code wait_event_freezable_timeout(..., msecs_to_jiffies(sleep_millisecs))} arms a timer
 *     for jiffies + msecs_to_jiffies(sleep_millisecs), counted from the tick the batch ended in,
 *     and the timer wheel puts it in the bucket after that ({@link #bucketExpiry}: level 0 rounds
 *     up by one tick, outer levels to their granularity), so ksmd wakes on a tick: 6 ticks
 *     (24 ms) after the tick its batch ended in for sleep_millisecs=20 at HZ=250. A batch that
 *     outlasts a tick therefore delays the next wake-up by whole ticks.</li>
 * <li>A fraction of the timers runs one tick late ({@code kernel.timer_late_permille}, measured:
 *     the expiring CPU's tick can run before jiffies has moved on); the model spreads the late
 *     ticks evenly over the sleeps (an error accumulator, so runs stay deterministic). ksmd then
 *     waits {@code kernel.ksmd_wake_latency_us} for a CPU (a nice-5 thread on a busy machine)
 *     before its batch starts.</li>
 * <li>sleep_millisecs=0: msecs_to_jiffies(0)=0 and the wait returns at once: batches run back to
 *     back.</li>
 * </ol>
 * Ticks lie at (k + ½)·10⁹/HZ ns of virtual time: time 0 (where a run starts ksmd) is in the
 * middle of a tick, the mean of where a real run=1 lands. The wake-up latency is one value for
 * every wake-up (its mean); real ones vary (measured on a quiet machine: median a few µs, mean
 * 0.1-0.3 ms, a few up to a tick). Not modelled: lru_add_drain_all's wait at the start of a pass
 * (tenths of a ms).
 *
 * @see "mm/ksm.c: ksm_scan_thread, advisor_start_scan, advisor_stop_scan"
 * @see "kernel/time/timer.c: calc_wheel_index, schedule_timeout"
 */
final class Ksmd {
    /** Model time of one ksmd wake-up that did no work (loop overhead), so virtual time advances. */
    static final long MIN_WAKE_NANOS = 1_000;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    /** The timer wheel: 64 buckets per level, each level 8 times coarser (kernel/time/timer.c). */
    private static final int LVL_CLK_SHIFT = 3;
    private static final int LVL_BITS = 6;

    private final CostModel costs;
    /** The work counts every part of KSM adds to; the CPU time is computed from them. */
    private final WorkCounts work;
    private final Advisor advisor = new Advisor();
    /** The work counts when the current batch started. */
    private final WorkCounts batchStart = new WorkCounts();

    /** CONFIG_HZ. */
    private int hz = KernelConfig.DEFAULTS.hz();
    /** Per mille of timed sleeps that end one tick late. */
    private int timerLatePermille = KernelConfig.DEFAULTS.timerLatePermille();
    /** ksmd's share of a CPU while it runs a batch, per mille. */
    private int cpuSharePermille = KernelConfig.DEFAULTS.ksmdCpuSharePermille();
    /** From the tick that ends a sleep to the batch's start. */
    private long wakeLatencyNanos;
    /** ksmd's CPU time before the run (the advisor's first pass counts it). */
    private long priorCpuNanos;
    /** ksmd's CPU for the cost model's work, per mille: how fast the machine runs it. */
    private int cpuCostPermille = KernelConfig.DEFAULTS.ksmdCpuCostPermille();
    /** Late ticks owed, in per mille of a sleep: one tick is added when it reaches 1000. */
    private long lateOwedPermille = 500;
    /** How long each preemption inside a batch waits (0: the share stretches every batch evenly). */
    private long preemptWaitNanos;
    /** Preemption wait owed (the share's stretch not yet taken as whole waits), ns; starts at half a wait. */
    private long preemptOwedNanos;

    /** Modelled CPU time of all finished batches. */
    private long cpuNanos;
    private long nextWakeNanos;
    private long batchStartNanos;
    /** When the last batch ended (-1 before the first): a batch starting later began with a wake-up. */
    private long batchEndNanos = -1;
    /** Whether the last batch completed a full scan. */
    private boolean passCompleted;

    Ksmd(CostModel costs, WorkCounts work) {
        this.costs = costs;
        this.work = work;
    }

    /** The kernel's clock and the machine's share of it, from the kernel knobs. */
    void configure(KernelConfig config) {
        hz = config.hz();
        timerLatePermille = config.timerLatePermille();
        cpuSharePermille = config.ksmdCpuSharePermille();
        wakeLatencyNanos = config.ksmdWakeLatencyMicros() * 1000;
        priorCpuNanos = config.ksmdPriorCpuNanos();
        cpuCostPermille = config.ksmdCpuCostPermille();
        preemptWaitNanos = config.ksmdPreemptWaitMicros() * 1000;
        preemptOwedNanos = preemptWaitNanos / 2;
    }

    Advisor advisor() {
        return advisor;
    }

    long cpuNanos() {
        return cpuNanos;
    }

    long nextWakeNanos() {
        return nextWakeNanos;
    }

    long batchStartNanos() {
        return batchStartNanos;
    }

    long batchEndNanos() {
        return batchEndNanos;
    }

    boolean passCompleted() {
        return passCompleted;
    }

    /** ksmd wakes at {@code nowNanos} for one batch. */
    void startBatch(long nowNanos) {
        passCompleted = false;
        batchStartNanos = nowNanos;
        batchStart.clear();
        batchStart.add(work);
        if (nowNanos > batchEndNanos) {
            work.wakeups++; // it slept (or waited for work) since its last batch: scheduled in anew
        }
    }

    /** The batch is over: charge its CPU time, and sleep {@code sleepMillis} in ticks after it. */
    void endBatch(long sleepMillis) {
        long cpu = batchCpuNanos();
        cpuNanos += cpu;
        batchEndNanos = batchStartNanos + Math.max(cpu + preemptedNanos(wallNanos(cpu) - cpu), MIN_WAKE_NANOS);
        nextWakeNanos = wakeAfterSleep(batchEndNanos, sleepMillis);
    }

    /**
     * sleep_millisecs was written: the store wakes ksmd (wake_up_interruptible(&ksm_iter_wait))
     * and its wait ends because the value changed; a batch in progress sleeps the new value.
     */
    void sleepChanged(long nowNanos, long sleepMillis) {
        if (nowNanos < batchEndNanos) {
            nextWakeNanos = wakeAfterSleep(batchEndNanos, sleepMillis);
        } else if (nextWakeNanos > nowNanos) {
            nextWakeNanos = nowNanos;
        }
    }

    /** A full scan starts (the advisor notes the time). */
    void fullScanStarted(KsmKnobs knobs) {
        advisor.startScan(knobs, batchStartNanos);
    }

    /**
     * A full scan ended inside this batch: the advisor, if on, sets pages_to_scan from the pass's
     * length and ksmd's CPU time (task_sched_runtime: since ksmd started, before the run included)
     * up to this point of the batch.
     */
    void fullScanCompleted(KsmKnobs knobs) {
        long batchCpu = batchCpuNanos();
        long pages = advisor.stopScan(knobs, batchStartNanos + wallNanos(batchCpu), priorCpuNanos + cpuNanos + batchCpu);
        if (pages >= 0) {
            knobs.pagesToScan = pages;
        }
        passCompleted = true;
    }

    /** The batch's CPU so far: the cost model's price of its work, at the machine's speed. */
    private long batchCpuNanos() {
        long cpu = costs.cpuNanos(work.minus(batchStart));
        return cpuCostPermille == 1000 ? cpu : cpu * cpuCostPermille / 1000;
    }

    /** How long {@code cpuNanos} of work take when ksmd gets its share of a CPU. */
    private long wallNanos(long cpuNanos) {
        return cpuSharePermille == 1000 ? cpuNanos : cpuNanos * 1000 / cpuSharePermille;
    }

    /**
     * The time a batch waits preempted, given what its share implies ({@code stretch}): that much
     * when waits are spread evenly; otherwise whole preemption waits, as many as are owed with
     * this batch's stretch added (the rest stays owed).
     */
    private long preemptedNanos(long stretch) {
        if (preemptWaitNanos <= 0) {
            return stretch;
        }
        preemptOwedNanos += stretch;
        long waits = preemptOwedNanos / preemptWaitNanos;
        preemptOwedNanos -= waits * preemptWaitNanos;
        return waits * preemptWaitNanos;
    }

    /**
     * When ksmd wakes from sleeping {@code sleepMillis} after a batch that ended at {@code t}: at
     * once for 0; otherwise on the tick of the timer's bucket, one tick later for the share of
     * timers that run late.
     *
     * @see "mm/ksm.c: ksm_scan_thread; kernel/time/timer.c: schedule_timeout"
     */
    long wakeAfterSleep(long t, long sleepMillis) {
        long timeout = msecsToJiffies(sleepMillis, hz);
        if (timeout == 0) {
            return t; // wait_event_freezable_timeout(..., 0) returns without sleeping
        }
        long jiffies = jiffyAt(t);
        long bucket = bucketExpiry(jiffies + timeout, jiffies);
        lateOwedPermille += timerLatePermille;
        if (lateOwedPermille >= 1000) {
            lateOwedPermille -= 1000;
            bucket++;
        }
        return tickNanos(bucket) + wakeLatencyNanos;
    }

    /** When tick {@code k} happens: (k + ½)·10⁹/HZ ns. */
    long tickNanos(long k) {
        return Math.floorDiv((2 * k + 1) * NANOS_PER_SECOND, 2L * hz);
    }

    /** jiffies at virtual time {@code t}: the last tick at or before it. */
    long jiffyAt(long t) {
        long k = Math.floorDiv(t * 2 * hz - NANOS_PER_SECOND, 2 * NANOS_PER_SECOND);
        while (tickNanos(k + 1) <= t) {
            k++;
        }
        while (tickNanos(k) > t) {
            k--;
        }
        return k;
    }

    /**
     * msecs_to_jiffies: whole ticks, rounded up (for HZ dividing 1000 it is
     * (m + 1000/HZ - 1) / (1000/HZ); the other cases compute the same ceiling).
     *
     * @see "include/linux/jiffies.h: _msecs_to_jiffies"
     */
    static long msecsToJiffies(long millis, int hz) {
        return Math.ceilDiv(millis * hz, 1000);
    }

    /**
     * The tick a timer armed at {@code clk} for {@code expires} runs at: the wheel level is chosen
     * by how far away it is (64 buckets per level, each level 8 times coarser) and the expiry is
     * rounded up to the level's granularity, strictly after {@code expires}, "to prevent early
     * expiry". Timeouts beyond the wheel's range are capped as the kernel caps them.
     *
     * @see "kernel/time/timer.c: calc_wheel_index, calc_index"
     */
    static long bucketExpiry(long expires, long clk, int hz) {
        int depth = hz > 100 ? 9 : 8;
        long delta = expires - clk;
        for (int lvl = 0; lvl < depth - 1; lvl++) {
            if (delta < levelStart(lvl + 1)) {
                return roundUp(expires, lvl);
            }
        }
        long cutoff = levelStart(depth);
        if (delta >= cutoff) {
            expires = clk + cutoff - (1L << ((depth - 1) * LVL_CLK_SHIFT));
        }
        return roundUp(expires, depth - 1);
    }

    private long bucketExpiry(long expires, long clk) {
        return bucketExpiry(expires, clk, hz);
    }

    /** LVL_START(n): the first timeout that level n holds. */
    private static long levelStart(int n) {
        return ((1L << LVL_BITS) - 1) << ((n - 1) * LVL_CLK_SHIFT);
    }

    /** calc_index's bucket_expiry: ((expires >> LVL_SHIFT) + 1) << LVL_SHIFT. */
    private static long roundUp(long expires, int lvl) {
        int shift = lvl * LVL_CLK_SHIFT;
        return ((expires >> shift) + 1) << shift;
    }
}
