package org.ksmlab.engine.ksm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ksmlab.engine.cost.CostModel;
import org.ksmlab.engine.memory.PageStore;
import org.ksmlab.engine.mm.Kernel;
import org.ksmlab.engine.mm.KernelConfig;
import org.ksmlab.engine.mm.VmFlags;
import org.ksmlab.engine.workload.PageContents;
import org.junit.jupiter.api.Test;

/**
 * ksmd's pacing in ticks, as measured on Linux 6.18 at HZ=250 (docs/kernel-probes,
 * findings part 5): a sleep of sleep_millisecs is msecs_to_jiffies of it plus the timer wheel's
 * round-up, counted from the tick the batch ended in; a share of the timers runs a tick late.
 */
class KsmdPacingTest {
    private static final long MS = 1_000_000;

    @Test
    void msecsToJiffiesRoundsUpToWholeTicks() {
        assertEquals(List.of(0L, 1L, 1L, 2L, 5L, 6L, 13L, 25L),
                List.of(0L, 1L, 4L, 5L, 20L, 21L, 50L, 100L).stream().map(m -> Ksmd.msecsToJiffies(m, 250)).toList());
        assertEquals(2, Ksmd.msecsToJiffies(20, 100));
        assertEquals(20, Ksmd.msecsToJiffies(20, 1000));
        assertEquals(6, Ksmd.msecsToJiffies(20, 300));
        assertEquals(1, Ksmd.msecsToJiffies(1, 300));
    }

    /** Measured: timeout 5 ticks went to the bucket 6 ticks on (trace: timer_start bucket_expiry). */
    @Test
    void theTimerWheelRoundsUpByItsLevelsGranularity() {
        assertEquals(1006, Ksmd.bucketExpiry(1005, 1000, 250)); // level 0: one tick after
        assertEquals(1063, Ksmd.bucketExpiry(1062, 1000, 250)); // delta 62: still level 0
        assertEquals(1064, Ksmd.bucketExpiry(1063, 1000, 250)); // delta 63: level 1, granularity 8
        assertEquals(1256, Ksmd.bucketExpiry(1250, 1000, 250)); // sleep_millisecs=1000: 250 ticks
        assertEquals(1256, Ksmd.bucketExpiry(1255, 1000, 250));
        assertEquals(1264, Ksmd.bucketExpiry(1256, 1000, 250));
    }

    @Test
    void sleep20AtHz250WakesSixTicksAfterTheTickTheBatchEndedIn() {
        // time 0 is in the middle of a tick, so the first sleep is half a tick shorter
        assertEquals(List.of(22L, 24L, 24L, 24L), periodsMs(pacing(20, 0, 1000), 5));
    }

    @Test
    void lateTimersAddOneTickToTheirShareOfTheSleeps() {
        assertEquals(List.of(26L, 28L, 28L, 28L), periodsMs(pacing(20, 1000, 1000), 5));
        // 500 per mille: every other sleep is a tick late (the first one, rounding to nearest)
        assertEquals(List.of(26L, 24L, 28L, 24L), periodsMs(pacing(20, 500, 1000), 5));
    }

    @Test
    void otherTickRatesCountTheirOwnTicks() {
        assertEquals(List.of(25L, 30L, 30L), periodsMs(pacing(20, 0, 1000, "kernel.hz", "100"), 4));
        assertEquals(List.of(21L, 21L, 21L), periodsMs(pacing(20, 0, 1000, "kernel.hz", "1000"), 4));
    }

    @Test
    void sleepZeroRunsBatchesBackToBack() {
        Paced p = pacing(0, 0, 1000);
        List<Long> wakes = p.wakes(4);
        for (int i = 1; i < wakes.size(); i++) {
            // the previous batch's end, to the nanosecond
            assertEquals(wakes.get(i), p.batchEnds.get(i - 1));
        }
    }

    /** A batch that outlasts a tick ends in a later jiffy, and its sleep counts from there. */
    @Test
    void aBatchLongerThanATickPushesTheNextWakeUpByWholeTicks() {
        // 10000 unique pages per batch (the first pass: a visit and a checksum each) take
        // several ticks; the batch starts on a tick, so it ends floor(length / 4 ms) ticks later
        Paced p = pacing(20, 0, 1000);
        p.ksm.writeKnob("pages_to_scan", "10000");
        List<Long> wakes = p.wakes(3);
        long length = p.batchEnds.get(1) - wakes.get(1);
        long period = (wakes.get(2) - wakes.get(1)) / MS;
        assertEquals(24 + 4 * (length / (4 * MS)), period, "batch of " + length + " ns");
        assertEquals(true, length > 4 * MS, "the batch outlasts a tick: " + length + " ns");
    }

