package org.ksmlab.engine.exposure;

import java.util.ArrayList;
import java.util.List;

/**
 * What one merger lets the attacker learn, over every trial of a plan: the decisions per
 * channel (per wait for the store channel), and the figures the report shows.
 *
 * <h2>Definitions</h2>
 * <ul>
 * <li><b>Detection accuracy</b>, TPR and FPR of a channel ({@link Confusion}): the store
 *     channel's at the longest wait (the attacker gave merging every chance), the madvise
 *     channel's over every probe (it decides at once).</li>
 * <li><b>Time to reliable detection</b>: the shortest wait after which the decisions are
 *     reliable ({@link Confusion#reliable()}: TPR ≥ 90 %, FPR ≤ 10 %) on the store channel; on
 *     the madvise channel, the mean duration of the attacker's madvise call when its decisions
 *     are reliable. Absent (never) otherwise.</li>
 * <li><b>Bits per hour per probe page</b>: how fast an attacker learns by repeating the probe
 *     with one page, round after round: {@link Confusion#bitsPerDecision()} over the length of
 *     a round, for the store channel the wait plus the attacker's own operations on the page
 *     (its store filling it, its madvise, the timed store), for the madvise channel the filling
 *     store and the madvise call; the best over the waits. An attacker with B probe pages learns
 *     up to B times as much, as long as its pages do not slow the merger down (not measured).</li>
 * <li>The <b>channel</b> that exposes the most: the one with the higher accuracy; on a tie the
 *     one with more bits per hour, then the store channel.</li>
 * </ul>
 *
 * @param storeByWait   the store channel, one row per wait of the plan
 * @param madvise       the madvise channel, over every probe
 * @param madviseMeanNs mean duration of the attacker's madvise call on a probe page
 * @param madviseBitsPerHour bits per hour per probe page on the madvise channel
 * @param madviseOpen   trials in which the attacker's calibration saw a slower merge call
 * @param trials        trials counted
 */
public record ExposureMetrics(List<WaitRow> storeByWait, Confusion madvise, double madviseMeanNs, double madviseBitsPerHour,
                              long madviseOpen, int trials) {
    /**
     * The store channel after one wait.
     *
     * @param waitMs        the wait, virtual ms
     * @param decisions     the decisions of every probe timed after this wait
     * @param bitsPerHour   bits per hour per probe page for rounds of this wait
     * @param fullScansMin  fewest ksmd full scans completed between the attack start and a timed
     *                      store of this wait (-1 for mergers without full scans)
     * @param fullScansMax  most such full scans
     */
    public record WaitRow(long waitMs, Confusion decisions, double bitsPerHour, long fullScansMin, long fullScansMax) {
    }

    /** Nanoseconds in an hour. */
    static final double HOUR_NS = 3600e9;

    /** Counts the decisions of {@code results} (every trial of one merger) under {@code plan}. */
    public static ExposureMetrics of(AttackPlan plan, List<AttackTrial.Result> results) {
        List<WaitRow> rows = new ArrayList<>();
        for (long wait : plan.waitsMs()) {
            Confusion c = Confusion.EMPTY;
            double roundNs = 0;
            long n = 0;
            long scansMin = Long.MAX_VALUE;
            long scansMax = Long.MIN_VALUE;
            for (AttackTrial.Result r : results) {
                for (AttackTrial.Probe p : r.probes()) {
                    if (p.waitMs() == wait) {
                        c = c.plus(p.held(), p.storeSaysHeld());
                        roundNs += wait * 1e6 + p.writeNs() + p.madviseNs() + p.storeNs();
                        n++;
                        scansMin = Math.min(scansMin, p.fullScans());
                        scansMax = Math.max(scansMax, p.fullScans());
                    }
                }
            }
            double bits = n == 0 ? 0 : c.bitsPerDecision() * HOUR_NS / (roundNs / n);
            rows.add(new WaitRow(wait, c, bits, n == 0 ? -1 : scansMin, n == 0 ? -1 : scansMax));
        }
        Confusion m = Confusion.EMPTY;
        double madviseNs = 0;
        double roundNs = 0;
        long n = 0;
        long open = 0;
        for (AttackTrial.Result r : results) {
            open += r.madviseOpen() ? 1 : 0;
            for (AttackTrial.Probe p : r.probes()) {
                m = m.plus(p.held(), p.madviseSaysHeld());
                madviseNs += p.madviseNs();
                roundNs += p.writeNs() + p.madviseNs();
                n++;
            }
        }
        double mean = n == 0 ? 0 : madviseNs / n;
        double bits = n == 0 ? 0 : m.bitsPerDecision() * HOUR_NS / (roundNs / n);
        return new ExposureMetrics(List.copyOf(rows), m, mean, bits, open, results.size());
    }

    /** The store channel's decisions at the longest wait. */
    public Confusion storeAtLongestWait() {
        return storeByWait.get(storeByWait.size() - 1).decisions();
    }

    /** The shortest wait with reliable store decisions, ms, or -1 (never). */
    public long storeReliableAfterMs() {
        for (WaitRow r : storeByWait) {
            if (r.decisions().reliable()) {
                return r.waitMs();
            }
        }
        return -1;
    }

    /** The store channel's best rate over the waits, bits per hour per probe page. */
    public double storeBitsPerHour() {
        double best = 0;
        for (WaitRow r : storeByWait) {
            best = Math.max(best, r.bitsPerHour());
        }
        return best;
    }

    /** The channel that exposes the most (see the class comment). */
    public Channel worstChannel() {
        double store = storeAtLongestWait().accuracy();
        double madv = madvise.accuracy();
        if (madv != store) {
            return madv > store ? Channel.MADVISE : Channel.STORE;
        }
        return madviseBitsPerHour > storeBitsPerHour() ? Channel.MADVISE : Channel.STORE;
    }

    /** The decisions of {@code channel} as the summary reports them. */
    public Confusion decisions(Channel channel) {
        return channel == Channel.STORE ? storeAtLongestWait() : madvise;
    }

    /** Time to reliable detection on {@code channel}, virtual ms (fractional for the madvise call), or -1 (never). */
    public double reliableAfterMs(Channel channel) {
        if (channel == Channel.STORE) {
            return storeReliableAfterMs();
        }
        return madvise.reliable() ? madviseMeanNs / 1e6 : -1;
    }

    /** Bits per hour per probe page on {@code channel}. */
    public double bitsPerHour(Channel channel) {
        return channel == Channel.STORE ? storeBitsPerHour() : madviseBitsPerHour;
    }
}
