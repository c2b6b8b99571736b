package org.ksmlab.bench.macro;

import org.ksmlab.engine.sim.Convergence;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The model's results of one run, reported by JMH next to its time (JMH sample 23): each public
 * field is a secondary metric of the same name in the JMH JSON ({@code secondaryMetrics}, unit
 * {@code #}). Definitions: {@link Convergence}.
 *
 * <p>A benchmark method sets every field from its run ({@link #set}); single-shot benchmarks run
 * one invocation per iteration, so an iteration's value is that run's value. The runs are
 * deterministic (seeded, virtual time), so every iteration reports the same numbers.
 *
 * <p><b>Reading them from JMH JSON:</b> JMH sums {@code EVENTS} counters over the measurement
 * iterations (and forks) in {@code secondaryMetrics.NAME.score}; one run's value is any entry of
 * {@code rawData} (one per iteration, all equal), or {@code score / (measurementIterations × forks)}.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.EVENTS)
public class ConvergenceCounters {
    /** Virtual ms until 50 % of the final saving. */
    public long virtualMsTo50;
    /** Virtual ms until 90 % of the final saving. */
    public long virtualMsTo90;
    /** Virtual ms until 99 % of the final saving. */
    public long virtualMsTo99;
    /** Pages merging saves at the end of the run. */
    public long pagesSaved;
    /** Modelled merger CPU over the run's virtual time, per mille (CPU % × 10). */
    public long cpuPermille;
    /** Write faults that copied a merged page. */
    public long cowAfterMerge;
    /** The merger's metadata at the end, bytes. */
    public long trackingBytes;
    /** Saved bytes minus tracking bytes (ksm: general_profit). */
    public long netProfitBytes;
    /** ksm full scans, sksm-aged agent scans, else 0. */
    public long fullScans;
    /**
     * The merger's total modelled CPU time over the run, ns: comparable across mergers, unlike
     * CPU % (which divides by each run's own virtual duration: SKSM is done within ~0.2 s).
     */
    public long cpuNs;
    /** Length of the run, virtual ms: the comparison's horizon for {@link MergerComparisonBenchmark}. */
    public long virtualMs;
    /** Virtual ms at which the workload offered its memory for merging; the times above count from it. */
    public long optInMs;
    /** Time-weighted average of the pages saved from opt-in to the end of the run. */
    public long savedAvgPages;

    /** Copies one run's numbers into the counters. */
    public void set(Convergence c) {
        virtualMsTo50 = c.virtualMsTo50();
        virtualMsTo90 = c.virtualMsTo90();
        virtualMsTo99 = c.virtualMsTo99();
        pagesSaved = c.savedPages();
        cpuPermille = c.cpuPermille();
        cowAfterMerge = c.cowAfterMerge();
        trackingBytes = c.trackingBytes();
        netProfitBytes = c.netProfitBytes();
        fullScans = c.fullScans();
        cpuNs = c.cpuNs();
        virtualMs = c.virtualMs();
        optInMs = c.optInMs();
        savedAvgPages = c.savedAvgPages();
    }
}
