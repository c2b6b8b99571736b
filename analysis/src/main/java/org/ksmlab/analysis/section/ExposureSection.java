package org.ksmlab.analysis.section;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.math3.stat.interval.ConfidenceInterval;
import org.apache.commons.math3.stat.interval.WilsonScoreInterval;
import org.ksmlab.analysis.input.ExposureRun;
import org.ksmlab.analysis.input.Results;
import org.ksmlab.analysis.section.SectionOutput.ChartSpec;
import org.ksmlab.analysis.section.SectionOutput.ReportTable;
import org.ksmlab.analysis.section.SectionOutput.Series;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Exposure vs saving, from {@code exposure/<mix>__<pages>.json} (the {@code exposure} command; a
 * suite's experiments, e.g. the security suite's): per workload mix, every merger and defence with
 * the saving it keeps against unrestricted KSM, its CPU and COW faults (all measured to one equal
 * horizon on the same workload) and what a co-tenant's timing attack learnt over the seeded trials.
 *
 * <p>One table per mix: saving, saving retained (% of {@value #UNRESTRICTED}'s), CPU, COW faults,
 * cross-domain merges, and on the channel that exposes the most the true- and false-positive rates
 * with 95 % Wilson score intervals (commons-math3), the detection accuracy (balanced; 0.5 is
 * chance), the time to reliable detection and the bits per hour an attacker learns with one probe
 * page. Two charts per mix: saving retained against detection accuracy (one point per merger: the
 * trade-off), and the store channel's accuracy after each wait (how soon the attacker knows).
 * A CSV-only table keeps every decision count per wait.
 */
public final class ExposureSection implements ReportSection {
    /** The merger the saving is retained against: in-tree KSM with its default knobs. */
    static final String UNRESTRICTED = "ksm";
    static final String MERGER = "merger";
    static final String SAVED = "saved pages";
    static final String RETAINED = "saving retained %";
    static final String CPU_MS = "CPU ms";
    static final String COW = "COW faults";
    static final String CROSS = "cross-domain merges";
    static final String CHANNEL = "channel";
    static final String TPR = "TPR [95 % CI]";
    static final String FPR = "FPR [95 % CI]";
    static final String ACCURACY = "accuracy [95 % CI]";
    static final String RELIABLE = "reliable after (ms)";
    static final String BITS = "bits/h per probe page";
    /** Confidence level of the rate intervals. */
    static final double LEVEL = 0.95;

    @Override
    public String id() {
        return "exposure";
    }

    @Override
    public String title() {
        return "Exposure vs saving: what each merger lets a co-tenant learn";
    }

    @Override
    public Part part() {
        return Part.MODEL;
    }

    @Override
    public String absentNote() {
        return "no exposure/*.json in these runs (the security suite writes them: ./run.sh --suite security, or"
                + " ./run.sh exposure --suite security --out DIR/exposure)";
    }

    @Override
    public Optional<SectionOutput> build(Results results) {
        if (results.exposures().isEmpty()) return Optional.empty();
        // One experiment per mix and size; with several folders the last one read wins (the model is deterministic).
        Map<String, ExposureRun> runs = new LinkedHashMap<>();
        for (ExposureRun r : results.exposures()) runs.put(r.mix() + "__" + r.pages(), r);
        List<String> prose = new ArrayList<>();
        prose.add("The threat: a co-tenant (a process of another security domain) guesses the contents of a victim's"
                + " page, writes the guess into a page of its own, offers it for merging and times its own accesses: a"
                + " store to a merged page takes a copy-on-write fault (" + latencies(runs.values().iterator().next())
                + "), and a merger that merges inside the attacker's own madvise call (SKSM's"
                + " MADV_MERGE) takes longer for a page it merges. Each trial the victim (a guest of the mix) holds secret"
                + " pages; the attacker probes as many guesses it holds as guesses nobody holds, one page each, waits, and"
                + " decides from one timed store per page (store channel) or from its madvise call (madvise channel). Every"
                + " merger sees the same trials. Timing is the model's, without noise (see the README's threat model).");
        prose.add("Saving, CPU and COW faults come from each merger's run of the same mix to one equal horizon; saving"
                + " retained is against " + UNRESTRICTED + " (in-tree KSM, default knobs). Cross-domain merges: merged"
                + " pages mapped by several security domains at the horizon, counting each extra domain (every guest of vm-fleet,"
                + " write-churn and all-unique is a domain of its own; code-patching's processes are one tenant's, one domain). The attack's rates are those of the channel that exposes the most, the"
                + " store channel's after the longest wait; accuracy is balanced accuracy ((TPR + 1 − FPR) / 2: 0.5 is"
                + " chance, 1 every decision right), with 95 % Wilson score intervals over the probes. Reliable after:"
                + " the shortest wait after which at least 90 % of held guesses are found with at most 10 % false alarms"
                + " (for the madvise channel, the duration of the call), or never. Bits per hour: the information one"
                + " decision carries (mutual information, counted only when the decisions beat chance at p < 0.01) over"
                + " the length of a probing round with one page, the best over the waits. The attacker probes each guess"
                + " once; ksm's smart scan, which visits a page that keeps failing to merge only every few passes (up to"
                + " every ninth), delays or misses some detections of a long-lived victim page, which the ksm"
                + " smart_scan=0 row shows; an attacker that re-maps its probes would get past that.");
        List<ReportTable> tables = new ArrayList<>();
        List<ChartSpec> charts = new ArrayList<>();
        Table detail = detailTable();
        for (ExposureRun run : runs.values()) {
            String slug = run.mix().replaceAll("[^a-z0-9]+", "-") + "-" + run.pages();
            prose.add(sentence(run));
            tables.add(new ReportTable("exposure-" + slug, run.mix() + ", " + Numbers.count(run.pages()) + " pages, "
                    + run.horizonMs() / 1000.0 + " s horizon, " + run.trials() + " trials per merger of "
                    + 2 * run.probesPerWait() * run.waitsMs().size() + " probes", table(run)));
            charts.add(tradeOff(run, slug));
            charts.add(overWaits(run, slug));
            addDetail(detail, run);
        }
        tables.add(new ReportTable("exposure-decisions", "every decision count of the store channel, per mix, merger and wait",
                detail, false));
        prose.add("Every decision count per wait: tables/exposure-decisions.csv.");
        return Optional.of(new SectionOutput(prose, tables, charts));
    }

    /** "2121 ns against 14 ns for a plain store, as measured on the live kernel": the attacker's timing model. */
    private static String latencies(ExposureRun run) {
        return Numbers.sig3(run.cowCopyNs()) + " ns against " + Numbers.sig3(run.plainStoreNs())
                + " ns for a plain store, the latencies measured on the live kernel that the model's attacker uses";
    }

    /** The saving {@code m} keeps, % of unrestricted KSM's, or NaN without a ksm row (or a ksm that saves nothing). */
    static double retainedPct(ExposureRun run, ExposureRun.Merger m) {
        for (ExposureRun.Merger k : run.mergers()) {
            if (k.label().equals(UNRESTRICTED) && k.savedPages() > 0) return 100.0 * m.savedPages() / k.savedPages();
        }
        return Double.NaN;
    }

    static double tpr(ExposureRun.Counts c) {
        return c.positives() == 0 ? 0 : (double) c.tp() / c.positives();
    }

    static double fpr(ExposureRun.Counts c) {
        return c.negatives() == 0 ? 0 : (double) c.fp() / c.negatives();
    }

    static double accuracy(ExposureRun.Counts c) {
        return (tpr(c) + 1 - fpr(c)) / 2;
    }

    /** "0.950 [0.910, 0.973]": a rate of {@code k} in {@code n} with its Wilson score interval. */
    static String rate(long k, long n) {
        if (n == 0) return "";
        ConfidenceInterval ci = new WilsonScoreInterval().createInterval((int) n, (int) k, LEVEL);
        return String.format(Locale.ROOT, "%.3f [%.3f, %.3f]", (double) k / n, ci.getLowerBound(), ci.getUpperBound());
    }

    private static Table table(ExposureRun run) {
        StringColumn merger = StringColumn.create(MERGER);
        LongColumn saved = LongColumn.create(SAVED);
        DoubleColumn retained = DoubleColumn.create(RETAINED);
        DoubleColumn cpu = DoubleColumn.create(CPU_MS);
        LongColumn cow = LongColumn.create(COW);
        LongColumn cross = LongColumn.create(CROSS);
        StringColumn channel = StringColumn.create(CHANNEL);
        StringColumn tpr = StringColumn.create(TPR);
        StringColumn fpr = StringColumn.create(FPR);
        StringColumn acc = StringColumn.create(ACCURACY);
        StringColumn reliable = StringColumn.create(RELIABLE);
        DoubleColumn bits = DoubleColumn.create(BITS);
        for (ExposureRun.Merger m : ordered(run)) {
            ExposureRun.Counts c = m.summary();
            merger.append(m.label());
            saved.append(m.savedPages());
            retained.append(retainedPct(run, m));
            cpu.append(m.cpuNs() / 1e6);
            cow.append(m.cowFaults());
            cross.append(m.crossDomainMerges());
            channel.append(m.channel());
            tpr.append(rate(c.tp(), c.positives()));
            fpr.append(rate(c.fp(), c.negatives()));
            acc.append(rate(c.tp() + c.tn(), c.positives() + c.negatives()));
            reliable.append(m.reliableAfterMs() == null ? "never" : Numbers.sig3(m.reliableAfterMs()));
            bits.append(m.bitsPerHour());
        }
        return Table.create("exposure", merger, saved, retained, cpu, cow, cross, channel, tpr, fpr, acc, reliable, bits);
    }

    /** The mergers in report order (known mergers first, a label's knobs after its merger). */
    private static List<ExposureRun.Merger> ordered(ExposureRun run) {
        List<ExposureRun.Merger> out = new ArrayList<>(run.mergers());
        out.sort((a, b) -> {
            int byAlgo = Mergers.IN_REPORT_ORDER.compare(a.algo(), b.algo());
            return byAlgo != 0 ? byAlgo : a.label().compareTo(b.label());
        });
        return out;
    }

    private static ChartSpec tradeOff(ExposureRun run, String slug) {
        List<Series> series = new ArrayList<>();
        for (ExposureRun.Merger m : ordered(run)) {
            double x = retainedPct(run, m);
            if (Double.isFinite(x)) series.add(new Series(m.label(), List.of(x), List.of(accuracy(m.summary()))));
        }
        return ChartSpec.points("exposure-tradeoff-" + slug,
                "Saving retained against detection accuracy on " + run.mix() + " (" + Numbers.count(run.pages())
                        + " pages): one point per merger; right is more saving, down is less exposure (0.5: the attacker"
                        + " is at chance)",
                "Exposure vs saving: " + run.mix(), "saving retained (% of ksm's; more is better)",
                "detection accuracy (0.5 = chance; lower is safer)", series);
    }

    private static ChartSpec overWaits(ExposureRun run, String slug) {
        List<Series> series = new ArrayList<>();
        for (ExposureRun.Merger m : ordered(run)) {
            List<Double> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            for (ExposureRun.Wait w : m.store()) {
                x.add(w.waitMs() / 1000.0);
                y.add(accuracy(w.counts()));
            }
            series.add(new Series(m.label(), x, y));
        }
        return ChartSpec.lines("exposure-waits-" + slug,
                "How soon the store channel tells on " + run.mix() + ": the attacker's accuracy after each wait between"
                        + " writing its probes and timing one store to each (0.5: at chance)",
                "Store-channel accuracy by wait: " + run.mix(), "wait before the timed store (virtual s, log scale)",
                "detection accuracy (0.5 = chance)", series, true);
    }

    /** One sentence per mix, from the numbers: unrestricted KSM's exposure, then what each defence keeps. */
    private static String sentence(ExposureRun run) {
        StringBuilder sb = new StringBuilder("On " + run.mix() + " (" + Numbers.count(run.pages()) + " pages): ");
        ExposureRun.Merger ksm = null;
        for (ExposureRun.Merger m : run.mergers()) if (m.label().equals(UNRESTRICTED)) ksm = m;
        if (ksm != null) {
            sb.append(UNRESTRICTED).append(" saves ").append(Numbers.count(ksm.savedPages())).append(" pages and lets the attacker")
                    .append(" detect held guesses with accuracy ").append(Numbers.sig3(accuracy(ksm.summary())))
                    .append(ksm.reliableAfterMs() == null ? ", never reliably" : ", reliably after " + Numbers.sig3(ksm.reliableAfterMs()) + " ms")
                    .append("; ");
        }
        List<String> parts = new ArrayList<>();
        for (ExposureRun.Merger m : ordered(run)) {
            if (m == ksm || m.algo().equals(Mergers.NONE)) continue;
            double retained = retainedPct(run, m);
            parts.add(m.label() + " keeps " + (Double.isFinite(retained) ? Numbers.sig3(retained) + " %" : "an unknown share")
                    + " at accuracy " + Numbers.sig3(accuracy(m.summary())) + " (" + m.channel() + ")");
        }
        return sb.append(String.join(", ", parts)).append(".").toString();
    }

    private static Table detailTable() {
        return Table.create("exposure-decisions", StringColumn.create("mix"), LongColumn.create("pages"), StringColumn.create(MERGER),
                LongColumn.create("wait ms"), LongColumn.create("tp"), LongColumn.create("fn"), LongColumn.create("fp"),
                LongColumn.create("tn"));
    }

    private static void addDetail(Table t, ExposureRun run) {
        for (ExposureRun.Merger m : ordered(run)) {
            for (ExposureRun.Wait w : m.store()) {
                t.stringColumn("mix").append(run.mix());
                t.longColumn("pages").append(run.pages());
                t.stringColumn(MERGER).append(m.label());
                t.longColumn("wait ms").append(w.waitMs());
                t.longColumn("tp").append(w.counts().tp());
                t.longColumn("fn").append(w.counts().fn());
                t.longColumn("fp").append(w.counts().fp());
                t.longColumn("tn").append(w.counts().tn());
            }
        }
    }
}
