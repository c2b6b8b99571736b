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
        subcommands = {SimulateCommand.class, ListCommand.class, BenchCommand.class, SeriesCommand.class, SweepCommand.class, ScenariosCommand.class, ExposureCommand.class, KernelCheckCommand.class, CaptureCommand.class, CaptureCheckCommand.class, RealMemoryCommand.class, CommandLine.HelpCommand.class})
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
            String name = line.getCommandName();
            if (ex instanceof IllegalArgumentException || ex instanceof org.ksmlab.engine.mm.SyscallException) {
                line.getErr().println(name + ": error: " + ex.getMessage());
                return EXIT_USAGE;
            }
            // Files that cannot be read or written (a read-only or full file system, a missing
            // folder): the path and the system's reason, no stack trace.
            Throwable io = ex instanceof java.io.UncheckedIOException u ? u.getCause() : ex;
            if (io instanceof java.io.IOException) {
                line.getErr().println(name + ": error: " + describe((java.io.IOException) io));
                return 1;
            }
            line.getErr().println(name + ": failed: " + ex);
            ex.printStackTrace(line.getErr());
            return 1;
        });
        cl.setParameterExceptionHandler((ex, a) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println(c.getCommandName() + ": error: " + tidy(ex.getMessage()));
            c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for the options.");
            return EXIT_USAGE;
        });
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError e) {
            // picocli hands only Exceptions to the handler above; an Error reaches here.
            cl.getErr().println("ksmlab: error: the JVM ran out of memory (" + e.getMessage() + "; heap limit "
                    + (Runtime.getRuntime().maxMemory() >> 20) + " MiB). Use a smaller workload or a larger -Xmx.");
            cl.getErr().flush();
            return 1;
        }
    }

    /** picocli's messages, without its doubled words ("option option") and its own "Error: " prefix. */
    static String tidy(String message) {
        return message.replace("option option", "option").replaceFirst("^Error: ", "");
    }

    /** An I/O failure as one line: the file and the system's reason. */
    static String describe(java.io.IOException e) {
        if (e instanceof java.nio.file.FileSystemException f) {
            String reason = f.getReason() != null ? f.getReason()
                    : f instanceof java.nio.file.AccessDeniedException ? "permission denied"
                    : f instanceof java.nio.file.NoSuchFileException ? "no such file or folder"
                    : f instanceof java.nio.file.FileAlreadyExistsException ? "exists and is not a folder"
                    : f instanceof java.nio.file.NotDirectoryException ? "not a folder" : f.getClass().getSimpleName();
            return "cannot write or read " + f.getFile() + (f.getOtherFile() == null ? "" : " -> " + f.getOtherFile()) + ": " + reason;
        }
        return "I/O failure: " + e.getMessage();
    }
}
