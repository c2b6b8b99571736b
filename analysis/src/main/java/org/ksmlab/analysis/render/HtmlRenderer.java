package org.ksmlab.analysis.render;

import java.util.Base64;
import java.util.List;
import org.ksmlab.analysis.input.ResultsFolder;
import org.ksmlab.analysis.section.ReportSection;
import org.ksmlab.analysis.section.SectionOutput;
import org.ksmlab.analysis.section.SectionOutput.ChartSpec;
import org.ksmlab.analysis.section.SectionOutput.ReportTable;

/**
 * Renders the report as one HTML file: inline CSS, charts embedded as base64 PNG data URIs, no
 * scripts and nothing fetched from the network. Its only links are to its own sections
 * ({@code #id}) and to the CSV of each table next to it ({@code tables/<id>.csv}). Same layout
 * as the markdown ({@link Report}).
 */
public final class HtmlRenderer {
    private HtmlRenderer() {}

    private static final String CSS = """
            body { font-family: system-ui, sans-serif; max-width: 76rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
            h1, h2 { border-bottom: 1px solid #ddd; padding-bottom: .2em; }
            h2.part { margin-top: 2.5em; border-bottom: 3px solid #888; }
            pre { background: #f6f8fa; padding: .8em; overflow-x: auto; }
            div.table { overflow-x: auto; margin: .5em 0 1.5em; }
            table { border-collapse: collapse; font-size: 90%; }
            th, td { border: 1px solid #ccc; padding: .25em .6em; }
            th { background: #f0f0f0; }
            td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
            caption { caption-side: top; text-align: left; font-weight: bold; padding: .3em 0; }
            p.absent { color: #666; font-style: italic; }
            p.status { padding: .6em .8em; border-radius: 4px; font-weight: bold; }
            p.status.ok { background: #eef7ee; border: 1px solid #9c9; }
            p.status.warn { background: #fff1e0; border: 2px solid #e69500; font-size: 110%; }
            p.intro { color: #444; }
            ul.headline li { margin: .4em 0; line-height: 1.4; }
            figure { margin: 1em 0; } img { max-width: 100%; }
            """;

    public static String render(Report report) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
                .append(esc(report.title())).append("</title>\n<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
        h.append("<h1>").append(esc(report.title())).append("</h1>\n");
        boolean warn = !report.completeness().startsWith("Results complete");
        h.append("<p class=\"status ").append(warn ? "warn" : "ok").append("\" id=\"completeness\">")
                .append(esc(report.completeness())).append("</p>\n");
        report.headline().ifPresent(hl -> {
            h.append("<h2 id=\"headline\">Headline</h2>\n<ul class=\"headline\">\n");
            for (String sentence : hl.sentences()) h.append("<li>").append(esc(sentence)).append("</li>\n");
            h.append("</ul>\n");
            table(h, hl.table());
        });
        h.append("<nav>\n<h2 id=\"contents\">Contents</h2>\n<ul>\n");
        int number = 0;
        for (ReportSection.Part part : ReportSection.Part.values()) {
            List<Report.BuiltSection> inPart = MarkdownRenderer.inPart(report, part);
            if (inPart.isEmpty()) continue;
            h.append("<li><a href=\"#part-").append(part.ordinal() + 1).append("\">Part ").append(part.ordinal() + 1)
                    .append(": ").append(esc(part.title())).append("</a>\n<ul>\n");
            for (Report.BuiltSection built : inPart) {
                if (built.output().isEmpty()) continue;
                h.append("<li><a href=\"#").append(esc(built.section().id())).append("\">").append(++number).append(". ")
                        .append(esc(built.section().title())).append("</a></li>\n");
            }
            h.append("</ul></li>\n");
        }
        h.append("<li><a href=\"#inputs\">Inputs</a></li>\n</ul>\n</nav>\n");
        number = 0;
        for (ReportSection.Part part : ReportSection.Part.values()) {
            List<Report.BuiltSection> inPart = MarkdownRenderer.inPart(report, part);
            if (inPart.isEmpty()) continue;
            h.append("<h2 class=\"part\" id=\"part-").append(part.ordinal() + 1).append("\">Part ").append(part.ordinal() + 1)
                    .append(": ").append(esc(part.title())).append("</h2>\n<p class=\"intro\">").append(esc(part.intro()))
                    .append("</p>\n");
            for (Report.BuiltSection built : inPart) {
                if (built.output().isEmpty()) {
                    h.append("<p class=\"absent\">").append(esc(built.section().title())).append(": left out, ")
                            .append(esc(built.section().absentNote())).append(".</p>\n");
                    continue;
                }
                SectionOutput out = built.output().get();
                h.append("<h3 id=\"").append(esc(built.section().id())).append("\">").append(++number).append(". ")
                        .append(esc(built.section().title())).append("</h3>\n");
                for (String paragraph : out.prose()) h.append("<p>").append(esc(paragraph)).append("</p>\n");
                for (ReportTable table : out.tables()) {
                    if (table.inReport()) table(h, table);
                }
                for (ChartSpec chart : out.charts()) {
                    h.append("<figure><img alt=\"").append(esc(chart.caption())).append("\" src=\"data:image/png;base64,")
                            .append(Base64.getEncoder().encodeToString(report.pngs().get(chart.name())))
                            .append("\"><figcaption>").append(esc(chart.caption())).append(" (<code>charts/")
                            .append(esc(chart.name())).append(".png</code>)</figcaption></figure>\n");
                }
            }
        }
        h.append("<h2 id=\"inputs\">Inputs</h2>\n");
        for (ResultsFolder folder : report.folders()) {
            h.append("<h3>").append(esc(folder.name())).append(" (").append(esc(folder.completeness().text()))
                    .append(")</h3>\n<p>From <code>").append(esc(folder.dir() + "/env.txt")).append("</code>:</p>\n<pre>")
                    .append(esc(folder.envText().isEmpty() ? "(no env.txt in this folder)" : folder.envText()))
                    .append("</pre>\n");
        }
        return h.append("</body>\n</html>\n").toString();
    }

    private static void table(StringBuilder h, ReportTable table) {
        DisplayTable t = DisplayTable.of(table.data());
        h.append("<div class=\"table\"><table>\n<caption>").append(esc(table.caption())).append(" (<a href=\"tables/").append(esc(table.id()))
                .append(".csv\">tables/").append(esc(table.id())).append(".csv</a>)</caption>\n<tr>");
        for (String header : t.headers()) h.append("<th>").append(esc(header)).append("</th>");
        h.append("</tr>\n");
        for (List<String> row : t.rows()) {
            h.append("<tr>");
            for (int c = 0; c < row.size(); c++) {
                h.append(t.numeric().get(c) ? "<td class=\"num\">" : "<td>").append(esc(row.get(c))).append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table></div>\n");
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
