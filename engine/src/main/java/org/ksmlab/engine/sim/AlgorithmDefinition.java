package org.ksmlab.engine.sim;

import java.util.List;
import java.util.Map;
import org.ksmlab.engine.cost.CostModel;
import org.ksmlab.engine.knobs.Param;
import org.ksmlab.engine.mm.Merger;

/**
 * A named merger with its own knobs (every merger also takes the cost settings,
 * {@link CostModel#SETTINGS}). {@code factory} gets the knob values the user set (text, already
 * checked against {@code knobs} by key; values are the merger's to validate, the way the
 * kernel's sysfs store would) and the CPU cost model parsed from the cost settings.
 */
public record AlgorithmDefinition(String name, String description, List<Param> knobs,
                                  List<String> stabilityCounters, Factory factory) {
    /** Builds the merger from its knobs and its cost model. */
    @FunctionalInterface
    public interface Factory {
        Merger create(Map<String, String> knobs, CostModel cost);
    }
}
