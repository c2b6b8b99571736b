package org.ksmlab.analysis.section;

import static org.ksmlab.analysis.input.Benchmarks.ALGO;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.ksmlab.analysis.input.Benchmarks;
import tech.tablesaw.api.Table;

/**
 * The headline's answer for one workload mix, written from the comparison's numbers: which
 * merger saves how much, how fast, at what CPU and with what COW cost. One sentence: the mix and
 * its horizon, then one clause per merger, the largest saving at the horizon first (ties: the
 * larger time-weighted average, then the lower CPU, then report order): the first in full ("sksm
 * saves the most, N pages (x %) at the horizon and M on average, 90 % of it t s after opt-in, for
 * c ms of modelled CPU (u µs per page saved) and k COW faults"), the others shorter in the same
 * order ("ksm as much, 90 % after t s (M on average), at c ms (u µs per page) with k COW faults").
 * Counters absent from older results are left out of the clauses, and the sentence then says the
 * runs were not on an equal horizon.
 */
final class ComparisonSentence {
    private ComparisonSentence() {}

    /**
     * @param mix the mix's name
     * @param pages its page count ("" when not a parameter)
     * @param rows one row per merger (Points of the comparison), any order
     */
    static String of(String mix, String pages, Table rows) {
        List<Integer> order = new ArrayList<>();
        for (int r = 0; r < rows.rowCount(); r++) order.add(r);
        order.sort(Comparator.comparingDouble((Integer r) -> -value(rows, Benchmarks.PAGES_SAVED, r))
                .thenComparingDouble(r -> -value(rows, Benchmarks.SAVED_AVG_PAGES, r))
                .thenComparingDouble(r -> value(rows, Benchmarks.CPU_NS, r))
                .thenComparing(r -> Points.param(rows, ALGO, r), Mergers.IN_REPORT_ORDER));
        double total = Points.parse(pages);
        StringBuilder s = new StringBuilder("On ").append(mix).append(" (");
        if (!pages.isEmpty()) s.append(Numbers.count(total)).append(" pages, ");
        s.append(horizon(rows)).append("): ");
        double best = value(rows, Benchmarks.PAGES_SAVED, order.getFirst());
        List<String> clauses = new ArrayList<>();
        if (!(best > 0)) {
            // Nothing to gain on this mix (all-unique): what each merger costs for it.
            for (int r : order) {
                double cpuNs = Points.get(rows, Benchmarks.CPU_NS, r);
                clauses.add(Points.param(rows, ALGO, r) + (Double.isFinite(cpuNs) ? " " + Numbers.sig3(cpuNs / 1e6) + " ms"
                        : " " + Numbers.sig3(Points.get(rows, Benchmarks.CPU_PERMILLE, r) / 10) + " % of a CPU"));
            }
            return s.append("no merger saves anything; their modelled CPU for it: ").append(String.join(", ", clauses))
                    .append(".").toString();
        }
        for (int i = 0; i < order.size(); i++) {
            int r = order.get(i);
            clauses.add(i == 0 ? clause(rows, r, total) : shortClause(rows, r, total, value(rows, Benchmarks.PAGES_SAVED, r) == best));
        }
        return s.append(String.join("; ", clauses)).append(".").toString();
    }

    /** "an equal 14 s horizon, memory offered for merging at 0 s", or why there is none. */
    private static String horizon(Table rows) {
        if (!Points.has(rows, Benchmarks.VIRTUAL_MS)) {
            return "each merger stopped at its own stable point, not on an equal horizon";
        }
        List<Double> horizons = rows.doubleColumn(Benchmarks.VIRTUAL_MS).asList().stream().distinct().toList();
        String h = horizons.size() == 1 ? "an equal " + Numbers.sig3(horizons.getFirst() / 1000) + " s horizon"
                : "horizons differ between mergers (" + String.join(", ", horizons.stream()
                .map(x -> Numbers.sig3(x / 1000) + " s").toList()) + "): not on equal footing";
        if (Points.has(rows, Benchmarks.OPT_IN_MS)) {
            h += ", memory offered for merging at " + Numbers.sig3(Points.get(rows, Benchmarks.OPT_IN_MS, 0) / 1000) + " s";
        }
        return h;
    }

