package org.ksmlab.analysis.render;

import java.util.Base64;
import java.util.List;
import org.ksmlab.analysis.ResultsFolder;
import org.ksmlab.analysis.section.SectionOutput;
import org.ksmlab.analysis.section.SectionOutput.ReportChart;
import org.ksmlab.analysis.section.SectionOutput.ReportTable;

/**
 * Renders the report as one self-contained HTML file: inline CSS, charts embedded as base64
 * PNG data URIs, no scripts and nothing fetched from the network.
 */
public final class HtmlRenderer {
    private HtmlRenderer() {}

    private static final String CSS = """
            body { font-family: system-ui, sans-serif; max-width: 72rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
            h1, h2 { border-bottom: 1px solid #ddd; padding-bottom: .2em; }
            pre { background: #f6f8fa; padding: .8em; overflow-x: auto; }
            table { border-collapse: collapse; margin: .5em 0 1.5em; font-size: 90%; }
            th, td { border: 1px solid #ccc; padding: .25em .6em; }
            th { background: #f0f0f0; }
            td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
            caption { caption-side: top; text-align: left; font-weight: bold; padding: .3em 0; }
            p.absent { color: #666; font-style: italic; }
            figure { margin: 1em 0; } img { max-width: 100%; }
            """;

    public static String render(Report report) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
                .append(esc(report.title())).append("</title>\n<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
        h.append("<h1>").append(esc(report.title())).append("</h1>\n");
        report.headline().ifPresent(t -> table(h, t));
        for (ResultsFolder folder : report.folders()) {
            h.append("<h2>").append(esc(folder.name())).append("</h2>\n<p>From <code>")
                    .append(esc(folder.dir() + "/env.txt")).append("</code>:</p>\n<pre>")
                    .append(esc(folder.envText().isEmpty() ? "(no env.txt in this folder)" : folder.envText()))
                    .append("</pre>\n");
        }
        int number = 0;
        for (Report.BuiltSection built : report.sections()) {
            if (built.output().isEmpty()) {
                h.append("<p class=\"absent\">").append(esc(built.section().title())).append(": left out, ")
                        .append(esc(built.section().absentNote())).append(".</p>\n");
                continue;
            }
            SectionOutput out = built.output().get();
            h.append("<h2 id=\"").append(esc(built.section().id())).append("\">").append(++number).append(". ")
                    .append(esc(built.section().title())).append("</h2>\n");
            for (String paragraph : out.prose()) h.append("<p>").append(esc(paragraph)).append("</p>\n");
            for (ReportTable table : out.tables()) {
                if (table.inReport()) table(h, table);
            }
            for (ReportChart chart : out.charts()) {
                h.append("<figure><img alt=\"").append(esc(chart.caption())).append("\" src=\"data:image/png;base64,")
                        .append(Base64.getEncoder().encodeToString(chart.png())).append("\"><figcaption>")
                        .append(esc(chart.caption())).append("</figcaption></figure>\n");
            }
        }
        return h.append("</body>\n</html>\n").toString();
    }

    private static void table(StringBuilder h, ReportTable table) {
        DisplayTable t = DisplayTable.of(table.data());
        h.append("<table>\n<caption>").append(esc(table.caption())).append(" (tables/").append(esc(table.id()))
                .append(".csv)</caption>\n<tr>");
        for (String header : t.headers()) h.append("<th>").append(esc(header)).append("</th>");
        h.append("</tr>\n");
        for (List<String> row : t.rows()) {
            h.append("<tr>");
            for (int c = 0; c < row.size(); c++) {
                h.append(t.numeric().get(c) ? "<td class=\"num\">" : "<td>").append(esc(row.get(c))).append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n");
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
