package org.ksmlab.analysis.section;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ksmlab.analysis.input.BadInputException;
import org.ksmlab.analysis.input.Results;
import org.ksmlab.analysis.input.ScenarioRun;
import org.ksmlab.analysis.section.SectionOutput.ChartSpec;
import org.ksmlab.analysis.section.SectionOutput.ReportTable;
import org.ksmlab.analysis.section.SectionOutput.Series;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Seed question: does merge-any break VMA merging? ("mm: prevent KSM from breaking VMA merging for
 * new VMAs", merged for 6.17.) From the {@code merge-any-vma-merging} scenario's variants: per
 * allocation pattern, the VMAs it ends with, their metadata, and the KSM saving, which the fix
 * must not change.
 */
public final class MergeAnyVmaSection implements ReportSection {
    static final String SCENARIO = "merge-any-vma-merging";
    /** The scenario's processes, one allocation pattern each, and what each stands for, in report order. */
    static final Map<String, String> PATTERNS = new java.util.LinkedHashMap<>();

    static {
        PATTERNS.put("mapper", "16 adjacent anonymous mmaps (merge-any)");
        PATTERNS.put("heap", "brk growth in 16 steps (merge-any)");
        PATTERNS.put("arena", "arena: PROT_NONE reservation made RW in 16 chunks (merge-any)");
        PATTERNS.put("plain", "16 adjacent mmaps, each madvised (no merge-any)");
    }

    @Override
    public String id() {
        return "seed-merge-any";
    }

    @Override
    public String title() {
        return "Seed question: merge-any and VMA merging";
    }

    @Override
    public Part part() {
        return Part.MODEL;
    }

    @Override
    public String absentNote() {
        return "no " + SCENARIO + " scenario runs in these results (the main job writes them into scenarios/)";
    }

    @Override
    public Optional<SectionOutput> build(Results results) {
        Map<String, ScenarioRun> runs = ScenarioRuns.byVariant(results, SCENARIO);
        if (runs.isEmpty()) return Optional.empty();
        StringColumn variant = StringColumn.create("variant");
        StringColumn pattern = StringColumn.create("allocation pattern");
        LongColumn vmas = LongColumn.create("VMAs");
        LongColumn bytes = LongColumn.create("VMA bytes");
        LongColumn merging = LongColumn.create("KSM merging pages");
        List<String> sentences = new ArrayList<>();
        List<Series> bars = new ArrayList<>();
        try {
            for (Map.Entry<String, ScenarioRun> e : runs.entrySet()) {
                ScenarioRun.Phase merged = e.getValue().phase("merged");
                List<Double> y = new ArrayList<>();
                List<String> parts = new ArrayList<>();
                for (Map.Entry<String, String> p : PATTERNS.entrySet()) {
                    long v = merged.process(p.getKey(), "vmas");
                    variant.append(e.getKey());
                    pattern.append(p.getValue());
                    vmas.append(v);
                    bytes.append(v * ScenarioRuns.VMA_BYTES);
                    merging.append(merged.process(p.getKey(), "ksm_merging_pages"));
                    y.add((double) v);
                    parts.add(p.getKey() + " " + v);
                }
                bars.add(Series.bars(e.getKey(), y));
                long saving = PATTERNS.keySet().stream().mapToLong(p -> merged.process(p, "ksm_merging_pages")).sum();
                sentences.add(e.getKey() + ": VMAs per pattern " + String.join(", ", parts) + "; KSM merging pages over the four: "
                        + Numbers.count(saving) + ".");
            }
        } catch (BadInputException ex) {
            throw new IllegalArgumentException(ex.getMessage(), ex);
        }
        Table t = Table.create("merge-any VMAs", variant, pattern, vmas, bytes, merging);
        List<String> prose = new ArrayList<>();
        prose.add("Before Linux 6.17 a new mapping of a merge-any process (prctl PR_SET_MEMORY_MERGE) got VM_MERGEABLE only"
                + " after the attempt to merge it with its neighbours, which already had it, so every adjacent mmap and every brk step"
                + " stayed a VMA of its own; since 6.17 the flag is set first and they merge. Model, virtual time, ksm, scenario "
                + SCENARIO + " (variants set kernel.ksm_vma_merge_fix); VMA bytes at " + ScenarioRuns.VMA_BYTES
                + " bytes per vm_area_struct (the slab object size on Linux 6.18.44 here). Measured on that kernel: 1 VMA for the"
                + " adjacent mmaps and for brk growth, 2 for the arena, the same saving with and without merge-any.");
        prose.addAll(sentences);
        ChartSpec chart = ChartSpec.bars("seed-merge-any-vmas", "VMAs each allocation pattern ends with, per variant (model)",
                "VMAs per allocation pattern", "allocation pattern", "VMAs (fewer is better)",
                List.copyOf(PATTERNS.keySet()), bars);
        return Optional.of(new SectionOutput(prose, List.of(new ReportTable(id(), "VMAs and saving per pattern and variant (model, virtual time)", t)),
                List.of(chart)));
    }
}
