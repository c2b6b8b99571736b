package org.ksmlab.engine.sim;

import java.util.List;
import java.util.Map;
import org.ksmlab.engine.memory.PageStore;

/**
 * What one run achieved, in numbers comparable across every merger: the benchmarks'
 * {@code @AuxCounters} and the comparison tables are made of these.
 *
 * <h2>Definitions</h2>
 * <ul>
 * <li><b>saved pages</b> at a sample: the anonymous pages merging saves at that moment, from the
 *     merger's own counters: {@code pages_sharing + ksm_zero_pages} (ksm, the kernel's
 *     general_profit numerator), {@code sksm_pages_sharing} (every sksm variant; it includes
 *     the zero-page mappings), 0 for {@code none}. For the built-in workloads this equals
 *     {@code nr_anon_pages} under {@code none} minus {@code nr_anon_pages} under the merger at the
 *     same point (a test checks it). It is read from the merger rather than as the drop of
 *     nr_anon_pages from the first sample because SKSM merges inside the workload's own
 *     madvise(MADV_MERGEABLE) at virtual time 0, before the first sample exists.</li>
 * <li><b>opt-in</b>: {@code opt_in_ms} of the run's final, when the workload first offered
 *     memory for merging (MADV_MERGEABLE, prctl); 0 when the workload did not report it. No
 *     merger can save anything before it, so times are counted from it.</li>
 * <li><b>virtual ms to p %</b>: {@code virtual_ms} of the first sample whose saved pages reach
 *     p % of the final saving ({@code saved × 100 >= p × final}), minus the opt-in time (never
 *     below 0); 0 when the final saving is 0 (nothing to wait for). With ksm the samples are its
 *     full passes, so this is the end of the pass that reached p %.</li>
 * <li><b>time-weighted average saved pages</b>: the saving averaged over the virtual time from
 *     opt-in to the end of the run: the area under the saved-pages curve divided by its length.
 *     The curve runs linearly between samples and starts at opt-in with the saving of the last
 *     sample taken at or before it (0 for a merger that had not merged by then; SKSM's saving
 *     made inside madvise at the opt-in itself). It is the final saving when the run ends at
 *     opt-in. Rounded to the nearest page.</li>
 * <li><b>CPU ‰</b>: the merger's modelled CPU time ({@code ksmd_cpu_ns} for ksm, {@code cpu_ns}
 *     for sksm variants, the aged agent's scans included) over the run's virtual time, ×1000,
 *     rounded half up. It divides by each run's own length, so it ranks mergers only when their
 *     runs have the same length (the equal horizon of {@link Horizon}); compare them by total CPU
 *     ({@code cpuNs}) otherwise. CPU % = ‰ / 10.</li>
 * <li><b>COW after merge</b>: write faults that copied a merged page ({@code cow_on_ksm_pages},
 *     {@code sksm_cow_after_merge}).</li>
 * <li><b>tracking bytes</b>: the merger's own metadata at the end. ksm reports
 *     {@code tracking_bytes} (rmap items and stable nodes); SKSM reports none, so it is charged
 *     here from its table's layout in the model: the static chained table (sksm, sksm-aged)
 *     {@value #CHAINED_BYTES_PER_SLOT} bytes per bucket head + {@value #CHAINED_BYTES_PER_ENTRY}
 *     per entry (next, prev, u32 checksum); the open-addressing table (sksm-resizable)
 *     {@value #OPEN_BYTES_PER_SLOT} per slot (64-bit key + frame id) +
 *     {@value #OPEN_BYTES_PER_ENTRY} per entry (its hash by frame, for removal). The aged
 *     agent's soft-dirty bookkeeping is not charged.</li>
 * <li><b>net profit bytes</b>: ksm's {@code general_profit}; for the others saved pages × 4096
 *     − tracking bytes (the same idea: what merging saves minus what it costs to track).</li>
 * <li><b>full scans</b>: ksm {@code full_scans}; sksm-aged the agent's soft-dirty scans
 *     ({@code sksm_agent_scans}); 0 for the others (they do not scan).</li>
 * </ul>
 *
 * @param savedPages     saved pages at the end of the run
 * @param virtualMsTo50  virtual ms to 50 % of {@code savedPages}
 * @param virtualMsTo90  virtual ms to 90 %
 * @param virtualMsTo99  virtual ms to 99 %
 * @param cpuPermille    modelled merger CPU over the run, per mille
 * @param cowAfterMerge  COW faults on merged pages
 * @param trackingBytes  merger metadata bytes at the end
 * @param netProfitBytes saved bytes minus tracking bytes (ksm: general_profit)
 * @param fullScans      full scans (ksm) or agent scans (sksm-aged)
 * @param virtualMs      length of the run, virtual ms
 * @param cpuNs          modelled merger CPU, ns
 * @param optInMs        virtual ms at which the workload offered memory for merging (0 if not reported)
 * @param savedAvgPages  time-weighted average of saved pages from opt-in to the end of the run
 */
