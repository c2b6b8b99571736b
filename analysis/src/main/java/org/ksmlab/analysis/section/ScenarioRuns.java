package org.ksmlab.analysis.section;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ksmlab.analysis.input.Results;
import org.ksmlab.analysis.input.ScenarioRun;

/** The scenario runs a seed-question section reads: those of one scenario under ksm, by variant, in file order. */
final class ScenarioRuns {
    /** The algorithm the seed questions are put to (they are about KSM's paths). */
    static final String ALGO = "ksm";
    /** Bytes of one VMA in the kernel: vm_area_struct's slab object on Linux 6.18.44 here (/proc/slabinfo objsize 192). */
    static final long VMA_BYTES = 192;

    private ScenarioRuns() {}

    /** The runs of {@code scenario} under {@link #ALGO}, by variant ("default" when none); the last run of a variant wins. */
    static Map<String, ScenarioRun> byVariant(Results results, String scenario) {
        Map<String, ScenarioRun> m = new LinkedHashMap<>();
        for (ScenarioRun r : results.scenarioRuns()) {
            if (r.scenario().equals(scenario) && r.algo().equals(ALGO)) {
                m.put(r.variant() == null ? "default" : r.variant(), r);
            }
        }
        return m;
    }

    /** Every run whose scenario name starts with {@code prefix}, under {@link #ALGO}. */
    static List<ScenarioRun> withPrefix(Results results, String prefix) {
        List<ScenarioRun> out = new ArrayList<>();
        for (ScenarioRun r : results.scenarioRuns()) {
            if (r.scenario().startsWith(prefix) && r.algo().equals(ALGO)) out.add(r);
        }
        return out;
    }
}
