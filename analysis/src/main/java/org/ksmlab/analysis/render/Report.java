package org.ksmlab.analysis.render;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ksmlab.analysis.input.Results;
import org.ksmlab.analysis.input.ResultsFolder;
import org.ksmlab.analysis.input.ResultsFolder.Completeness;
import org.ksmlab.analysis.section.ReportSection;
import org.ksmlab.analysis.section.SectionOutput;
import org.ksmlab.analysis.section.SectionOutput.ChartSpec;
import org.ksmlab.analysis.section.SectionOutput.Headline;
import org.ksmlab.analysis.section.SectionOutput.ReportTable;

/**
 * The report in memory: every section built, every chart drawn, every output file's bytes
 * computed, before anything is written (so a failure leaves no half-written report behind).
 *
 * <p>Layout: the title; the completeness of the inputs (prominent when any is partial or does
 * not say); the headline (one generated sentence per mix and one table, shown only there); the
 * inputs' provenance; then the sections by part ({@link ReportSection.Part}): the modelled
 * kernel, the simulator itself, the appendix. A chart that would show a single point is not
 * drawn ({@link ChartSpec#drawable()}).
 *
 * @param title the report's heading
 * @param folders the input results folders, for the header
 * @param sections each section with its output, or empty when its benchmarks are absent
 * @param pngs every drawn chart's PNG by chart name
 */
public record Report(String title, List<ResultsFolder> folders, List<BuiltSection> sections, Map<String, byte[]> pngs) {

    /** A section and what it produced from the results (charts already filtered to the drawable ones). */
    public record BuiltSection(ReportSection section, Optional<SectionOutput> output) {}

    public static Report build(Results results, List<ReportSection> sections) {
        List<BuiltSection> built = new ArrayList<>();
        Map<String, byte[]> pngs = new LinkedHashMap<>();
        for (ReportSection s : sections) {
            Optional<SectionOutput> out = s.build(results).map(o -> new SectionOutput(o.prose(), o.tables(),
                    o.charts().stream().filter(ChartSpec::drawable).toList(), o.headline()));
            out.ifPresent(o -> o.charts().forEach(c -> {
                if (pngs.put(c.name(), ChartRenderer.png(c)) != null) {
                    throw new IllegalStateException("two report charts share the name " + c.name());
                }
            }));
            built.add(new BuiltSection(s, out));
        }
        return new Report("ksmlab report", results.folders(), List.copyOf(built), pngs);
    }

    /** The headline at the top: the first section (in report order) that offers one. */
    public Optional<Headline> headline() {
        return sections.stream().flatMap(b -> b.output().stream()).map(SectionOutput::headline)
                .filter(h -> h != null).findFirst();
    }

    /** All tables of all built sections, in report order (not the headline's). */
    public List<ReportTable> tables() {
        return sections.stream().flatMap(b -> b.output().stream()).flatMap(o -> o.tables().stream()).toList();
    }

    /** Whether any input folder is partial. */
    public boolean anyPartial() {
        return folders.stream().anyMatch(f -> f.completeness().state() == Completeness.State.PARTIAL);
    }

    /**
     * One line on the inputs' completeness: "Results complete." when every folder says so; else
     * which folders are partial (and why) and which do not say.
     */
    public String completeness() {
        List<String> partial = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (ResultsFolder f : folders) {
            Completeness c = f.completeness();
            if (c.state() == Completeness.State.PARTIAL) partial.add(f.name() + ": " + c.text());
            if (c.state() == Completeness.State.NOT_RECORDED) unknown.add(f.name());
        }
        List<String> parts = new ArrayList<>();
        if (!partial.isEmpty()) {
            parts.add(SectionOutput.WIDE_MARK + " PARTIAL RESULTS: " + String.join("; ", partial)
                    + ". The run stopped before it measured everything it meant to: sections may lack points, and a"
                    + " comparison may lack mergers.");
        }
        if (!unknown.isEmpty()) {
            parts.add("Completeness not recorded for " + String.join(", ", unknown) + " (env.txt has no status line:"
                    + " written before run.sh recorded one), so whether " + (unknown.size() == 1 ? "that run" : "those runs")
                    + " finished is unknown.");
        }
        if (parts.isEmpty()) {
            return "Results complete: " + (folders.size() == 1 ? "the input folder's" : "every input folder's")
                    + " env.txt says status: complete.";
        }
        return String.join(" ", parts);
    }

    /**
     * Every output file by its path relative to the output folder: report.md, report.html,
     * tables/&lt;id&gt;.csv (the headline's too), charts/&lt;name&gt;.png.
     */
    public Map<String, byte[]> files() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("report.md", MarkdownRenderer.render(this).getBytes(StandardCharsets.UTF_8));
        files.put("report.html", HtmlRenderer.render(this).getBytes(StandardCharsets.UTF_8));
        List<ReportTable> all = new ArrayList<>();
        headline().ifPresent(h -> all.add(h.table()));
        all.addAll(tables());
        for (ReportTable table : all) {
            StringWriter csv = new StringWriter();
            table.data().write().csv(csv);
            if (files.put("tables/" + table.id() + ".csv", csv.toString().getBytes(StandardCharsets.UTF_8)) != null) {
                throw new IllegalStateException("two report tables share the id " + table.id());
            }
        }
        pngs.forEach((name, png) -> files.put("charts/" + name + ".png", png));
        return files;
    }
}
