package org.ksmlab.analysis.section;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.ksmlab.analysis.input.RealMemory;
import org.ksmlab.analysis.input.Results;
import org.ksmlab.analysis.section.SectionOutput.ChartSpec;
import org.ksmlab.analysis.section.SectionOutput.ReportTable;
import org.ksmlab.analysis.section.SectionOutput.Series;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Real memory: memory datasets captured from real processes (real-memory/*.json, written by
 * {@code ./run.sh real-memory}). Per dataset: how many copies its pages' contents have, the
 * ideal saving, every merger's saving over virtual time and modelled CPU on one horizon, and,
 * where the dataset carries a capture-check, what the live kernel reached on the very processes
 * against what the model predicted from their capture.
 */
public final class RealMemorySection implements ReportSection {
    @Override
    public String id() {
        return "real-memory";
    }

    @Override
    public String title() {
        return "Real memory";
    }

    @Override
    public Part part() {
        return Part.MODEL;
    }

    @Override
    public String absentNote() {
        return "no memory dataset summaries in these results (./run.sh real-memory --out DIR/real-memory writes them; the main job does)";
    }

    @Override
    public Optional<SectionOutput> build(Results results) {
        List<RealMemory> all = results.realMemory();
        if (all.isEmpty()) return Optional.empty();
        StringColumn ds = StringColumn.create("dataset");
        StringColumn procs = StringColumn.create("processes");
        LongColumn anon = LongColumn.create("anonymous pages");
        LongColumn zero = LongColumn.create("zero-filled");
        LongColumn distinct = LongColumn.create("distinct contents");
        List<LongColumn> buckets = new ArrayList<>();
        for (RealMemory.Bucket b : all.get(0).histogram()) buckets.add(LongColumn.create("pages, " + b.copies() + (b.copies().equals("1") ? " copy" : " copies")));
        LongColumn ideal = LongColumn.create("ideal saving (pages)");
        DoubleColumn idealPct = DoubleColumn.create("ideal saving (% of anonymous)");
        StringColumn mDs = StringColumn.create("dataset");
        StringColumn mAlgo = StringColumn.create("merger");
        LongColumn mSaved = LongColumn.create("saved at the horizon (pages)");
        DoubleColumn mOfIdeal = DoubleColumn.create("% of the ideal");
        LongColumn mTo90 = LongColumn.create("virtual ms to 90 %");
        DoubleColumn mCpu = DoubleColumn.create("modelled CPU (ms)");
        DoubleColumn mPerPage = DoubleColumn.create("CPU per saved page (µs)");
        LongColumn mCow = LongColumn.create("COW faults on merged pages");
        StringColumn cDs = StringColumn.create("dataset");
        StringColumn cCounter = StringColumn.create("after convergence");
        LongColumn cKernel = LongColumn.create("kernel (measured)");
        LongColumn cModel = LongColumn.create("model (predicted)");
        DoubleColumn cDiff = DoubleColumn.create("difference (%)");
        List<ChartSpec> charts = new ArrayList<>();
        List<String> agreements = new ArrayList<>();
        for (RealMemory r : all) {
            ds.append(r.dataset());
            procs.append(String.join(", ", r.processes().stream().map(p -> p.replaceFirst(" \\(pid \\d+\\)", "")).toList()));
            anon.append(r.anonPages());
            zero.append(r.zeroFilledPages());
            distinct.append(r.distinctContents());
            for (int i = 0; i < buckets.size(); i++) buckets.get(i).append(i < r.histogram().size() ? r.histogram().get(i).pages() : 0);
            ideal.append(r.idealSavingPages());
            idealPct.append(round1(100.0 * r.idealSavingPages() / Math.max(1, r.anonPages())));
            List<Series> lines = new ArrayList<>();
            for (RealMemory.Merger m : r.mergers().stream().sorted((a, b) -> Mergers.IN_REPORT_ORDER.compare(a.algo(), b.algo())).toList()) {
                mDs.append(r.dataset());
                mAlgo.append(m.algo());
                mSaved.append(m.savedPages());
                mOfIdeal.append(r.idealSavingPages() == 0 ? Double.NaN : round1(100.0 * m.savedPages() / r.idealSavingPages()));
                mTo90.append(msTo90(m));
                mCpu.append(round1(m.cpuNs() / 1e6));
                mPerPage.append(m.savedPages() == 0 ? Double.NaN : round1(m.cpuNs() / 1e3 / m.savedPages()));
                mCow.append(m.cowFaults());
                List<Double> xs = new ArrayList<>();
                List<Double> ys = new ArrayList<>();
                for (int i = 0; i < m.ms().length; i++) {
                    xs.add(m.ms()[i] / 1000);
                    ys.add(m.saved()[i]);
                }
                lines.add(new Series(m.algo(), xs, ys));
            }
            charts.add(ChartSpec.lines("real-memory-" + AlgorithmComparisonSection.slug(r.dataset()),
                    "Pages saved over virtual time on the captured dataset " + r.dataset() + ", one line per merger",
                    "Pages saved over virtual time, dataset " + r.dataset(), "virtual seconds since the processes opted in",
                    "pages saved (ideal " + Numbers.count(r.idealSavingPages()) + ")", lines, false));
            if (r.check() != null) {
                boolean equal = true;
                for (int i = 0; i < RealMemory.Check.COUNTERS.size(); i++) {
                    long k = r.check().kernel()[i];
                    long mo = r.check().model()[i];
                    cDs.append(r.dataset());
                    cCounter.append(RealMemory.Check.COUNTERS.get(i));
                    cKernel.append(k);
                    cModel.append(mo);
                    cDiff.append(k == 0 ? (mo == 0 ? 0.0 : Double.NaN) : round1(100.0 * (mo - k) / k));
                    equal &= k == mo;
                }
                agreements.add(r.dataset() + (equal ? ": equal" : ": differs"));
            }
        }
        List<ReportTable> tables = new ArrayList<>();
        List<tech.tablesaw.columns.Column<?>> cols = new ArrayList<>(List.of(ds, procs, anon, zero, distinct));
        cols.addAll(buckets);
        cols.add(ideal);
        cols.add(idealPct);
        tables.add(new ReportTable("real-memory", "Per dataset: anonymous pages by how many copies their content has (zero-filled pages are one content),"
                + " and the ideal saving (every extra copy and every zero-filled page)", Table.create("real-memory", cols.toArray(new tech.tablesaw.columns.Column<?>[0]))));
        tables.add(new ReportTable("real-memory-mergers", "Every merger on each dataset, model, one equal virtual horizon per dataset (default knobs)",
                Table.create("real-memory-mergers", mDs, mAlgo, mSaved, mOfIdeal, mTo90, mCpu, mPerPage, mCow)));
        if (cDs.size() > 0) {
            tables.add(new ReportTable("real-memory-check", "The live kernel's KSM on the captured processes against the model's prediction from their capture"
                    + " (capture-check, one run each)", Table.create("real-memory-check", cDs, cCounter, cKernel, cModel, cDiff)));
        }
        List<String> prose = new ArrayList<>();
        prose.add("Memory captured from real processes (./run.sh capture; the shipped datasets are idle JVMs, CPython and node processes,"
                + " datasets/real/README.md) and rebuilt in the model by the dataset workload: each distinct page hash is one content,"
                + " zero-filled pages stay zero. The datasets hold hashes, not contents. Under default knobs ksm needs ceil(n/256)"
                + " KSM pages for a content with n copies and keeps zero-filled pages as one ordinary content, so it stays a little"
                + " under the ideal where a content has more than 256 copies.");
        prose.add(agreements.isEmpty() ? "No dataset here carries a capture-check (the live kernel on the same processes)."
                : "Predicted against measured, where a capture-check exists (" + String.join("; ", agreements) + "): the model ran on"
                        + " the capture of the very processes the kernel's KSM then scanned, with the same knobs, the processes stopped"
                        + " (SIGSTOP) in between so neither side saw other memory.");
        return Optional.of(new SectionOutput(prose, tables, charts));
    }

    private static long msTo90(RealMemory.Merger m) {
        double target = 0.9 * m.savedPages();
        if (m.savedPages() == 0) return 0;
        for (int i = 0; i < m.saved().length; i++) if (m.saved()[i] >= target) return Math.round(m.ms()[i]);
        return Math.round(m.ms()[m.ms().length - 1]);
    }

    private static double round1(double x) {
        return Math.round(x * 10) / 10.0;
    }
}
