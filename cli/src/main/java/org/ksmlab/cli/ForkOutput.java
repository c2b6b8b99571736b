package org.ksmlab.cli;

import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.openjdk.jmh.runner.format.OutputFormat;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * JMH's console output for a suite. Every forked benchmark JVM prints the JDK's
 * "WARNING: Using incubator modules: jdk.incubator.vector" (the Vector API page compare needs
 * the module), and JMH echoes each fork's copy: seventy identical lines in a quick suite. The
 * host JVM has already printed it once, so the forks' copies are dropped here, and only that
 * exact line; every other line passes unchanged.
 */
final class ForkOutput {
    /** The line the JDK prints for {@code --add-modules=jdk.incubator.vector}. */
    static final String INCUBATOR_WARNING = "WARNING: Using incubator modules: jdk.incubator.vector";

    private ForkOutput() {
    }

    static OutputFormat format(boolean verbose) {
        PrintStream filtered = new PrintStream(new LineFilter(System.out), true, StandardCharsets.UTF_8);
        return OutputFormatFactory.createFormatInstance(filtered, verbose ? VerboseMode.NORMAL : VerboseMode.SILENT);
    }

    /** Passes whole lines through, except {@link #INCUBATOR_WARNING}. */
    static final class LineFilter extends FilterOutputStream {
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        LineFilter(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            line.write(b);
            if (b == '\n') {
                emit();
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            for (int i = off; i < off + len; i++) {
                write(b[i]);
            }
        }

        @Override
        public void flush() throws IOException {
            // a partial line (a progress line without its newline yet) is passed on when flushed
            if (line.size() > 0 && !INCUBATOR_WARNING.startsWith(line.toString(StandardCharsets.UTF_8).strip())) {
                emit();
            }
            out.flush();
        }

        private void emit() throws IOException {
            String text = line.toString(StandardCharsets.UTF_8);
            if (!text.strip().equals(INCUBATOR_WARNING)) {
                out.write(line.toByteArray());
            }
            line.reset();
        }
    }
}
