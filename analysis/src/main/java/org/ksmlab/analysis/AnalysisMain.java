package org.ksmlab.analysis;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Command line of the analysis module: {@code java -jar analysis.jar report [--out DIR]
 * [--quiet] DIR...}. Reads results folders written by run.sh, never the engine.
 */
@Command(name = "analysis", mixinStandardHelpOptions = true, version = "ksmlab analysis 0.1.0-SNAPSHOT",
        description = "Turns ksmlab JMH results folders into tables, charts and a report.",
        subcommands = {ReportCommand.class})
public final class AnalysisMain implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit status (0 ok, 2 bad input or usage, 1 other errors). */
    public static int execute(String... args) {
        return commandLine().execute(args);
    }

    /** The picocli command line, for tests that capture stdout and stderr. */
    public static CommandLine commandLine() {
        return new CommandLine(new AnalysisMain());
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: try 'report DIR...'");
    }
}
