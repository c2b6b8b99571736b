package org.ksmlab.engine.sksm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ksmlab.engine.cost.CostModel;
import org.ksmlab.engine.mm.Merger;
import org.ksmlab.engine.sim.AlgorithmDefinition;
import org.ksmlab.engine.workload.Param;

/**
 * The SKSM algorithms selectable by name, with their knobs: {@code sksm} (the RFC),
 * {@code sksm-resizable} ({@code initial_slots}) and {@code sksm-aged} ({@code scan_ms},
 * {@code age_ms}, {@code max_breaks}). Every one also takes {@code cost.NAME=NS} overrides of
 * the shared {@link CostModel} (nanoseconds, decimals allowed).
 */
public final class SksmAlgorithms {
    /** Counters whose standstill means an SKSM run is done. */
    private static final List<String> STABILITY = List.of("nr_anon_pages", "sksm_pages_merged");
    /** sksm-aged also waits while pages are clean but too young to nominate. */
    private static final List<String> AGED_STABILITY = List.of("nr_anon_pages", "sksm_pages_merged", "sksm_agent_aging_page_scans");

    static final Param INITIAL_SLOTS = Param.integer("initial_slots", 1024, 2, 1L << 30,
            "slots the resizable table starts with (a power of two); it doubles when half full");
    static final Param SCAN_MS = Param.integer("scan_ms", 1000, 1, 1L << 40,
            "period of the agent's soft-dirty scan, virtual ms");
    static final Param AGE_MS = Param.integer("age_ms", 5000, 0, 1L << 40,
            "a page is nominated for MADV_MERGE after staying unwritten this long (rounded up to whole scans)");
    static final Param MAX_BREAKS = Param.integer("max_breaks", 2, 0, 1L << 20,
            "COWs after merging a page may take; one more and the agent stops nominating it");

    private SksmAlgorithms() {
    }

    /** The three definitions, for {@code sim.Algorithms} to register. */
    public static List<AlgorithmDefinition> definitions() {
        return List.of(
                new AlgorithmDefinition("sksm",
                        "SKSM (RFC 2025): synchronous MADV_MERGE into a static 65536-bucket checksum table; MADV_MERGEABLE merges at once",
                        withCost(List.of()), STABILITY,
                        knobs -> new Sksm("sksm", new ChainedChecksumTable(ChainedChecksumTable.RFC_BITS), PageHasher.XXH64, cost("sksm", knobs))),
                new AlgorithmDefinition("sksm-resizable",
                        "SKSM with a growing open-addressing table keyed by the 64-bit xxh64",
                        withCost(List.of(INITIAL_SLOTS)), STABILITY,
                        knobs -> {
                            long slots = value("sksm-resizable", knobs, INITIAL_SLOTS);
                            if (Long.bitCount(slots) != 1) {
                                throw new IllegalArgumentException("algorithm 'sksm-resizable': initial_slots=" + slots + " is not a power of two");
                            }
                            return new Sksm("sksm-resizable", new ResizableChecksumTable((int) slots), PageHasher.XXH64, cost("sksm-resizable", knobs));
                        }),
                new AlgorithmDefinition("sksm-aged",
                        "SKSM driven by a user-space agent: soft-dirty scan every scan_ms, MADV_MERGE on pages unwritten for age_ms, max_breaks",
                        withCost(List.of(SCAN_MS, AGE_MS, MAX_BREAKS)), AGED_STABILITY,
                        knobs -> aged(knobs)));
    }

    private static Merger aged(Map<String, String> knobs) {
        String owner = "sksm-aged";
        return new SksmAged(new ChainedChecksumTable(ChainedChecksumTable.RFC_BITS), PageHasher.XXH64, cost(owner, knobs),
                value(owner, knobs, SCAN_MS), value(owner, knobs, AGE_MS), (int) value(owner, knobs, MAX_BREAKS));
    }

    private static long value(String algo, Map<String, String> knobs, Param p) {
        return p.parse("algorithm '" + algo + "'", knobs.getOrDefault(p.key(), p.defaultValue())).longValue();
    }

    private static List<Param> withCost(List<Param> own) {
        List<Param> all = new ArrayList<>(own);
        CostModel.defaults().asMap().forEach((k, v) -> all.add(new Param("cost." + k, Param.Kind.LONG, Double.toString(v), 0,
                Double.MAX_VALUE, "per-operation cost in ns (decimals allowed) for the modelled cpu_ns")));
        return List.copyOf(all);
    }

    private static CostModel cost(String algo, Map<String, String> knobs) {
        Map<String, String> overrides = new LinkedHashMap<>();
        knobs.forEach((k, v) -> {
            if (k.startsWith("cost.")) {
                overrides.put(k.substring("cost.".length()), v);
            }
        });
        try {
            return CostModel.defaults().with(overrides);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("algorithm '" + algo + "': " + e.getMessage(), e);
        }
    }
}
