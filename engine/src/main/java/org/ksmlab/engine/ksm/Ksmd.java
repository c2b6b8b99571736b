package org.ksmlab.engine.ksm;

import org.ksmlab.engine.cost.CostModel;
import org.ksmlab.engine.cost.WorkCounts;

/**
 * ksmd's time: when it wakes, how long its batches take and how much CPU it has used, and the
 * scan-time advisor that retunes pages_to_scan from that CPU time at the end of every pass.
 *
 * <p>A batch starts at its wake-up and lasts the modelled CPU time of the work it did (at least
 * {@link #MIN_WAKE_NANOS}); ksmd then sleeps sleep_millisecs. Virtual time does not move inside a
 * batch: everything a batch does happens at {@link #batchStartNanos()}.
 *
 * @see "mm/ksm.c: ksm_scan_thread, advisor_start_scan, advisor_stop_scan"
 */
final class Ksmd {
    /** Model time of one ksmd wake-up that did no work (loop overhead), so virtual time advances. */
    static final long MIN_WAKE_NANOS = 1_000;

    private final CostModel costs;
    /** The work counts every part of KSM adds to; the CPU time is computed from them. */
    private final WorkCounts work;
    private final Advisor advisor = new Advisor();
    /** The work counts when the current batch started. */
    private final WorkCounts batchStart = new WorkCounts();

    /** Modelled CPU time of all finished batches. */
    private long cpuNanos;
    private long nextWakeNanos;
    private long batchStartNanos;
    private long batchEndNanos;
    /** Whether the last batch completed a full scan. */
    private boolean passCompleted;

    Ksmd(CostModel costs, WorkCounts work) {
        this.costs = costs;
        this.work = work;
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
    }

    /** The batch is over: charge its CPU time and sleep {@code sleepMillis} after it. */
    void endBatch(long sleepMillis) {
        long cpu = batchCpuNanos();
        cpuNanos += cpu;
        batchEndNanos = batchStartNanos + Math.max(cpu, MIN_WAKE_NANOS);
        nextWakeNanos = batchEndNanos + sleepMillis * 1_000_000L;
    }

    /** A full scan starts (the advisor notes the time). */
    void fullScanStarted(KsmKnobs knobs) {
        advisor.startScan(knobs, batchStartNanos);
    }

    /**
     * A full scan ended inside this batch: the advisor, if on, sets pages_to_scan from the pass's
     * length and ksmd's CPU time up to this point of the batch.
     */
    void fullScanCompleted(KsmKnobs knobs) {
        long batchCpu = batchCpuNanos();
        long pages = advisor.stopScan(knobs, batchStartNanos + batchCpu, cpuNanos + batchCpu);
        if (pages >= 0) {
            knobs.pagesToScan = pages;
        }
        passCompleted = true;
    }

    private long batchCpuNanos() {
        return costs.cpuNanos(work.minus(batchStart));
    }
}
