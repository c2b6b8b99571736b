package org.ksmlab.analysis.section;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ksmlab.analysis.input.BadInputException;
import org.ksmlab.analysis.input.Results;
import org.ksmlab.analysis.input.ScenarioRun;
import org.ksmlab.analysis.section.SectionOutput.ReportTable;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Seed question: what should mremap do to merged memory? From the {@code mremap-merged}
 * scenario's variants (the kernel's unmerge before a move, moving without it, the
 * MREMAP_RELOCATE_ANON proposal): COW copies at the move, KSM mappings the rmap walk would miss,
 * pages_sharing through the re-merge, and the VMAs each case ends with.
 */
public final class MremapSection implements ReportSection {
    static final String SCENARIO = "mremap-merged";
    static final List<String> PROCESSES = List.of("mover", "middler", "grower", "shrinker");

    /** Whether every present page of both moved ranges is on a KSM page. */
    private static boolean allMerged(ScenarioRun.Phase p) {
        for (String region : List.of("mover.moved", "middler.moved")) {
            Map<String, Long> r = p.regions().get(region);
            if (r == null || r.getOrDefault("ksm_pages", -1L).longValue() != r.getOrDefault("present_pages", -2L).longValue()) return false;
        }
        return true;
    }

    @Override
    public String id() {
        return "seed-mremap";
    }

    @Override
    public String title() {
        return "Seed question: mremap of merged memory";
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
        LongColumn copies = LongColumn.create("pages copied at the move");
        LongColumn unreachable = LongColumn.create("KSM mappings the rmap misses after the move");
        LongColumn before = LongColumn.create("pages_sharing before");
        LongColumn at = LongColumn.create("at the move");
        LongColumn plus1 = LongColumn.create("after 1 scan");
        LongColumn plus2 = LongColumn.create("after 2 scans");
        LongColumn scans = LongColumn.create("full scans until the moved pages are merged again");
        StringColumn vmaVariant = StringColumn.create("variant");
        StringColumn process = StringColumn.create("case");
        LongColumn vmasBefore = LongColumn.create("VMAs before");
        LongColumn vmasAfter = LongColumn.create("VMAs after");
        List<String> sentences = new ArrayList<>();
        try {
            for (Map.Entry<String, ScenarioRun> e : runs.entrySet()) {
                ScenarioRun r = e.getValue();
                ScenarioRun.Phase merged = r.phase("merged");
                ScenarioRun.Phase moved = r.phase("remapped");
                ScenarioRun.Phase one = r.phase("remapped+1");
                ScenarioRun.Phase two = r.phase("remapped+2");
                long copied = moved.counter("cow_faults") - merged.counter("cow_faults");
                long settled = two.counter("pages_sharing");
                // full scans until every moved page (both moved ranges) is on a KSM page again; 0: it never stopped being
                List<ScenarioRun.Phase> after = List.of(moved, one, two);
                long scansBack = -1;
                for (int i = 0; i < after.size() && scansBack < 0; i++) {
                    if (allMerged(after.get(i))) scansBack = i;
                }
                variant.append(e.getKey());
                copies.append(copied);
                unreachable.append(moved.counter("rmap_unreachable"));
                before.append(merged.counter("pages_sharing"));
                at.append(moved.counter("pages_sharing"));
                plus1.append(one.counter("pages_sharing"));
                plus2.append(settled);
                scans.append(scansBack);
                for (String p : PROCESSES) {
                    vmaVariant.append(e.getKey());
                    process.append(p);
                    vmasBefore.append(merged.process(p, "vmas"));
                    vmasAfter.append(moved.process(p, "vmas"));
                }
                sentences.add(e.getKey() + ": " + Numbers.count(copied) + " pages copied at the move, "
                        + Numbers.count(moved.counter("rmap_unreachable")) + " KSM mappings hidden from the rmap walk after it, "
                        + (scansBack == 0 ? "never unmerged" : scansBack < 0 ? "not merged again within 2 full scans"
                                : "merged again after " + scansBack + " full scan" + (scansBack == 1 ? "" : "s")) + "; the moved range ends in "
                        + moved.process("mover", "vmas") + " VMA" + (moved.process("mover", "vmas") == 1 ? "" : "s")
                        + " with its anonymous neighbour.");
            }
        } catch (BadInputException ex) {
            throw new IllegalArgumentException(ex.getMessage(), ex);
        }
        List<String> prose = new ArrayList<>();
        prose.add("Four processes each merge 999 pages of 9 contents, then: 'mover' moves all of it next to an anonymous neighbour,"
                + " 'middler' moves its middle third, 'grower' grows it in place (later filling the new part), 'shrinker' shrinks it."
                + " The kernel unmerges a range before it moves it (prep_move_vma), so the move copies every merged page and ksmd"
                + " merges them again in two scans; without that, nothing is copied but KSM's reverse map keeps the old addresses"
                + " until ksmd revisits (migration and reclaim would miss those mappings); MREMAP_RELOCATE_ANON also lets the moved"
                + " range merge with its neighbour. Model, virtual time, ksm, scenario " + SCENARIO + ". Measured on Linux 6.18.44:"
                + " the move copies at once while KSM's counters change only at the next pass, the moved range merges again after"
                + " 2 full scans, moving the middle third leaves 3 VMAs.");
        prose.addAll(sentences);
        Table t = Table.create("mremap of merged memory", variant, copies, unreachable, before, at, plus1, plus2, scans);
        Table v = Table.create("VMAs", vmaVariant, process, vmasBefore, vmasAfter);
        return Optional.of(new SectionOutput(prose, List.of(
                new ReportTable(id(), "Cost of the move and the re-merge, per variant (model, virtual time; the shrinker's 500 pages leave pages_sharing for good)", t),
                new ReportTable(id() + "-vmas", "VMAs per case before and after the mremap (model)", v)), List.of()));
    }
}
