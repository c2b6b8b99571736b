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
 *
 * <p>{@code stabilityCounters} must hold still for a run to be stable; {@code savingCounters},
 * a subset, are the ones that measure the saving itself. They differ where a merger has
 * tracking counters that a periodic writer keeps moving for ever (ksm's pages_unshared: see
 * {@link EventLoop#isStable}).
 */
public record AlgorithmDefinition(String name, String description, List<Param> knobs,
                                  List<String> stabilityCounters, List<String> savingCounters, Factory factory) {
    public AlgorithmDefinition {
        if (!stabilityCounters.containsAll(savingCounters)) {
            throw new IllegalArgumentException("algorithm '" + name + "': saving counters " + savingCounters
                    + " are not all stability counters " + stabilityCounters);
        }
    }

    /** A merger whose stability counters all measure the saving. */
    public AlgorithmDefinition(String name, String description, List<Param> knobs, List<String> stabilityCounters,
                               Factory factory) {
        this(name, description, knobs, stabilityCounters, stabilityCounters, factory);
    }
    /** Builds the merger from its knobs and its cost model. */
    @FunctionalInterface
    public interface Factory {
        Merger create(Map<String, String> knobs, CostModel cost);
    }
}
