package org.ksmlab.analysis.render;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ksmlab.analysis.Results;
import org.ksmlab.analysis.ResultsFolder;
import org.ksmlab.analysis.section.ReportSection;
import org.ksmlab.analysis.section.SectionOutput;
import org.ksmlab.analysis.section.SectionOutput.ReportTable;

/**
 * The report in memory: every section built, every output file's bytes computed, before
 * anything is written (so a failure leaves no half-written report behind).
 *
 * @param title the report's heading
 * @param folders the input results folders, for the header
 * @param sections each section with its output, or empty when its benchmarks are absent
 */
public record Report(String title, List<ResultsFolder> folders, List<BuiltSection> sections) {

    /** A section and what it produced from the results. */
    public record BuiltSection(ReportSection section, Optional<SectionOutput> output) {}

    public static Report build(Results results, List<ReportSection> sections) {
        List<BuiltSection> built = sections.stream().map(s -> new BuiltSection(s, s.build(results))).toList();
        return new Report("ksmlab report", results.folders(), built);
    }

    /** The table printed to stdout: the first table a section marks as headline. */
    public Optional<ReportTable> headline() {
        return tables().stream().filter(ReportTable::headline).findFirst();
    }

    /** All tables of all built sections, in report order. */
    public List<ReportTable> tables() {
        return sections.stream().flatMap(b -> b.output().stream()).flatMap(o -> o.tables().stream()).toList();
    }

    /**
     * Every output file by its path relative to the output folder: report.md, report.html,
     * tables/&lt;id&gt;.csv, charts/&lt;name&gt;.png.
     */
    public Map<String, byte[]> files() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("report.md", MarkdownRenderer.render(this).getBytes(StandardCharsets.UTF_8));
        files.put("report.html", HtmlRenderer.render(this).getBytes(StandardCharsets.UTF_8));
        for (ReportTable table : tables()) {
            StringWriter csv = new StringWriter();
            table.data().write().csv(csv);
            if (files.put("tables/" + table.id() + ".csv", csv.toString().getBytes(StandardCharsets.UTF_8)) != null) {
                throw new IllegalStateException("two report tables share the id " + table.id());
            }
        }
        sections.stream().flatMap(b -> b.output().stream()).flatMap(o -> o.charts().stream())
                .forEach(chart -> files.put("charts/" + chart.name() + ".png", chart.png()));
        return files;
    }
}
