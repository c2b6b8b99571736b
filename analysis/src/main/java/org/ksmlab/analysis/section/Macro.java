package org.ksmlab.analysis.section;

import java.util.List;

/**
 * Names shared by the macro sections: the benchmarks of {@code org.ksmlab.bench.macro} and
 * {@code org.ksmlab.bench.sksm}, their parameters and the {@code @AuxCounters} they report next
 * to their time (JMH sample 23: each counter is a secondary metric named after its field).
 */
final class Macro {
    private Macro() {}

    static final String PACKAGE = "org.ksmlab.bench.macro";
    static final String SKSM_PACKAGE = "org.ksmlab.bench.sksm";
    static final String CONVERGENCE = "KsmConvergenceBenchmark";
    static final String COMPARISON = "MergerComparisonBenchmark";
    static final String SKSM_MERGE = "SksmMergeBenchmark";
    static final String CONVERGE = "converge";

    // @Param names
    static final String PAGES_TO_SCAN = "pagesToScan";
    static final String SLEEP_MILLIS = "sleepMillis";
    static final String PAGES = "pages";
    static final String MIX = "mix";
    static final String ALGO = "algo";
    static final String VARIANT = "variant";

    // @AuxCounters
    /** Virtual ms until 50/90/99 % of the final saving. */
    static final String TO_50 = "virtualMsTo50";
    static final String TO_90 = "virtualMsTo90";
    static final String TO_99 = "virtualMsTo99";
    /** Final pages saved (pages no longer backed by their own frame). */
    static final String PAGES_SAVED = "pagesSaved";
    /** Modelled CPU % × 10 (per mille of one CPU). */
    static final String CPU_PERMILLE = "cpuPermille";
    static final String COW_AFTER_MERGE = "cowAfterMerge";
    static final String TRACKING_BYTES = "trackingBytes";
    static final String NET_PROFIT_BYTES = "netProfitBytes";
    static final String FULL_SCANS = "fullScans";
    /** Total modelled CPU of the merger over the run, ns (absent in results from before it existed). */
    static final String CPU_NS = "cpuNs";

    /** Report order of the mergers; others follow by name. */
    static final List<String> ALGO_ORDER = List.of("none", "ksm", "sksm", "sksm-resizable", "sksm-aged");

    static final double MIB = 1 << 20;
    static final int PAGE_BYTES = 4096;
}
