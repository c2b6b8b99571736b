package org.ksmlab.engine.sim;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ksmlab.engine.cost.CostModel;
import org.ksmlab.engine.ksm.Ksm;
import org.ksmlab.engine.ksm.KsmKnobs;
import org.ksmlab.engine.mm.Merger;
import org.ksmlab.engine.mm.NoMerger;
import org.ksmlab.engine.workload.Param;

/** The registry of mergers selectable by name ({@code --algo}). */
public final class Algorithms {
    private static final Map<String, AlgorithmDefinition> DEFINITIONS = new LinkedHashMap<>();

    static {
        register(new AlgorithmDefinition("none", "no merging: the baseline (KSM compiled in, ksmd never run)",
                List.of(), List.of("nr_anon_pages"), knobs -> new NoMerger()));
        register(new AlgorithmDefinition("ksm", "in-tree KSM: ksmd scans MADV_MERGEABLE memory (mm/ksm.c); knobs are the sysfs names",
                KsmKnobs.PARAMS, Ksm.STABILITY, Ksm::new));
        org.ksmlab.engine.sksm.SksmAlgorithms.definitions().forEach(Algorithms::register);
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

    /** Builds a merger; knob keys are checked here, values by the merger (as sysfs would). */
    public static Merger create(String name, Map<String, String> knobs) {
        AlgorithmDefinition d = get(name);
        Map<String, String> plain = new LinkedHashMap<>(knobs);
        plain.keySet().removeIf(k -> k.startsWith(CostModel.SETTING_PREFIX));
        Param.checkKeys("algorithm '" + name + "'", plain, d.knobs());
        CostModel.fromSettings(knobs); // validates cost.* overrides for every algorithm
        return d.factory().apply(knobs);
    }
}