    @Test
    void aHalfShareOfTheCpuMakesABatchLastTwiceItsCpuTime() {
        Paced full = pacing(0, 0, 1000);
        Paced half = pacing(0, 0, 500);
        full.wakes(2);
        half.wakes(2);
        assertEquals(2 * (full.batchEnds.get(0) - 0), half.batchEnds.get(0) - 0);
        assertEquals(full.ksm.ksmdCpuNanos(), half.ksm.ksmdCpuNanos());
    }

    /**
     * With kernel.ksmd_preempt_wait_us the wait a half share implies comes in whole waits of that
     * length (a preempted thread waits out another's slice): a batch lasts its CPU plus 0, 1, ...
     * waits, the waits over many batches add up to what the even stretch gives (within one wait),
     * and the CPU charged is the same.
     */
    @Test
    void preemptionWaitsComeWholeAndAddUpToTheShare() {
        Paced even = pacing(0, 0, 500, "kernel.ksmd_cpu_share_permille", "500");
        Paced lumped = pacing(0, 0, 500, "kernel.ksmd_preempt_wait_us", "5000");
        even.ksm.writeKnob("pages_to_scan", "1000");
        lumped.ksm.writeKnob("pages_to_scan", "1000");
        long waited = 0, stretched = 0;
        int with = 0, without = 0;
        for (int i = 0; i < 40; i++) {
            long start = lumped.ksm.nextWakeNanos(), cpu0 = lumped.ksm.ksmdCpuNanos();
            lumped.wakes(1);
            long cpu = lumped.ksm.ksmdCpuNanos() - cpu0;
            long wait = lumped.batchEnds.get(i) - start - cpu;
            assertEquals(0, wait % (5 * MS), "whole waits: " + wait + " ns");
            if (wait == 0) without++; else with++;
            waited += wait;
            long evenStart = even.ksm.nextWakeNanos(), evenCpu0 = even.ksm.ksmdCpuNanos();
            even.wakes(1);
            stretched += even.batchEnds.get(i) - evenStart - (even.ksm.ksmdCpuNanos() - evenCpu0);
        }
        assertEquals(even.ksm.ksmdCpuNanos(), lumped.ksm.ksmdCpuNanos());
        assertEquals(true, stretched > 20 * MS, "40 batches of about a ms at half a share: " + stretched + " ns of waiting");
        assertEquals(true, Math.abs(waited - stretched) <= 5 * MS, waited + " ns in whole waits against " + stretched + " spread evenly");
        assertEquals(true, with > 0 && without > 0, with + " batches waited, " + without + " did not");
    }

    /**
     * A machine that runs ksmd 1.5 times slower (kernel.ksmd_cpu_cost_permille=1500): each batch
     * costs 1.5 times the cost model's CPU and lasts as long; what it scans is the same.
     */
    @Test
    void aSlowerMachineChargesEveryBatchItsCostTimesTheFactor() {
        Paced base = pacing(0, 0, 1000);
        Paced slow = pacing(0, 0, 1000, "kernel.ksmd_cpu_cost_permille", "1500");
        base.ksm.writeKnob("pages_to_scan", "1000");
        slow.ksm.writeKnob("pages_to_scan", "1000");
        base.wakes(3);
        slow.wakes(3);
        long cpu = base.ksm.ksmdCpuNanos();
        assertEquals(true, cpu > 1_000_000, "three batches of 1000 pages: " + cpu + " ns");
        // each batch's CPU is rounded down on its own: at most a nanosecond per batch below 1.5x
        long expected = cpu * 3 / 2;
        assertEquals(true, slow.ksm.ksmdCpuNanos() <= expected && slow.ksm.ksmdCpuNanos() >= expected - 3,
                slow.ksm.ksmdCpuNanos() + " against 1.5 x " + cpu);
        assertEquals(slow.ksm.ksmdCpuNanos(), slow.batchEnds.get(2));
        Map<String, Long> a = new LinkedHashMap<>(), b = new LinkedHashMap<>();
        base.ksm.counters(a);
        slow.ksm.counters(b);
        assertEquals(3000L, a.get("pages_scanned"));
        a.remove("ksmd_cpu_ns");
        b.remove("ksmd_cpu_ns");
        assertEquals(a, b);
    }

