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
 * The kernel's own KSM selftests, written as scenarios with the selftests' expectations as
 * expect steps, run on the model: which pass. (kernel-check --scenario runs the same files on the
 * live kernel.)
 */
public final class SelftestsSection implements ReportSection {
    static final String PREFIX = "selftest-";

    @Override
    public String id() {
        return "selftests";
    }

    @Override
    public String title() {
        return "The kernel's KSM selftests, in the model";
    }

    @Override
    public Part part() {
        return Part.MODEL;
    }

    @Override
    public String absentNote() {
        return "no selftest scenario runs in these results (the main job writes them into scenarios/)";
    }

    @Override
    public Optional<SectionOutput> build(Results results) {
        List<ScenarioRun> runs = ScenarioRuns.withPrefix(results, PREFIX);
        if (runs.isEmpty()) return Optional.empty();
        StringColumn name = StringColumn.create("selftest scenario");
        StringColumn result = StringColumn.create("result");
        LongColumn verified = LongColumn.create("page reads verified");
        int passed = 0;
        for (ScenarioRun r : runs) {
            name.append(r.scenario().substring(PREFIX.length()) + (r.variant() == null ? "" : " [" + r.variant() + "]"));
            result.append(r.failures().isEmpty() ? "pass" : "FAIL: " + String.join("; ", r.failures()));
            verified.append(r.pagesVerified());
            if (r.failures().isEmpty()) passed++;
        }
        List<String> prose = new ArrayList<>();
        prose.add(passed + " of " + runs.size() + " runs of the kernel's KSM selftests (tools/testing/selftests/mm: ksm_functional_tests,"
                + " ksm_tests, merge.c, rmap.c), written as scenarios whose expect steps are the selftests' own assertions, pass in the"
                + " model (ksm). The cases a scenario cannot express are listed in the README (Scenarios).");
        Table t = Table.create("selftests", name, result, verified);
        return Optional.of(new SectionOutput(prose, List.of(new ReportTable(id(), "Selftest scenarios in the model (ksm)", t)), List.of()));
    }
}