    /** A later merger: "ksm as much, 90 % after 3.26 s (4,589 on average), at 43.4 ms (6.58 µs per page) with 0 COW faults". */
    private static String shortClause(Table rows, int r, double totalPages, boolean asMuch) {
        String algo = Points.param(rows, ALGO, r);
        double saved = value(rows, Benchmarks.PAGES_SAVED, r);
        double cpuNs = Points.get(rows, Benchmarks.CPU_NS, r);
        if (!(saved > 0)) return nothing(algo, cpuNs);
        StringBuilder c = new StringBuilder(algo).append(' ');
        if (asMuch) {
            c.append("as much");
        } else {
            c.append(Numbers.count(saved)).append(" pages");
            if (Double.isFinite(totalPages)) c.append(" (").append(Numbers.sig3(100 * saved / totalPages)).append(" %)");
        }
        c.append(", 90 % after ").append(Numbers.sig3(Points.get(rows, Benchmarks.TO_90, r) / 1000)).append(" s");
        double avg = Points.get(rows, Benchmarks.SAVED_AVG_PAGES, r);
        if (Double.isFinite(avg)) c.append(" (").append(Numbers.count(avg)).append(" on average)");
        if (Double.isFinite(cpuNs)) {
            c.append(", at ").append(Numbers.sig3(cpuNs / 1e6)).append(" ms (").append(Numbers.sig3(cpuNs / 1e3 / saved))
                    .append(" µs per page)");
        } else {
            c.append(", at ").append(Numbers.sig3(Points.get(rows, Benchmarks.CPU_PERMILLE, r) / 10)).append(" % of a CPU");
        }
        return c.append(" with ").append(cows(rows, r)).toString();
    }

    private static String nothing(String algo, double cpuNs) {
        return algo + " saves nothing" + (cpuNs > 0 ? ", for " + Numbers.sig3(cpuNs / 1e6) + " ms of modelled CPU" : "");
    }

    private static String cows(Table rows, int r) {
        long cow = Math.round(Points.get(rows, Benchmarks.COW_AFTER_MERGE, r));
        return Numbers.count(cow) + (cow == 1 ? " COW fault" : " COW faults");
    }

    /** The first merger, in full. */
    private static String clause(Table rows, int r, double totalPages) {
        String algo = Points.param(rows, ALGO, r);
        double saved = value(rows, Benchmarks.PAGES_SAVED, r);
        double cpuNs = Points.get(rows, Benchmarks.CPU_NS, r);
        if (!(saved > 0)) return nothing(algo, cpuNs);
        StringBuilder c = new StringBuilder(algo).append(" saves the most, ");
        c.append(Numbers.count(saved)).append(" pages");
        if (Double.isFinite(totalPages)) c.append(" (").append(Numbers.sig3(100 * saved / totalPages)).append(" %)");
        c.append(Points.has(rows, Benchmarks.VIRTUAL_MS) ? " at the horizon" : " at its end");
        double avg = Points.get(rows, Benchmarks.SAVED_AVG_PAGES, r);
        if (Double.isFinite(avg)) c.append(" and ").append(Numbers.count(avg)).append(" on average");
        c.append(", 90 % of it ").append(Numbers.sig3(Points.get(rows, Benchmarks.TO_90, r) / 1000))
                .append(Points.has(rows, Benchmarks.OPT_IN_MS) ? " s after opt-in" : " s after the start");
        if (Double.isFinite(cpuNs)) {
            c.append(", for ").append(Numbers.sig3(cpuNs / 1e6)).append(" ms of modelled CPU (")
                    .append(Numbers.sig3(cpuNs / 1e3 / saved)).append(" µs per page saved)");
        } else {
            c.append(", at ").append(Numbers.sig3(Points.get(rows, Benchmarks.CPU_PERMILLE, r) / 10))
                    .append(" % of a CPU over its run");
        }
        return c.append(Double.isFinite(cpuNs) ? " and " : ", with ").append(cows(rows, r)).toString();
    }

    private static double value(Table rows, String metric, int r) {
        double v = Points.get(rows, metric, r);
        return Double.isNaN(v) ? 0 : v;
    }
}
