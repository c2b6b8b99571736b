package org.ksmlab.engine.workload;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The registry of workloads, by name: the built-in generators, then those of {@link WorkloadProvider}s on the class path. */
public final class Workloads {
    private static final Map<String, WorkloadDefinition> DEFINITIONS = new LinkedHashMap<>();

    static {
        register(DupWorkload.DEFINITION);
        register(CodePatchWorkload.DEFINITION);
        register(FleetWorkload.DEFINITION);
        // Workloads of other modules on the class path (datasets: 'dataset', captured memory).
        for (WorkloadProvider p : java.util.ServiceLoader.load(WorkloadProvider.class, Workloads.class.getClassLoader())) {
            for (WorkloadDefinition d : p.definitions()) {
                if (DEFINITIONS.containsKey(d.name())) {
                    throw new IllegalStateException("workload '" + d.name() + "' is defined twice (" + p.getClass().getName() + ")");
                }
                register(d);
            }
        }
    }

    private Workloads() {
    }

    private static void register(WorkloadDefinition d) {
        DEFINITIONS.put(d.name(), d);
    }

    /** All definitions in registration order. */
    public static List<WorkloadDefinition> all() {
        return List.copyOf(DEFINITIONS.values());
    }

    /** Parses and builds a workload from its spec text. */
    public static Workload create(String specText) {
        return create(WorkloadSpec.parse(specText));
    }

    public static Workload create(WorkloadSpec spec) {
        WorkloadDefinition d = DEFINITIONS.get(spec.name());
        if (d == null) {
            throw new IllegalArgumentException("unknown workload '" + spec.name() + "'; available: " + String.join(", ", DEFINITIONS.keySet()));
        }
        return d.create(spec);
    }
}
