package org.ksmlab.engine.ksm;

/**
 * The scan-time advisor: at the end of every full pass it sets pages_to_scan so that a pass
 * takes about advisor_target_scan_time seconds, capped by advisor_max_cpu. Integer arithmetic
 * exactly as mm/ksm.c's scan_time_advisor; time is virtual, CPU is the model's CPU time.
 *
 * <p>Quirk kept from the kernel (measured on 6.18): switching advisor_mode zeroes the
 * advisor's CPU baseline, so the first pass measures ksmd's CPU time since it started.
 *
 * @see "mm/ksm.c: scan_time_advisor"
 */
final class Advisor {
    /** Weight of the previous value in the exponentially weighted change (EWMA_WEIGHT 30 on the new). */
    private static final long EWMA_WEIGHT = 30;
    /** KSM_ADVISOR_MIN_CPU: lower bound of the CPU cap, percent. */
    private static final long MIN_CPU = 10;

    private long startScanNanos;
    private long cpuTimeNanos;
    private long change;
    private long scanTime;

    /** advisor_ctx = {} (on every change of advisor_mode). */
    void reset() {
        startScanNanos = 0;
        cpuTimeNanos = 0;
        change = 0;
        scanTime = 0;
    }

    /** advisor_start_scan. */
    void startScan(KsmKnobs knobs, long nowNanos) {
        if (knobs.advisorScanTime) {
            startScanNanos = nowNanos;
        }
    }

    /** advisor_stop_scan: returns the new pages_to_scan, or -1 when the advisor is off. */
    long stopScan(KsmKnobs knobs, long nowNanos, long ksmdCpuNanos) {
        if (!knobs.advisorScanTime) {
            return -1;
        }
        long scanSeconds = (nowNanos - startScanNanos) / 1_000_000 / 1000;
        scanSeconds = scanSeconds != 0 ? scanSeconds : 1;
        long cpuDiffMs = (ksmdCpuNanos - cpuTimeNanos) / 1000 / 1000;
        long cpuPercent = cpuDiffMs * 100 / (scanSeconds * 1000);
        cpuPercent = cpuPercent != 0 ? cpuPercent : 1;
        long lastScanTime = scanTime != 0 ? scanTime : scanSeconds;
        long factor = knobs.advisorTargetScanTime * 100 / scanSeconds;
        factor = factor != 0 ? factor : 1;
        long ch = scanSeconds * 100 / lastScanTime;
        ch = ch != 0 ? ch : 1;
        ch = ((100 - EWMA_WEIGHT) * change + EWMA_WEIGHT * ch) / 100;
        long pages = knobs.pagesToScan * 100 / factor;
        pages = pages * ch / 100;
        long perPageCost = knobs.pagesToScan / cpuPercent;
        perPageCost = perPageCost != 0 ? perPageCost : 1;
        pages = Math.min(pages, perPageCost * knobs.advisorMaxCpu);
        pages = Math.max(pages, perPageCost * MIN_CPU);
        pages = Math.min(pages, knobs.advisorMaxPagesToScan);
        change = ch;
        scanTime = scanSeconds;
        cpuTimeNanos = ksmdCpuNanos;
        return pages;
    }
}
