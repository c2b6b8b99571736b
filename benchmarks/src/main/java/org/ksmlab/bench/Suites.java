package org.ksmlab.bench;

import java.io.PrintStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Named benchmark suites: which benchmarks, with which parameter values and how long.
 *
 * <p>{@code quick} is what {@code ./run.sh} runs and covers every table of the report at small
 * sizes in about 3 minutes on a 2-core machine (measured: README); {@code full} is the real sweeps; {@code micro},
 * {@code ksm-grid}, {@code compare}, {@code scaling} and {@code sksm} are the sections of
 * {@code full} on their own; {@code smoke} is the end-to-end check of {@code ./run.sh test}.
 *
 * <p>A suite is expanded into <b>sweep points</b> ({@link #points}): every benchmark method an
 * entry's regex matches × every combination of its parameters (the entry's values where it sets
 * them, else the {@code @Param} defaults compiled into the benchmark list). Points are ordered
 * by entry, then benchmark, then parameter combination (names sorted, values in the order
 * given), so the order — and a {@link Shard}'s share of it — is the same on every machine.
 */
public final class Suites {
    /**
     * One group of benchmarks run with the same settings; {@code params} override the
     * {@code @Param} defaults; an iteration that has not ended after {@code iterationTimeoutMinutes}
     * is interrupted (JMH's timeout).
     */
    public record Entry(String include, Map<String, String[]> params, int warmupIterations, int warmupMillis,
                        int measurementIterations, int measurementMillis, int forks, int iterationTimeoutMinutes) {
        /** The default iteration timeout. */
        public static final int TIMEOUT_MINUTES = 30;

        /** An entry whose iterations may take up to {@link #TIMEOUT_MINUTES}. */
        public Entry(String include, Map<String, String[]> params, int warmupIterations, int warmupMillis,
                     int measurementIterations, int measurementMillis, int forks) {
            this(include, params, warmupIterations, warmupMillis, measurementIterations, measurementMillis, forks, TIMEOUT_MINUTES);
        }
    }

    /** A named suite. */
    public record Suite(String name, String description, List<Entry> entries) {
    }

    /**
     * One sweep point: one benchmark method with one value for each of its parameters.
     *
     * @param entryIndex the entry's position in its suite (0-based)
     * @param benchmark  the method's full name, e.g. {@code org.ksmlab.bench.macro.MergerComparisonBenchmark.converge}
     * @param params     one value per parameter, names sorted
     */
    public record Point(int entryIndex, Entry entry, String benchmark, Map<String, String> params) {
        /** The JMH include that selects exactly this method. */
        public String include() {
            return "^" + Pattern.quote(benchmark) + "$";
        }

        /** {@code Class.method k=v k=v} for progress lines. */
        public String label() {
            StringBuilder sb = new StringBuilder(benchmark.substring(benchmark.lastIndexOf('.', benchmark.lastIndexOf('.') - 1) + 1));
            params.forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
            return sb.toString();
        }
    }

    /**
     * The {@code i}-th of {@code n} shares of a suite (1-based): the points whose index in
     * {@link #points} is {@code ≡ i − 1 (mod n)}. The n shards partition the suite.
     */
    public record Shard(int index, int count) {
        public static final Shard ALL = new Shard(1, 1);

        public Shard {
            if (count < 1 || index < 1 || index > count) {
                throw new IllegalArgumentException("--shard " + index + "/" + count + ": expected i/n with 1 <= i <= n");
            }
        }

        /** Parses {@code i/n}. */
        public static Shard parse(String text) {
            String[] parts = text.trim().split("/", -1);
            try {
                if (parts.length == 2) {
                    return new Shard(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
                }
            } catch (NumberFormatException e) {
                // fall through to the message below
            }
            throw new IllegalArgumentException("--shard '" + text + "': expected i/n with 1 <= i <= n, e.g. 2/4");
        }

        boolean owns(int pointIndex) {
            return pointIndex % count == index - 1;
        }
    }

    private static final String MICRO = "org\\.ksmlab\\.bench\\.micro\\.";
    private static final String MACRO = "org\\.ksmlab\\.bench\\.macro\\.";
    /** The comparison benchmark, whose algo × mix points the {@code series} command replays. */
    public static final String COMPARISON = "org.ksmlab.bench.macro.MergerComparisonBenchmark.converge";

    private static final Map<String, Suite> SUITES = new LinkedHashMap<>();
    /** Each suite's exposure experiments ({@link #exposurePoints}); declared before the block that fills it. */
    private static final Map<String, List<ExposurePoint>> EXPOSURE = new LinkedHashMap<>();

    static {
        // quick: every report table at small sizes. Iterations: the model's results are deterministic (one
        // run would do); the wall-time figures of the simulator need n >= 6 measured iterations for a 95 %
        // interval of their median (analysis section.Statistics), so every entry measures 6. Durations: README.
        add(new Suite("quick", "every report table at small sizes: micro hot+cold, a 2x2 ksm scan-rate grid, "
                + "3 page counts, all 5 mergers x 2 mixes on an equal horizon, sksm variants; 6 measured iterations "
                + "per point (see the README for the measured duration)",
                List.of(
                        new Entry(MICRO + "PageCompareBenchmark\\.", Map.of("coldMiB", v("256")), 2, 200, 6, 200, 1),
                        new Entry(MICRO + "PageChecksumBenchmark\\.", Map.of("coldMiB", v("256")), 2, 200, 6, 200, 1),
                        new Entry(MICRO + "MemoryBandwidthBenchmark\\.", Map.of("sizeMiB", v("512")), 1, 500, 6, 300, 1),
                        new Entry(MICRO + "ChecksumTableBenchmark\\.", Map.of("coldMiB", v("256")), 2, 200, 6, 200, 1),
                        new Entry(MICRO + "PageTreeBenchmark\\.", Map.of("coldMiB", v("256")), 2, 200, 6, 200, 1),
                        new Entry("org\\.ksmlab\\.bench\\.workload\\.WorkloadBuildBenchmark\\.", Map.of("pages", v("65536")), 2, 0, 6, 0, 1),
                        // the scan-rate grid at 8000 pages; with the next entry, ksm at 2000, 8000 and 32000 pages
                        new Entry(MACRO + "KsmConvergenceBenchmark\\.", Map.of("pagesToScan", v("100", "1000"),
                                "sleepMillis", v("0", "20"), "pages", v("8000"), "mix", v("vm-fleet")), 1, 0, 6, 0, 1),
                        new Entry(MACRO + "KsmConvergenceBenchmark\\.", Map.of("pagesToScan", v("100"),
                                "sleepMillis", v("20"), "pages", v("2000", "32000"), "mix", v("vm-fleet")), 1, 0, 6, 0, 1),
                        new Entry(MACRO + "MergerComparisonBenchmark\\.", Map.of("mix", v("vm-fleet", "code-patching"),
                                "pages", v("8000")), 1, 0, 6, 0, 1),
                        new Entry("org\\.ksmlab\\.bench\\.sksm\\.SksmMergeBenchmark\\.", Map.of("pages", v("4096")), 2, 300, 6, 200, 1))));
        add(new Suite("smoke", "one checksum benchmark and one tiny ksm comparison run, one short iteration each: "
                + "the end-to-end check of ./run.sh test (~15 s)",
                List.of(
                        new Entry(MICRO + "PageChecksumBenchmark\\.xxh64$", Map.of("workingSet", v("hot")), 1, 100, 1, 200, 1),
                        new Entry(MACRO + "MergerComparisonBenchmark\\.", Map.of("algo", v("ksm"), "mix", v("vm-fleet"),
                                "pages", v("400")), 0, 0, 1, 0, 1))));
        List<Entry> micro = List.of(
                new Entry(MICRO + "PageCompareBenchmark\\.", Map.of(), 3, 1000, 5, 1000, 2),
                new Entry(MICRO + "PageChecksumBenchmark\\.", Map.of(), 3, 1000, 5, 1000, 2),
                new Entry(MICRO + "MemoryBandwidthBenchmark\\.", Map.of(), 3, 1000, 5, 1000, 2),
                new Entry(MICRO + "ChecksumTableBenchmark\\.", Map.of(), 3, 1000, 5, 1000, 2),
                new Entry(MICRO + "PageTreeBenchmark\\.", Map.of(), 3, 1000, 5, 1000, 2),
                new Entry("org\\.ksmlab\\.bench\\.workload\\.WorkloadBuildBenchmark\\.", Map.of(), 2, 0, 10, 0, 1));
        List<Entry> ksmGrid = List.of(
                new Entry(MACRO + "KsmConvergenceBenchmark\\.", Map.of(
                        "pagesToScan", v("100", "300", "1000", "3000", "10000"),
                        "sleepMillis", v("0", "10", "20", "50", "100"),
                        "pages", v("16384"), "mix", v("vm-fleet", "write-churn"), "smartScan", v("0", "1")), 1, 0, 3, 0, 1),
                new Entry(MACRO + "KsmConvergenceBenchmark\\.", Map.of(
                        "sleepMillis", v("20"), "pages", v("16384"), "mix", v("vm-fleet", "write-churn"),
                        "advisor", v("scan-time")), 1, 0, 3, 0, 1));
        List<Entry> compare = List.of(
                new Entry(MACRO + "MergerComparisonBenchmark\\.", Map.of(
                        "mix", v("vm-fleet", "code-patching", "all-unique"), "pages", v("16384", "131072")), 1, 0, 3, 0, 1),
                // write-churn only small: its rewrites cost the host time per virtual second, and ksm's
                // default scan rate takes minutes of virtual time at 131072 pages
                new Entry(MACRO + "MergerComparisonBenchmark\\.", Map.of("mix", v("write-churn"), "pages", v("16384")), 1, 0, 3, 0, 1),
                // captured real memory (fixed size: pages is its own, 37262, so tables label it right)
                new Entry(MACRO + "MergerComparisonBenchmark\\.", Map.of("mix", v("real-runtimes"), "pages", v("37262")), 1, 0, 3, 0, 1));
        List<Entry> scaling = List.of(
                new Entry(MACRO + "KsmConvergenceBenchmark\\.", Map.of("pagesToScan", v("1000"), "sleepMillis", v("20"),
                        "pages", v("4096", "32768", "131072", "524288", "1048576", "2097152"), "mix", v("vm-fleet")), 1, 0, 3, 0, 1),
                // Beyond this machine's memory with byte pages: the vm-host mix up to 1 TiB (268,435,456
                // pages, 64 guests of 16 GiB) with symbolic pages; one run per point, hours at the top.
                new Entry(MACRO + "KsmConvergenceBenchmark\\.", Map.of("pagesToScan", v("1000000"), "sleepMillis", v("20"),
                        "pages", v("16777216", "268435456"), "mix", v("vm-host"), "pageMode", v("symbolic")), 0, 0, 1, 0, 1, 600));
        List<Entry> sksm = List.of(
                new Entry("org\\.ksmlab\\.bench\\.sksm\\.SksmMergeBenchmark\\.", Map.of("pages", v("4096", "65536", "1048576")), 5, 1000, 10, 1000, 1));
        add(new Suite("micro", "the page-operation micro benchmarks, hot and cold, full iterations, 2 forks (~16 min, computed)", micro));
        add(new Suite("ksm-grid", "ksm scan-rate grid: pages_to_scan 5 x sleep_millisecs 5 x 2 mixes x smart_scan 0/1, "
                + "plus the scan-time advisor, 16384 pages (~23 min, computed)", ksmGrid));
        add(new Suite("compare", "all 5 mergers x 3 mixes x 16384 and 131072 pages, x write-churn at 16384, x real-runtimes (captured, 37262 pages) (~9 min, computed)", compare));
        add(new Suite("scaling", "ksm from 4096 to 2097152 pages on vm-fleet (~5 min, computed; 8 GiB of page memory at the top)", scaling));
        add(new Suite("sksm", "MADV_MERGE of every SKSM variant, duplicate and unique, 4096 to 1048576 pages, "
                + "with its xxh64+compare baseline (~10 min, computed)", sksm));
        // security: the merger comparison of the mix its exposure experiments run on, for context; the
        // experiments themselves are model runs (EXPOSURE below, run by the exposure command), not JMH.
        List<Entry> security = List.of(
                new Entry(MACRO + "MergerComparisonBenchmark\\.", Map.of("mix", v("vm-fleet"), "pages", v("8000")), 1, 0, 3, 0, 1));
        add(new Suite("security", "exposure vs saving: every merger and defence on vm-fleet and code-patching at 8000 pages "
                + "(50 seeded attack trials each), write-churn at 2000 (20 trials) and the captured real-runtimes dataset (37,262 "
                + "pages, 20 trials): model runs, the exposure command; with the "
                + "vm-fleet merger comparison for context (see the README for the duration)", security));
        List<Entry> full = new ArrayList<>();
        for (List<Entry> section : List.of(micro, ksmGrid, compare, scaling, sksm)) {
            full.addAll(section);
        }
        add(new Suite("full", "the real sweeps: micro + ksm-grid + compare + scaling + sksm, and the security suite's exposure "
                + "experiments (~1 h on 2 cores, computed from measured single-run times; spread it with --shard i/n)", full));
        // The exposure experiments of each suite (the exposure command runs them: model runs, no JMH).
        // write-churn smaller: its rewrites (half the pages every 50 ms) cost the host time per virtual second,
        // and every trial runs up to 40 virtual s (measured: 2000 pages x 20 trials, 2 min 14 s)
        // real-runtimes: the captured mixed-idle dataset, of fixed size (37,262 pages; measured: 20 trials, 1 min 47 s)
        List<ExposurePoint> securityExposure = List.of(new ExposurePoint("vm-fleet", 8000, 50),
                new ExposurePoint("write-churn", 2000, 20), new ExposurePoint("code-patching", 8000, 50),
                new ExposurePoint("real-runtimes", 37262, 20));
        EXPOSURE.put("quick", List.of(new ExposurePoint("vm-fleet", 2000, 20)));
        EXPOSURE.put("security", securityExposure);
        EXPOSURE.put("full", securityExposure);
    }

    /**
     * One exposure-vs-saving experiment of a suite (engine {@code exposure.ExposureExperiment}):
     * every merger and defence on mix {@code mix} at {@code pages} total pages (seed 42), with
     * {@code trials} seeded attack trials per merger. The {@code exposure} command runs a suite's.
     */
    public record ExposurePoint(String mix, long pages, int trials) {
    }

    /** The exposure experiments of suite {@code suite} (none for most suites); an unknown suite is an error. */
    public static List<ExposurePoint> exposurePoints(String suite) {
        get(suite);
        return EXPOSURE.getOrDefault(suite, List.of());
    }

    private Suites() {
    }

    private static String[] v(String... values) {
        return values;
    }

    private static void add(Suite s) {
        SUITES.put(s.name(), s);
    }

    public static List<Suite> all() {
        return List.copyOf(SUITES.values());
    }

    public static Suite get(String name) {
        Suite s = SUITES.get(name);
        if (s == null) {
            throw new IllegalArgumentException("unknown suite '" + name + "'; available: " + String.join(", ", SUITES.keySet()));
        }
        return s;
    }

    /** Every sweep point of {@code suite}, in the stable order described in the class comment. */
    public static List<Point> points(Suite suite) {
        BenchmarkList list = BenchmarkList.defaultList();
        var silent = OutputFormatFactory.createFormatInstance(new PrintStream(OutputStream.nullOutputStream()), VerboseMode.SILENT);
        List<Point> points = new ArrayList<>();
        for (int e = 0; e < suite.entries().size(); e++) {
            Entry entry = suite.entries().get(e);
            SortedSet<BenchmarkListEntry> found = list.find(silent, List.of(entry.include()), List.of());
            if (found.isEmpty()) {
                throw new IllegalStateException("suite " + suite.name() + " entry " + entry.include() + " matches no benchmark");
            }
            List<String> unused = new ArrayList<>(entry.params().keySet());
            List<BenchmarkListEntry> methods = new ArrayList<>(found);
            methods.sort(Comparator.comparing(BenchmarkListEntry::getUsername));
            String previous = null;
            for (BenchmarkListEntry b : methods) {
                if (b.getUsername().equals(previous)) {
                    continue; // one method listed once per mode: a point is a method, its modes run together
                }
                previous = b.getUsername();
                Map<String, String[]> grid = new TreeMap<>();
                if (b.getParams().hasValue()) {
                    grid.putAll(b.getParams().get());
                }
                for (Map.Entry<String, String[]> p : entry.params().entrySet()) {
                    if (grid.containsKey(p.getKey())) {
                        grid.put(p.getKey(), p.getValue());
                        unused.remove(p.getKey());
                    }
                }
                for (Map<String, String> combination : combinations(grid)) {
                    points.add(new Point(e, entry, b.getUsername(), combination));
                }
            }
            if (!unused.isEmpty()) {
                throw new IllegalStateException("suite " + suite.name() + " entry " + entry.include()
                        + " sets parameters no matched benchmark has: " + unused);
            }
        }
        return List.copyOf(points);
    }

    /** The points of {@code suite} that {@code shard} runs. */
    public static List<Point> points(Suite suite, Shard shard) {
        List<Point> all = points(suite);
        List<Point> mine = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            if (shard.owns(i)) {
                mine.add(all.get(i));
            }
        }
        return mine;
    }

    /** The cross product of a grid, odometer order: the last name varies fastest, values in given order. */
    static List<Map<String, String>> combinations(Map<String, String[]> grid) {
        List<Map<String, String>> out = new ArrayList<>();
        out.add(new LinkedHashMap<>());
        for (Map.Entry<String, String[]> p : grid.entrySet()) {
            if (p.getValue().length == 0) {
                throw new IllegalStateException("parameter " + p.getKey() + " has no values");
            }
            List<Map<String, String>> next = new ArrayList<>();
            for (Map<String, String> partial : out) {
                for (String value : p.getValue()) {
                    Map<String, String> m = new LinkedHashMap<>(partial);
                    m.put(p.getKey(), value);
                    next.add(m);
                }
            }
            out = next;
        }
        return out.stream().map(Collections::unmodifiableMap).toList(); // names sorted: the grid is a TreeMap
    }
}
