package org.ksmlab.analysis;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.ksmlab.analysis.input.BadInputException;
import org.ksmlab.analysis.input.Results;
import org.ksmlab.analysis.render.DisplayTable;
import org.ksmlab.analysis.render.MarkdownRenderer;
import org.ksmlab.analysis.render.Report;
import org.ksmlab.analysis.render.ReportWriter;
import org.ksmlab.analysis.section.Sections;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code report [--out DIR] [--quiet] DIR...}: merges the runs of the results folders into one
 * report (report.md, report.html, tables/*.csv, charts/*.png) and prints the inputs'
 * completeness and the headline (its sentences and table).
 */
@Command(name = "report", mixinStandardHelpOptions = true, version = "ksmlab analysis 0.1.0-SNAPSHOT",
        description = "Reads results folders (jmh/*.json, series/*.json, kernel-check.json, env.txt), merges their runs, writes report.md, report.html,"
                + " tables/<table>.csv and charts/<name>.png, then prints the inputs' completeness and the headline.",
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:report written", "1:could not write the report", "2:bad input or usage"})
final class ReportCommand implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Output folder (default: the input folder; required with several inputs).")
    Path out;

    @Option(names = "--quiet", description = "Do not print the completeness line and the headline.")
    boolean quiet;

    @Parameters(arity = "1..*", paramLabel = "DIR", description = "Results folders results/<timestamp>-<gitsha>/.")
    List<Path> inputs;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        try {
            if (out == null && inputs.size() > 1) {
                throw new BadInputException("--out DIR is required with several input folders (got "
                        + inputs.size() + ": " + inputs + ")");
            }
            Path outDir = out != null ? out : inputs.getFirst();
            Results results = Results.read(inputs);
            Report report = Report.build(results, Sections.all());
            ReportWriter.write(report.files(), outDir);
            if (!quiet) {
                stdout.println(report.completeness());
                stdout.println();
                report.headline().ifPresentOrElse(h -> {
                    for (String sentence : h.sentences()) stdout.println("- " + sentence);
                    stdout.print("\n" + h.table().caption() + "\n\n" + MarkdownRenderer.table(DisplayTable.of(h.table().data())));
                }, () -> stdout.println("(no headline: no merger comparison or page-primitive benchmarks in these results)"));
                stdout.println("\nreport: " + outDir.resolve("report.md"));
                stdout.flush();
            }
            return 0;
        } catch (BadInputException e) {
            stderr.println("analysis report: " + e.getMessage());
            stderr.flush();
            return BadInputException.EXIT_CODE;
        } catch (IOException | RuntimeException e) {
            stderr.println("analysis report: failed to write the report: " + e);
            stderr.flush();
            return 1;
        }
    }
}
