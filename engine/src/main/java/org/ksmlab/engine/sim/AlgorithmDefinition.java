package org.ksmlab.engine.sim;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.ksmlab.engine.mm.Merger;
import org.ksmlab.engine.workload.Param;

/**
 * A named merger with its knobs. {@code factory} gets the knob values the user set (text,
 * already checked against {@code knobs} by key) and validates values the way the kernel's
 * sysfs store would.
 */
public record AlgorithmDefinition(String name, String description, List<Param> knobs,
                                  List<String> stabilityCounters,
                                  Function<Map<String, String>, Merger> factory) {
}
