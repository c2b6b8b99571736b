package org.ksmlab.analysis.section;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.ksmlab.analysis.input.Results;
import org.ksmlab.analysis.input.ScenarioRun;
import org.ksmlab.analysis.section.SectionOutput.ReportTable;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Seed question: do KSM's invariants hold when one anonymous page is mapped twice in one mm
 * (the 2019 process_vm_mmap proposal)? From the {@code vma-cloning} scenario: the counters at
 * each phase and the reads verified; the run stops with the reason if an invariant breaks.
 */
public final class VmaCloningSection implements ReportSection {
    static final String SCENARIO = "vma-cloning";

    @Override
    public String id() {
        return "seed-vma-cloning";
    }

    @Override
    public String title() {
        return "Seed question: VMA cloning";
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
        ScenarioRun run = ScenarioRuns.byVariant(results, SCENARIO).get("default");
        if (run == null) return Optional.empty();
        StringColumn phase = StringColumn.create("phase");
        LongColumn anon = LongColumn.create("nr_anon_pages");
        LongColumn shared = LongColumn.create("pages_shared");
        LongColumn sharing = LongColumn.create("pages_sharing");
        LongColumn cow = LongColumn.create("cow_faults");
        LongColumn unreachable = LongColumn.create("rmap_unreachable");
        for (ScenarioRun.Phase p : run.phases()) {
            phase.append(p.name());
            anon.append(p.counter("nr_anon_pages"));
            shared.append(p.counter("pages_shared"));
            sharing.append(p.counter("pages_sharing"));
            cow.append(p.counter("cow_faults"));
            unreachable.append(p.counter("rmap_unreachable"));
        }
        List<String> prose = new ArrayList<>();
        prose.add("Process p maps 256 pages of 4 contents, clones the range into itself (every page mapped twice in one mm) and half of"
                + " it into q, madvises all three ranges MERGEABLE, lets ksmd merge, then writes 64 pages through the clone."
                + " No released kernel can map one private anonymous page twice in one mm (measured on 6.18: mremap(old, 0, ...)"
                + " of private memory is EINVAL), so this is the model alone, with kernel.process_vm_mmap=1.");
        prose.add(run.failures().isEmpty()
                ? "Every read of every page was verified at every phase (" + Numbers.count(run.pagesVerified()) + " page reads), the"
                        + " frame-accounting invariant check held after every wait, and no expectation failed: merging and COW through"
                        + " a page mapped twice keep what each mapping reads."
                : "FAILED expectations: " + String.join("; ", run.failures()));
        Table t = Table.create("vma cloning", phase, anon, shared, sharing, cow, unreachable);
        return Optional.of(new SectionOutput(prose, List.of(new ReportTable(id(), "Counters per phase (model, virtual time, ksm)", t)), List.of()));
    }
}
