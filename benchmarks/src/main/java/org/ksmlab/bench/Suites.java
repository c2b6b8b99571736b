package org.ksmlab.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Named benchmark suites: which benchmarks, with which parameter values and how long.
 * {@code quick} is what {@code ./run.sh} runs and must cover every table of the report at
 * small sizes in a few minutes on a 2-core machine.
 */
public final class Suites {
    /** One group of benchmarks run with the same settings. */
    public record Entry(String include, Map<String, String[]> params, int warmupIterations, int warmupMillis,
                        int measurementIterations, int measurementMillis, int forks) {
    }

    /** A named suite. */
    public record Suite(String name, String description, List<Entry> entries) {
    }

    private static final Map<String, Suite> SUITES = new LinkedHashMap<>();

    static {
        String micro = "org\\.ksmlab\\.bench\\.micro\\.";
        add(new Suite("quick", "page compare, checksums and memory bandwidth, hot and cold, short iterations (~2-3 min)",
                List.of(
                        new Entry(micro + "PageCompareBenchmark\\.", Map.of("coldMiB", new String[] {"512"}), 1, 1000, 3, 500, 1),
                        new Entry(micro + "PageChecksumBenchmark\\.", Map.of("coldMiB", new String[] {"512"}), 1, 1000, 3, 500, 1),
                        new Entry(micro + "MemoryBandwidthBenchmark\\.", Map.of("sizeMiB", new String[] {"512"}), 1, 1000, 3, 1000, 1))));
        add(new Suite("smoke", "one checksum benchmark, one short iteration: the end-to-end check of ./run.sh test (~10 s)",
                List.of(new Entry(micro + "PageChecksumBenchmark\\.xxh64$", Map.of("workingSet", new String[] {"hot"}), 1, 100, 1, 200, 1))));
        add(new Suite("micro", "the page-operation micro benchmarks with full iterations (~12 min)",
                List.of(
                        new Entry(micro + "PageCompareBenchmark\\.", Map.of(), 3, 1000, 5, 1000, 2),
                        new Entry(micro + "PageChecksumBenchmark\\.", Map.of(), 3, 1000, 5, 1000, 2),
                        new Entry(micro + "MemoryBandwidthBenchmark\\.", Map.of(), 3, 1000, 5, 1000, 2))));
        add(new Suite("sksm", "MADV_MERGE throughput of every SKSM variant, duplicate and unique pages, with its xxh64+compare baseline (~2 min)",
                List.of(new Entry("org\\.ksmlab\\.bench\\.sksm\\.SksmMergeBenchmark\\.", Map.of(), 5, 1000, 10, 1000, 1))));
    }

    private Suites() {
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
}
