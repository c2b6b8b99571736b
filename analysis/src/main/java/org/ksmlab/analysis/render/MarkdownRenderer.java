package org.ksmlab.analysis.render;

import java.util.ArrayList;
import java.util.List;
import org.ksmlab.analysis.ResultsFolder;
import org.ksmlab.analysis.section.SectionOutput;
import org.ksmlab.analysis.section.SectionOutput.ReportTable;

/**
 * Renders the report as markdown that reads as plain text in a terminal (pipe tables padded to
 * aligned columns, numbers right-aligned) and renders on a code host.
 */
public final class MarkdownRenderer {
    private MarkdownRenderer() {}

    public static String render(Report report) {
        StringBuilder md = new StringBuilder();
        md.append("# ").append(report.title()).append("\n\n");
        report.headline().ifPresent(h -> md.append("**").append(h.caption()).append("**\n\n")
                .append(table(DisplayTable.of(h.data()))).append("\n"));
        md.append("Inputs (").append(report.folders().size()).append(" results folder")
                .append(report.folders().size() == 1 ? "" : "s").append("):\n\n");
        for (ResultsFolder folder : report.folders()) {
            md.append("## ").append(folder.name()).append("\n\n");
            md.append("From `").append(folder.dir()).append("/env.txt`:\n\n");
            md.append("```text\n").append(folder.envText().isEmpty() ? "(no env.txt in this folder)" : folder.envText())
                    .append("\n```\n\n");
        }
        int number = 0;
        for (Report.BuiltSection built : report.sections()) {
            if (built.output().isEmpty()) {
                md.append("_").append(built.section().title()).append(": left out, ")
                        .append(built.section().absentNote()).append("._\n\n");
                continue;
            }
            SectionOutput out = built.output().get();
            md.append("## ").append(++number).append(". ").append(built.section().title()).append("\n\n");
            for (String paragraph : out.prose()) {
                md.append(paragraph).append("\n\n");
            }
            for (ReportTable table : out.tables()) {
                if (!table.inReport()) continue;
                md.append("**").append(table.caption()).append("** (`tables/").append(table.id()).append(".csv`)\n\n");
                md.append(table(DisplayTable.of(table.data()))).append("\n");
            }
            for (SectionOutput.ReportChart chart : out.charts()) {
                md.append("![").append(chart.caption()).append("](charts/").append(chart.name()).append(".png)\n\n");
            }
        }
        return md.toString().stripTrailing() + "\n";
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
