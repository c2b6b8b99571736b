package org.ksmlab.analysis.input;

import java.io.Serial;

/**
 * The input results are not what the analysis expects: a missing folder, a truncated JSON file,
 * a JSON that is not a JMH result array, mixed JMH versions. The message names the file and
 * what was expected; {@code report} exits with {@link #EXIT_CODE}.
 */
public final class BadInputException extends Exception {
    @Serial private static final long serialVersionUID = 1L;

    /** Exit status of the command line for bad input (picocli also uses 2 for usage errors). */
    public static final int EXIT_CODE = 2;

    public BadInputException(String message) {
        super(message);
    }

    public BadInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
