package org.ksmlab.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One command line through {@link Ksmlab#execute}, in this JVM: its exit status and what it printed. */
record CliRun(int exit, String out, String err) {
    static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Ksmlab.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new CliRun(exit, out.toString(), err.toString());
    }
}
