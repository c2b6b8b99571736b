package org.ksmlab.analysis.render;

import java.util.ArrayList;
import java.util.List;
import org.ksmlab.analysis.input.ResultsFolder;
import org.ksmlab.analysis.section.ReportSection;
import org.ksmlab.analysis.section.SectionOutput;
import org.ksmlab.analysis.section.SectionOutput.ReportTable;

/**
 * Renders the report as markdown that reads as plain text in a terminal (pipe tables padded to
 * aligned columns, numbers right-aligned) and renders on a code host. Same layout as the HTML
 * ({@link Report}).
 */
public final class MarkdownRenderer {
    private MarkdownRenderer() {}

    public static String render(Report report) {
        StringBuilder md = new StringBuilder();
        md.append("# ").append(report.title()).append("\n\n");
        md.append("**").append(report.completeness()).append("**\n\n");
        report.headline().ifPresent(h -> {
            md.append("## Headline\n\n");
            for (String sentence : h.sentences()) md.append("- ").append(sentence).append("\n");
            md.append("\n");
            table(md, h.table());
        });
        md.append("## Contents\n\n");
        int number = 0;
        for (ReportSection.Part part : ReportSection.Part.values()) {
            List<Report.BuiltSection> inPart = inPart(report, part);
            if (inPart.isEmpty()) continue;
            md.append("- Part ").append(part.ordinal() + 1).append(": ").append(part.title()).append("\n");
            for (Report.BuiltSection built : inPart) {
                if (built.output().isPresent()) {
                    md.append("  - ").append(++number).append(". ").append(built.section().title()).append("\n");
                }
            }
        }
        md.append("- Inputs\n\n");
        number = 0;
        for (ReportSection.Part part : ReportSection.Part.values()) {
            List<Report.BuiltSection> inPart = inPart(report, part);
            if (inPart.isEmpty()) continue;
            md.append("## Part ").append(part.ordinal() + 1).append(": ").append(part.title()).append("\n\n")
                    .append(part.intro()).append("\n\n");
            for (Report.BuiltSection built : inPart) {
                if (built.output().isEmpty()) {
                    md.append("_").append(built.section().title()).append(": left out, ")
                            .append(built.section().absentNote()).append("._\n\n");
                    continue;
                }
                SectionOutput out = built.output().get();
                md.append("### ").append(++number).append(". ").append(built.section().title()).append("\n\n");
                for (String paragraph : out.prose()) md.append(paragraph).append("\n\n");
                for (ReportTable table : out.tables()) {
                    if (table.inReport()) table(md, table);
                }
                for (SectionOutput.ChartSpec chart : out.charts()) {
                    md.append("![").append(chart.caption()).append("](charts/").append(chart.name()).append(".png)\n\n");
                }
            }
        }
        md.append("## Inputs (").append(report.folders().size()).append(" results folder")
                .append(report.folders().size() == 1 ? "" : "s").append(")\n\n");
        for (ResultsFolder folder : report.folders()) {
            md.append("### ").append(folder.name()).append(" (").append(folder.completeness().text()).append(")\n\n");
            md.append("From `").append(folder.dir()).append("/env.txt`:\n\n");
            md.append("```text\n").append(folder.envText().isEmpty() ? "(no env.txt in this folder)" : folder.envText())
                    .append("\n```\n\n");
        }
        return md.toString().stripTrailing() + "\n";
    }

    static List<Report.BuiltSection> inPart(Report report, ReportSection.Part part) {
        return report.sections().stream().filter(b -> b.section().part() == part).toList();
    }

    private static void table(StringBuilder md, ReportTable table) {
        md.append("**").append(table.caption()).append("** (`tables/").append(table.id()).append(".csv`)\n\n");
        md.append(table(DisplayTable.of(table.data()))).append("\n");
    }

    /** An aligned pipe table. */
    public static String table(DisplayTable t) {
        int columns = t.headers().size();
        int[] width = new int[columns];
        for (int c = 0; c < columns; c++) {
            width[c] = Math.max(3, escape(t.headers().get(c)).length());
            for (List<String> row : t.rows()) width[c] = Math.max(width[c], escape(row.get(c)).length());
        }
        StringBuilder sb = new StringBuilder();
        line(sb, t.headers(), width, t.numeric());
        List<String> rule = new ArrayList<>();
        for (int c = 0; c < columns; c++) {
            rule.add(t.numeric().get(c) ? "-".repeat(width[c] - 1) + ":" : "-".repeat(width[c]));
        }
        line(sb, rule, width, t.numeric());
        for (List<String> row : t.rows()) line(sb, row, width, t.numeric());
        return sb.toString();
    }

    private static void line(StringBuilder sb, List<String> cells, int[] width, List<Boolean> right) {
        sb.append('|');
        for (int c = 0; c < cells.size(); c++) {
            String cell = escape(cells.get(c));
            String pad = " ".repeat(width[c] - cell.length());
            sb.append(' ').append(right.get(c) ? pad + cell : cell + pad).append(" |");
        }
        sb.append('\n');
    }

    private static String escape(String cell) {
        return cell.replace("|", "\\|").replace("\n", " ");
    }
}
