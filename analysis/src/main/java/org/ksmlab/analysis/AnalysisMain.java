package org.ksmlab.analysis;

import org.ksmlab.analysis.input.BadInputException;
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

    /**
     * The picocli command line, for tests that capture stdout and stderr. A usage error is one
     * line naming what was wrong, and a pointer to --help (not the whole usage), exit status 2.
     */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new AnalysisMain());
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println(c.getCommandSpec().qualifiedName() + ": " + ex.getMessage());
            c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for the options.");
            c.getErr().flush();
            return BadInputException.EXIT_CODE;
        });
        return cl;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: try 'report DIR...'");
    }
}