public record Convergence(long savedPages, long virtualMsTo50, long virtualMsTo90, long virtualMsTo99,
                          long cpuPermille, long cowAfterMerge, long trackingBytes, long netProfitBytes,
                          long fullScans, long virtualMs, long cpuNs, long optInMs, long savedAvgPages) {
    /** Model layout of the static chained table: an int head per bucket. */
    static final int CHAINED_BYTES_PER_SLOT = 4;
    /** Model layout of the static chained table: int next, prev and checksum per entry. */
    static final int CHAINED_BYTES_PER_ENTRY = 12;
    /** Model layout of the open-addressing table: a long key and an int frame per slot. */
    static final int OPEN_BYTES_PER_SLOT = 12;
    /** Model layout of the open-addressing table: a long hash per entry. */
    static final int OPEN_BYTES_PER_ENTRY = 8;

    /** The numbers of a finished run. */
    public static Convergence of(SimulationResult r) {
        List<Map<String, Long>> series = r.series();
        if (series.isEmpty()) {
            throw new IllegalArgumentException("run of " + r.algo() + " on " + r.workload() + " has no samples");
        }
        Map<String, Long> last = series.get(series.size() - 1);
        long saved = savedPages(last);
        long virtualMs = get(last, "virtual_ms");
        // The exact end of the run: virtual_ms is truncated, which matters for runs of a few ms.
        Object ns = r.finalCounters().get("virtual_ns");
        long virtualNs = ns instanceof Number n ? n.longValue() : virtualMs * 1_000_000L;
        long cpuNs = last.containsKey("ksmd_cpu_ns") ? get(last, "ksmd_cpu_ns") : get(last, "cpu_ns");
        long cow = get(last, "cow_on_ksm_pages") + get(last, "sksm_cow_after_merge");
        long tracking = trackingBytes(r.algo(), last);
        long profit = last.containsKey("general_profit") ? get(last, "general_profit") : saved * PageStore.PAGE_SIZE - tracking;
        long scans = last.containsKey("full_scans") ? get(last, "full_scans") : get(last, "sksm_agent_scans");
        long optIn = r.finalCounters().get("opt_in_ms") instanceof Number n ? n.longValue() : 0;
        return new Convergence(saved, sinceOptIn(series, saved, 50, optIn), sinceOptIn(series, saved, 90, optIn),
                sinceOptIn(series, saved, 99, optIn), permilleOfNanos(cpuNs, virtualNs), cow, tracking, profit, scans,
                virtualMs, cpuNs, optIn, Math.round(timeWeightedSaving(series, optIn)));
    }

    /** {@link #virtualMsTo} counted from {@code optInMs} (never below 0). */
    private static long sinceOptIn(List<Map<String, Long>> series, long finalSaved, int percent, long optInMs) {
        return finalSaved <= 0 ? 0 : Math.max(0, virtualMsTo(series, finalSaved, percent) - optInMs);
    }

    /**
     * The time-weighted average of saved pages from {@code optInMs} to the last sample (see the
     * class comment): the trapezoid rule over the samples after opt-in, starting from the saving
     * of the last sample at or before it.
     */
    public static double timeWeightedSaving(List<Map<String, Long>> series, long optInMs) {
        double t0 = optInMs;
        double y0 = 0;
        double area = 0;
        for (Map<String, Long> s : series) {
            double t = get(s, "virtual_ms");
            double y = savedPages(s);
            if (t <= optInMs) {
                y0 = y; // the saving at opt-in: the last sample at or before it
                continue;
            }
            area += (t - t0) * (y0 + y) / 2;
            t0 = t;
            y0 = y;
        }
        double length = t0 - optInMs;
        return length <= 0 ? y0 : area / length;
    }

    /** Pages merging saves at this sample (see the class comment). */
    public static long savedPages(Map<String, Long> sample) {
        if (sample.containsKey("pages_sharing")) {
            return get(sample, "pages_sharing") + get(sample, "ksm_zero_pages");
        }
        return get(sample, "sksm_pages_sharing");
    }

    /** {@code virtual_ms} of the first sample saving at least {@code percent} % of {@code finalSaved}; 0 if that is 0. */
    public static long virtualMsTo(List<Map<String, Long>> series, long finalSaved, int percent) {
        if (percent < 0 || percent > 100) {
            throw new IllegalArgumentException("percent=" + percent + ": expected 0..100");
        }
        if (finalSaved <= 0) {
            return 0;
        }
        for (Map<String, Long> s : series) {
            if (savedPages(s) * 100 >= (long) percent * finalSaved) {
                return get(s, "virtual_ms");
            }
        }
        throw new IllegalStateException("no sample reaches " + percent + " % of the final saving " + finalSaved
                + " (the final saving must be the last sample's)");
    }

    /** {@code cpuNs / (virtualMs · 10^6) × 1000}, rounded half up; 0 for a zero-length run. */
    public static long permille(long cpuNs, long virtualMs) {
        return permilleOfNanos(cpuNs, virtualMs * 1_000_000L);
    }

    /** {@code cpuNs / virtualNs × 1000}, rounded half up; 0 for a zero-length run. */
    public static long permilleOfNanos(long cpuNs, long virtualNs) {
        if (virtualNs <= 0) {
            return 0;
        }
        return (cpuNs * 1000 + virtualNs / 2) / virtualNs;
    }

    private static long trackingBytes(String algo, Map<String, Long> last) {
        if (last.containsKey("tracking_bytes")) {
            return get(last, "tracking_bytes");
        }
        if (!last.containsKey("sksm_table_slots")) {
            return 0;
        }
        long slots = get(last, "sksm_table_slots");
        long entries = get(last, "sksm_table_entries");
        return algo.equals("sksm-resizable")
                ? slots * OPEN_BYTES_PER_SLOT + entries * OPEN_BYTES_PER_ENTRY
                : slots * CHAINED_BYTES_PER_SLOT + entries * CHAINED_BYTES_PER_ENTRY;
    }

    private static long get(Map<String, Long> sample, String key) {
        Long v = sample.get(key);
        return v == null ? 0 : v;
    }
}
