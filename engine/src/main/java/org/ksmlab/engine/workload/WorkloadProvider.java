package org.ksmlab.engine.workload;

import java.util.List;

/**
 * Workloads defined outside the engine, found with {@link java.util.ServiceLoader} and listed by
 * {@link Workloads} after the built-in ones. This is how the datasets module adds the
 * {@code dataset} workload (captured real memory) without the engine reading files or
 * depending on that module: the dependency points one way, datasets → engine.
 */
public interface WorkloadProvider {
    /** The definitions this provider adds; names must not clash with the built-in ones. */
    List<WorkloadDefinition> definitions();
}
