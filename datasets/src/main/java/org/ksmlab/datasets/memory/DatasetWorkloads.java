package org.ksmlab.datasets.memory;

import java.util.List;
import org.ksmlab.engine.knobs.Param;
import org.ksmlab.engine.workload.ImageWorkload;
import org.ksmlab.engine.workload.WorkloadDefinition;
import org.ksmlab.engine.workload.WorkloadProvider;

/**
 * The {@code dataset} workload: a memory dataset (captured real processes) rebuilt in the model
 * ({@link DatasetImages}, {@link ImageWorkload}). Registered with the engine's workload registry
 * through {@link java.util.ServiceLoader} ({@code META-INF/services}), so the engine neither
 * reads files nor depends on this module.
 */
public final class DatasetWorkloads implements WorkloadProvider {
    public static final WorkloadDefinition DEFINITION = new WorkloadDefinition("dataset",
            "captured real memory (./run.sh capture): the processes' VMAs and anonymous pages, equal where their hashes are equal",
            List.of(
                    new Param("path", Param.Kind.TEXT, "(required)", 0, 0, "a dataset folder, or a shipped dataset's name (datasets/real/)"),
                    Param.integer("merge_any", 1, 0, 1, "1: the processes opt in as merge-any (prctl): every VMA KSM could scan, or, for a process "
                            + "captured under merge-any, the VMAs that were VM_MERGEABLE; 0: only the VMAs that were VM_MERGEABLE at capture (MADV_MERGEABLE)"),
                    Param.integer("activity", 1, 0, 1, "1: replay the sampled write activity (pages rewritten as often as they were written)"),
                    Param.integer("seed", 42, Long.MIN_VALUE, Long.MAX_VALUE, "seed of the page patterns (which content gets which bytes)")),
            v -> {
                String path = v.spec().params().get("path");
                if (path == null || path.isBlank()) {
                    throw new IllegalArgumentException("workload 'dataset': path= is required: a dataset folder (./run.sh capture writes one) or a shipped dataset"
                            + (ShippedDatasets.names().isEmpty() ? "" : " (" + String.join(", ", ShippedDatasets.names()) + ")"));
                }
                boolean mergeAny = v.getLong("merge_any") == 1;
                return new ImageWorkload(v.spec(), v.values(), DatasetImages.load(ShippedDatasets.resolve(path), mergeAny, 0),
                        v.getLong("seed"), mergeAny, v.getLong("activity") == 1);
            });

    @Override
    public List<WorkloadDefinition> definitions() {
        return List.of(DEFINITION);
    }
}
