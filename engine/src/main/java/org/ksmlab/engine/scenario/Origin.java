package org.ksmlab.engine.scenario;

/**
 * Where a scenario element was written: the file and its 1-based line, so an error found while
 * reading or while running it (a bad value, a system call the kernel refuses) names the place.
 */
public record Origin(String file, int line) {
    /** For scenarios built in code. */
    public static final Origin BUILT_IN = new Origin("(built in)", 0);

    @Override
    public String toString() {
        return line > 0 ? file + ":" + line : file;
    }
}
