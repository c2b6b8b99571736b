package org.ksmlab.analysis.section;

import java.util.List;

/**
 * The report's sections, in review order and grouped by part ({@link ReportSection.Part}): the
 * modelled kernel (what the mergers achieve, how KSM's knobs change it, how far the model can be
 * trusted), then the simulator itself (what a model run, SKSM's merge in the model, the page
 * primitives and the tree walks cost in wall time), then where the numbers come from.
 */
public final class Sections {
    private Sections() {}

    public static List<ReportSection> all() {
        return List.of(new AlgorithmComparisonSection(), new SavingOverTimeSection(), new ExposureSection(), new ScanRateGridSection(),
                new FidelitySection(), new RealMemorySection(),
                new MergeAnyVmaSection(), new MremapSection(), new SwitchesSection(), new VmaCloningSection(), new SelftestsSection(),
                new ScalingSection(), new SksmMergeSection(), new PageOperationsSection(), new CReferenceSection(), new TreeOperationsSection(), new WorkloadBuildSection(),
                new ProvenanceSection(), new AllResultsSection());
    }
}
