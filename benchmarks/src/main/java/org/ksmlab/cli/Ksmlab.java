package org.ksmlab.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code ksmlab} command line (run.sh calls it): {@code simulate}, {@code list}, {@code kernel-check}, {@code series},
 * {@code bench}. Parsing, validation and printing only; the model lives in the engine.
 * Exit codes: 0 success, 2 bad input (the message names the value and what was expected),
 * 1 an unexpected failure.
 */
@Command(name = "ksmlab", mixinStandardHelpOptions = true, version = "ksmlab 0.1",
        description = "Linux page-deduplication model and benchmark harness.",
        subcommands = {SimulateCommand.class, ListCommand.class, BenchCommand.class, SeriesCommand.class, KernelCheckCommand.class, CommandLine.HelpCommand.class})
public final class Ksmlab implements Runnable {
    /** Exit status for bad input. */
    public static final int EXIT_USAGE = 2;

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code (tests call this). */
    public static int execute(String... args) {
        return execute(null, null, args);
    }

    /** As {@link #execute(String...)} with stdout and stderr redirected (null: the defaults); tests read them. */
    public static int execute(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new Ksmlab());
        if (out != null) {
            cl.setOut(out);
        }
        if (err != null) {
            cl.setErr(err);
        }
        cl.setExecutionExceptionHandler((ex, line, parse) -> {
            if (ex instanceof IllegalArgumentException || ex instanceof org.ksmlab.engine.mm.SyscallException) {
                line.getErr().println(line.getCommandName() + ": error: " + ex.getMessage());
                return EXIT_USAGE;
            }
            line.getErr().println(line.getCommandName() + ": failed: " + ex);
            ex.printStackTrace(line.getErr());
            return 1;
        });
        cl.setParameterExceptionHandler((ex, a) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println(c.getCommandName() + ": error: " + ex.getMessage());
            c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for the options.");
            return EXIT_USAGE;
        });
        return cl.execute(args);
    }
}