    /** sleep_millisecs_store wakes ksmd from its sleep (the wait's condition is the value changing). */
    @Test
    void writingSleepMillisecsWakesKsmdAtOnce() {
        Paced p = pacing(20, 0, 1000);
        p.wakes(1);
        long t = p.ksm.nextWakeNanos();
        p.kernel.advanceTo(t - 10 * MS);
        p.ksm.writeKnob("sleep_millisecs", "0");
        assertEquals(t - 10 * MS, p.ksm.nextWakeNanos());
        p.ksm.writeKnob("sleep_millisecs", "0"); // unchanged: nothing to wake
        assertEquals(t - 10 * MS, p.ksm.nextWakeNanos());
    }

    /** The first pass after advisor_mode is switched counts ksmd's CPU since boot (measured: cpu percent 3606). */
    @Test
    void theAdvisorsFirstPassCountsKsmdsCpuBeforeTheRun() {
        try (Kernel kernel = new Kernel(new Ksm(Map.of("sleep_millisecs", "20", "advisor_mode", "scan-time",
                "advisor_target_scan_time", "1"), CostModel.defaults()),
                KernelConfig.DEFAULTS.with("kernel.ksmd_prior_cpu_ns", "36057048708"))) {
            Ksm ksm = (Ksm) kernel.merger();
            fill(kernel, 4000, 16);
            ksm.writeKnob("run", "1");
            while (ksm.fullScans() < 1) {
                kernel.advanceTo(ksm.nextWakeNanos());
                ksm.wake(kernel);
            }
            // 36 s of CPU in a pass under a second: cpu% 3606, per-page cost 500/3606 -> 1,
            // capped at 1 * advisor_max_cpu
            assertEquals(70, ksm.knobs().pagesToScan);
        }
    }

    private static List<Long> periodsMs(Paced p, int wakes) {
        List<Long> w = p.wakes(wakes);
        List<Long> out = new ArrayList<>();
        for (int i = 1; i < w.size(); i++) {
            long d = w.get(i) - w.get(i - 1);
            assertEquals(0, d % 1000, "whole microseconds: ticks are at (k + 1/2) * 10^9 / HZ");
            out.add(Math.round(d / (double) MS));
        }
        return out;
    }

    private record Paced(Kernel kernel, Ksm ksm, List<Long> batchEnds) {
        /** Runs {@code n} batches; returns their wake-up times. */
        List<Long> wakes(int n) {
            List<Long> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                long t = ksm.nextWakeNanos();
                kernel.advanceTo(t);
                out.add(t);
                ksm.wake(kernel);
                batchEnds.add(ksm.lastBatchEndNanos());
            }
            return out;
        }
    }

    /** ksmd over 100000 unique pages (a batch never completes a pass) scanning 1 page per batch. */
    private static Paced pacing(long sleepMs, int latePermille, int sharePermille, String... config) {
        KernelConfig c = KernelConfig.DEFAULTS.with("kernel.timer_late_permille", Integer.toString(latePermille))
                .with("kernel.ksmd_cpu_share_permille", Integer.toString(sharePermille));
        for (int i = 0; i < config.length; i += 2) {
            c = c.with(config[i], config[i + 1]);
        }
        Map<String, String> knobs = new LinkedHashMap<>();
        knobs.put("sleep_millisecs", Long.toString(sleepMs));
        knobs.put("pages_to_scan", "1");
        Ksm ksm = new Ksm(knobs, CostModel.defaults());
        Kernel kernel = new Kernel(ksm, c);
        fill(kernel, 100_000, 0);
        return new Paced(kernel, ksm, new ArrayList<>());
    }

    private static void fill(Kernel kernel, int pages, int contents) {
        int pid = kernel.spawn();
        long base = kernel.mmapAnonymous(pid, (long) pages * PageStore.PAGE_SIZE);
        for (int i = 0; i < pages; i++) {
            long key = contents == 0 ? 1_000_000L + i : 1 + i % contents;
            kernel.writePage(pid, base + (long) i * PageStore.PAGE_SIZE, (store, frame) -> PageContents.fill(store, frame, key));
        }
        kernel.madvise(pid, base, (long) pages * PageStore.PAGE_SIZE, VmFlags.MADV_MERGEABLE);
    }
}
