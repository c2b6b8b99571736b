package org.ksmlab.analysis.section;

import java.util.List;

/**
 * The report's sections, in review order: what the mergers achieve (comparison, saving over
 * time), how KSM's knobs and the page count change it, what SKSM's merge and the page primitives
 * cost, how far the model can be trusted (fidelity), then where the numbers come from.
 */
public final class Sections {
    private Sections() {}

    public static List<ReportSection> all() {
        return List.of(new AlgorithmComparisonSection(), new SavingOverTimeSection(), new ScanRateGridSection(),
                new ScalingSection(), new SksmMergeSection(), new PageOperationsSection(), new TreeOperationsSection(),
                new FidelitySection(),
                new ProvenanceSection(), new AllResultsSection());
    }
}
