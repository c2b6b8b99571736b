package org.ksmlab.engine.sksm;

import java.util.List;
import java.util.Map;
import org.ksmlab.engine.cost.CostModel;
import org.ksmlab.engine.knobs.Param;
import org.ksmlab.engine.mm.Merger;

/**
 * The three SKSM variants as the algorithm registry ({@code sim.Algorithms}) builds them: their
 * knobs, their stability counters and a constructor each. {@code sksm} (the RFC) has no knob of
 * its own, {@code sksm-resizable} has {@code initial_slots}, {@code sksm-aged} has
 * {@code scan_ms}, {@code age_ms} and {@code max_breaks}; the CPU cost model comes parsed from
 * the cost settings every merger takes.
 */
public final class SksmAlgorithms {
    /** Counters whose standstill means an SKSM run is done. */
    public static final List<String> STABILITY = List.of("nr_anon_pages", "sksm_pages_merged");
    /** sksm-aged also waits while pages are clean but too young to nominate. */
    public static final List<String> AGED_STABILITY = List.of("nr_anon_pages", "sksm_pages_merged", "sksm_agent_aging_page_scans");

    public static final Param INITIAL_SLOTS = Param.integer("initial_slots", 1024, 2, 1L << 30,
            "slots the resizable table starts with (a power of two); it doubles when half full");
    public static final Param SCAN_MS = Param.integer("scan_ms", 1000, 1, 1L << 40,
            "period of the agent's soft-dirty scan, virtual ms");
    public static final Param AGE_MS = Param.integer("age_ms", 5000, 0, 1L << 40,
            "a page is nominated for MADV_MERGE after staying unwritten this long (rounded up to whole scans)");
    public static final Param MAX_BREAKS = Param.integer("max_breaks", 2, 0, 1L << 20,
            "COWs after merging a page may take; one more and the agent stops nominating it");

    private SksmAlgorithms() {
    }

    /** {@code sksm}: the RFC's static 65536-bucket chained table. */
    public static Merger sksm(CostModel cost) {
        return new Sksm("sksm", ChecksumTable.staticChained(), PageHasher.XXH64, cost);
    }

    /** {@code sksm-resizable}: the growing open-addressing table, starting at {@code initial_slots} (a power of two). */
    public static Merger resizable(Map<String, String> knobs, CostModel cost) {
        long slots = value("sksm-resizable", knobs, INITIAL_SLOTS);
        if (Long.bitCount(slots) != 1) {
            throw new IllegalArgumentException("algorithm 'sksm-resizable': initial_slots=" + slots + " is not a power of two");
        }
        return new Sksm("sksm-resizable", ChecksumTable.openAddressing((int) slots), PageHasher.XXH64, cost);
    }

    /** {@code sksm-aged}: the RFC's table driven by the user-space agent. */
    public static Merger aged(Map<String, String> knobs, CostModel cost) {
        String owner = "sksm-aged";
        return new SksmAged(ChecksumTable.staticChained(), PageHasher.XXH64, cost,
                value(owner, knobs, SCAN_MS), value(owner, knobs, AGE_MS), (int) value(owner, knobs, MAX_BREAKS));
    }

    private static long value(String algo, Map<String, String> knobs, Param p) {
        return p.parse("algorithm '" + algo + "'", knobs.getOrDefault(p.key(), p.defaultValue())).longValue();
    }
}
