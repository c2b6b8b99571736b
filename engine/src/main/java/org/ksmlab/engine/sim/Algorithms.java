package org.ksmlab.engine.sim;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ksmlab.engine.cost.CostModel;
import org.ksmlab.engine.knobs.Param;
import org.ksmlab.engine.ksm.Ksm;
import org.ksmlab.engine.ksm.KsmKnobs;
import org.ksmlab.engine.ksm.MergePolicy;
import org.ksmlab.engine.mm.KernelConfig;
import org.ksmlab.engine.mm.Merger;
import org.ksmlab.engine.mm.NoMerger;
import org.ksmlab.engine.sksm.SksmAlgorithms;

/**
 * The registry of mergers selectable by name ({@code --algo}). Every merger is registered here,
 * from the pieces its package exports (knobs, stability counters, constructors); the merger
 * packages do not know this registry. Settings are split once for all of them: keys starting
 * with {@code cost.} go to {@link CostModel#fromSettings}, the rest are the merger's knobs.
 */
public final class Algorithms {
    private static final Map<String, AlgorithmDefinition> DEFINITIONS = new LinkedHashMap<>();

    static {
        register(new AlgorithmDefinition("none", "no merging: the baseline (KSM compiled in, ksmd never run)",
                List.of(), List.of("nr_anon_pages"), (knobs, cost) -> new NoMerger()));
        register(new AlgorithmDefinition("ksm", "in-tree KSM: ksmd scans MADV_MERGEABLE memory (mm/ksm.c); knobs are the sysfs names",
                KsmKnobs.PARAMS, Ksm.STABILITY, Ksm.SAVING, Ksm::new));
        register(new AlgorithmDefinition("sksm",
                "SKSM (RFC 2025): synchronous MADV_MERGE into a static 65536-bucket checksum table; MADV_MERGEABLE merges at once",
                List.of(), SksmAlgorithms.STABILITY, (knobs, cost) -> SksmAlgorithms.sksm(cost)));
        register(new AlgorithmDefinition("sksm-resizable",
                "SKSM with a growing open-addressing table keyed by the 64-bit xxh64",
                List.of(SksmAlgorithms.INITIAL_SLOTS), SksmAlgorithms.STABILITY, SksmAlgorithms::resizable));
        register(new AlgorithmDefinition("sksm-aged",
                "SKSM driven by a user-space agent: soft-dirty scan every scan_ms, MADV_MERGE on pages unwritten for age_ms, max_breaks",
                List.of(SksmAlgorithms.SCAN_MS, SksmAlgorithms.AGE_MS, SksmAlgorithms.MAX_BREAKS), SksmAlgorithms.AGED_STABILITY,
                SksmAlgorithms::aged));
        // Defences against the merge side channel, as KSM variants (proposals, in no kernel; see
        // ksm.MergePolicy): the same ksmd, knobs and counters as ksm.
        register(new AlgorithmDefinition(MergePolicy.ZERO_PAGES_ONLY.algorithmName(),
                "defence (proposal): ksm that merges only all-zero pages, with the zero page (use_zero_pages=1)",
                KsmKnobs.PARAMS, Ksm.STABILITY, Ksm.SAVING, (knobs, cost) -> new Ksm(knobs, cost, MergePolicy.ZERO_PAGES_ONLY)));
        register(new AlgorithmDefinition(MergePolicy.SAME_DOMAIN.algorithmName(),
                "defence (proposal): ksm with trees partitioned by security domain: pages merge only inside one tenant",
                KsmKnobs.PARAMS, Ksm.STABILITY, Ksm.SAVING, (knobs, cost) -> new Ksm(knobs, cost, MergePolicy.SAME_DOMAIN)));
        register(new AlgorithmDefinition(MergePolicy.FAKE_MERGE.algorithmName(),
                "defence (proposal, after VUsion): ksm that makes every candidate page a KSM page, merged or not, so all fault alike",
                KsmKnobs.PARAMS, Ksm.STABILITY, Ksm.SAVING, (knobs, cost) -> new Ksm(knobs, cost, MergePolicy.FAKE_MERGE)));
    }

    private Algorithms() {
    }

    public static void register(AlgorithmDefinition d) {
        DEFINITIONS.put(d.name(), d);
    }

    public static List<AlgorithmDefinition> all() {
        return List.copyOf(DEFINITIONS.values());
    }

    public static AlgorithmDefinition get(String name) {
        AlgorithmDefinition d = DEFINITIONS.get(name);
        if (d == null) {
            throw new IllegalArgumentException("unknown algorithm '" + name + "'; available: " + String.join(", ", DEFINITIONS.keySet()));
        }
        return d;
    }

    /**
     * Builds a merger from its settings: knob keys are checked here, knob values by the merger
     * (as sysfs would), and the {@code cost.*} settings by the one cost parser for every merger.
     * {@code kernel.*} settings are the kernel model's ({@link KernelConfig}), not the merger's.
     */
    public static Merger create(String name, Map<String, String> settings) {
        AlgorithmDefinition d = get(name);
        Map<String, String> knobs = new LinkedHashMap<>(settings);
        knobs.keySet().removeIf(k -> CostModel.isSetting(k) || k.startsWith(KernelConfig.PREFIX));
        Param.checkKeys("algorithm '" + name + "'", knobs, d.knobs());
        CostModel cost = CostModel.fromSettings(settings);
        return d.factory().create(knobs, cost);
    }
}
