package org.ksmlab.engine.workload;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.ksmlab.engine.knobs.Param;

/** A named workload generator: its parameters (with defaults) and how to build it. */
public record WorkloadDefinition(String name, String description, List<Param> params,
                                 Function<Values, Workload> factory) {

    /** Checked parameter values of one spec (numbers; a {@code TEXT} parameter is read from {@code spec}). */
    public record Values(WorkloadSpec spec, Map<String, Number> values) {
        public long getLong(String key) {
            return values.get(key).longValue();
        }

        public int getInt(String key) {
            return Math.toIntExact(values.get(key).longValue());
        }

        public double getDouble(String key) {
            return values.get(key).doubleValue();
        }
    }

    /** Checks the spec against the parameters and builds the workload. */
    public Workload create(WorkloadSpec spec) {
        String owner = "workload '" + name + "'";
        Param.checkKeys(owner, spec.params(), params);
        Map<String, Number> values = new LinkedHashMap<>();
        for (Param p : params) {
            if (p.kind() == Param.Kind.TEXT) {
                continue; // free text (a path): the factory reads it from the spec itself
            }
            values.put(p.key(), p.parse(owner, spec.params().getOrDefault(p.key(), p.defaultValue())));
        }
        return factory.apply(new Values(spec, values));
    }
}
