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
 * Seed question: how should a controller turn KSM on for processes that already run? From the
 * {@code per-process-switches} scenario: what prctl at a restart, the /proc/PID/ksm_enabled
 * proposal and process_madvise reach of a running service's memory, now and later.
 */
public final class SwitchesSection implements ReportSection {
    static final String SCENARIO = "per-process-switches";
    static final Map<String, String> SERVICES = new java.util.LinkedHashMap<>();

    static {
        SERVICES.put("restarted", "prctl(PR_SET_MEMORY_MERGE) at a restart (landed, 6.4)");
        SERVICES.put("procfs", "/proc/PID/ksm_enabled = always (2022 proposal)");
        SERVICES.put("pmadvise", "process_madvise(MADV_MERGEABLE) from the controller");
        SERVICES.put("untouched", "nothing (control)");
    }

    @Override
    public String id() {
        return "seed-switches";
    }

    @Override
    public String title() {
        return "Seed question: per-process KSM switches";
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
        StringColumn service = StringColumn.create("interface");
        LongColumn atSwitch = LongColumn.create("merging pages of the running heap");
        LongColumn later = LongColumn.create("merging pages with the later mapping");
        LongColumn failed = LongColumn.create("calls refused");
        List<String> sentences = new ArrayList<>();
        List<SectionOutput.Series> lines = new ArrayList<>();
        try {
            for (Map.Entry<String, ScenarioRun> e : runs.entrySet()) {
                ScenarioRun.Phase merged = e.getValue().phase("merged");
                ScenarioRun.Phase late = e.getValue().phase("late-merged");
                List<String> parts = new ArrayList<>();
                for (Map.Entry<String, String> s : SERVICES.entrySet()) {
                    long refused = s.getKey().equals("pmadvise") ? late.process("controller", "failed_calls") : late.process(s.getKey(), "failed_calls");
                    variant.append(e.getKey());
                    service.append(s.getValue());
                    atSwitch.append(merged.process(s.getKey(), "ksm_merging_pages"));
                    later.append(late.process(s.getKey(), "ksm_merging_pages"));
                    failed.append(refused);
                    parts.add(s.getKey() + " " + Numbers.count(late.process(s.getKey(), "ksm_merging_pages")) + " of 1,500");
                }
                sentences.add(e.getKey() + ": merging pages per service at the end " + String.join(", ", parts) + ".");
                ScenarioRun r = e.getValue();
                List<Double> x = new ArrayList<>();
                List<Double> y = new ArrayList<>();
                for (int i = 0; i < r.sampleMs().length; i++) {
                    x.add(r.sampleMs()[i] / 1000.0);
                    y.add(r.samplePagesSharing()[i]);
                }
                lines.add(new SectionOutput.Series(e.getKey(), x, y));
            }
        } catch (BadInputException ex) {
            throw new IllegalArgumentException(ex.getMessage(), ex);
        }
        List<String> prose = new ArrayList<>();
        prose.add("Four services hold the same 1,000-page heap; a controller then turns KSM on for each through a different"
                + " interface, and each service later maps 500 more pages of the same contents. prctl applies only to the caller,"
                + " so a controller can set it only for a process it starts (the service is restarted and rebuilds its memory);"
                + " /proc/PID/ksm_enabled (never merged) reaches a running process and its future mappings; process_madvise reaches"
                + " only the ranges the controller names, and current kernels refuse MADV_MERGEABLE there (EINVAL, measured on"
                + " 6.18). Model, virtual time, ksm, scenario " + SCENARIO + " (variant with-proposals turns the two proposals on).");
        prose.addAll(sentences);
        Table t = Table.create("switches", variant, service, atSwitch, later, failed);
        SectionOutput.ChartSpec chart = SectionOutput.ChartSpec.lines("seed-switches-saving", "Pages saved over virtual time, all services together, per variant (model)",
                "Saving over time", "virtual time (s)", "pages_sharing (higher is better)", lines, false);
        return Optional.of(new SectionOutput(prose, List.of(new ReportTable(id(), "What each interface reaches (model, virtual time)", t)), List.of(chart)));
    }
}
