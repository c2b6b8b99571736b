package org.ksmlab.analysis.input;

import java.util.List;

/**
 * The one table of benchmarks the analysis recognises, by the fully qualified class name JMH
 * writes in its JSON ({@code "benchmark": "org.ksmlab.bench.macro.MergerComparisonBenchmark.converge"}),
 * with the parameters and {@code @AuxCounters} the report reads from them. Sections select their
 * rows only through these entries, never by a package or class string of their own, so moving
 * or renaming a benchmark class is a change here, and the benchmarks module's
 * {@code AnalysisBenchmarkNamesTest} fails until it is made (the analysis itself never depends on
 * benchmark classes).
 */
public final class Benchmarks {
    private Benchmarks() {}

    /**
     * A benchmark the analysis reads.
     *
     * @param className fully qualified class name, as in JMH's JSON
     * @param methods the {@code @Benchmark} methods read (the report picks rows by these)
     * @param params the {@code @Param} names the report reads (others become extra columns)
     * @param counters the {@code @AuxCounters} fields the report reads (empty: none)
     */
    public record Benchmark(String className, List<String> methods, List<String> params, List<String> counters) {
        /** {@code org.ksmlab.bench.macro}. */
        public String packageName() {
            return className.substring(0, className.lastIndexOf('.'));
        }

        /** {@code MergerComparisonBenchmark}. */
        public String simpleName() {
            return className.substring(className.lastIndexOf('.') + 1);
        }

        /** The only method, for benchmarks read through one. */
        public String method() {
            if (methods.size() != 1) throw new IllegalStateException(simpleName() + " has methods " + methods);
            return methods.getFirst();
        }
    }

    // @Param names the report reads
    public static final String ALGO = "algo";
    public static final String MIX = "mix";
    public static final String PAGES = "pages";
    public static final String PAGES_TO_SCAN = "pagesToScan";
    public static final String SLEEP_MILLIS = "sleepMillis";
    public static final String VARIANT = "variant";
    public static final String WORKING_SET = "workingSet";
    public static final String DIFFERENCE = "difference";
    /** Visiting order of the compare and checksum pools: permuted or sequential (absent in older results: permuted). */
    public static final String ORDER = "order";
    public static final String SIZE_MIB = "sizeMiB";
    public static final String COLD_MIB = "coldMiB";
    public static final String DISTINCT = "distinct";

    // @AuxCounters of one model run (bench.macro.ConvergenceCounters; definitions in engine sim.Convergence)
    /** Virtual ms from opt-in until 50/90/99 % of the final saving. */
    public static final String TO_50 = "virtualMsTo50";
    public static final String TO_90 = "virtualMsTo90";
    public static final String TO_99 = "virtualMsTo99";
    /** Pages saved at the end of the run (the horizon, for the comparison). */
    public static final String PAGES_SAVED = "pagesSaved";
    /** Modelled CPU over the run's virtual time, per mille of one CPU. */
    public static final String CPU_PERMILLE = "cpuPermille";
    public static final String COW_AFTER_MERGE = "cowAfterMerge";
    public static final String TRACKING_BYTES = "trackingBytes";
    public static final String NET_PROFIT_BYTES = "netProfitBytes";
    public static final String FULL_SCANS = "fullScans";
    /** Total modelled CPU of the merger over the run, ns (absent in results from before it existed). */
    public static final String CPU_NS = "cpuNs";
    /** The run's virtual length, ms: the comparison's horizon (absent in results from before it). */
    public static final String VIRTUAL_MS = "virtualMs";
    /** When the workload offered its memory for merging, virtual ms. */
    public static final String OPT_IN_MS = "optInMs";
    /** Time-weighted average of the pages saved from opt-in to the end of the run. */
    public static final String SAVED_AVG_PAGES = "savedAvgPages";

    private static final List<String> CONVERGENCE_COUNTERS = List.of(TO_50, TO_90, TO_99, PAGES_SAVED, CPU_PERMILLE,
            COW_AFTER_MERGE, TRACKING_BYTES, NET_PROFIT_BYTES, FULL_SCANS, CPU_NS, VIRTUAL_MS, OPT_IN_MS, SAVED_AVG_PAGES);

    /** Every merger on one mix over the same virtual horizon (model results, and the model's own wall time). */
    public static final Benchmark MERGER_COMPARISON = new Benchmark("org.ksmlab.bench.macro.MergerComparisonBenchmark",
            List.of("converge"), List.of(ALGO, MIX, PAGES), CONVERGENCE_COUNTERS);
    /** ksm until stable over its pacing knobs. */
    public static final Benchmark KSM_CONVERGENCE = new Benchmark("org.ksmlab.bench.macro.KsmConvergenceBenchmark",
            List.of("converge"), List.of(PAGES_TO_SCAN, SLEEP_MILLIS, PAGES, MIX), CONVERGENCE_COUNTERS);
    /** MADV_MERGE of the SKSM variants in the model, and its xxh64 + compare baseline. */
    public static final Benchmark SKSM_MERGE = new Benchmark("org.ksmlab.bench.sksm.SksmMergeBenchmark",
            List.of("madvMerge", "xxh64AndCompare"), List.of(VARIANT, MIX, PAGES), List.of());
    /** Page-pair compare: scalar, Vector API, MemorySegment.mismatch. */
    public static final Benchmark PAGE_COMPARE = new Benchmark("org.ksmlab.bench.micro.PageCompareBenchmark",
            List.of("scalar", "vector", "mismatch"), List.of(WORKING_SET, DIFFERENCE, ORDER, COLD_MIB), List.of());
    /** One page hashed: xxh64, XXH3, CRC32C. */
    public static final Benchmark PAGE_CHECKSUM = new Benchmark("org.ksmlab.bench.micro.PageChecksumBenchmark",
            List.of("xxh64", "xxh3", "crc32c"), List.of(WORKING_SET, ORDER, COLD_MIB), List.of());
    /** Streaming read of a buffer: the machine's memory bandwidth. */
    public static final Benchmark MEMORY_BANDWIDTH = new Benchmark("org.ksmlab.bench.micro.MemoryBandwidthBenchmark",
            List.of("streamRead"), List.of(SIZE_MIB), List.of());
    /** KSM's rb-tree walks. */
    public static final Benchmark PAGE_TREE = new Benchmark("org.ksmlab.bench.micro.PageTreeBenchmark",
            List.of("search", "insert"), List.of(WORKING_SET, COLD_MIB), List.of());

    /** Building a workload in the model against one bulk fill of as much fresh memory. */
    public static final Benchmark WORKLOAD_BUILD = new Benchmark("org.ksmlab.bench.workload.WorkloadBuildBenchmark",
            List.of("build", "bulkFill"), List.of(PAGES, DISTINCT), List.of());

    /** Every benchmark the analysis recognises. */
    public static final List<Benchmark> ALL = List.of(MERGER_COMPARISON, KSM_CONVERGENCE, SKSM_MERGE, PAGE_COMPARE,
            PAGE_CHECKSUM, MEMORY_BANDWIDTH, PAGE_TREE, WORKLOAD_BUILD);
}
