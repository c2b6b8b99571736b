package org.ksmlab.cli;

import java.time.Duration;

/** How long runs print their elapsed and remaining time: {@code 3m07s}, {@code 1h02m09s}. */
final class Durations {
    private Durations() {
    }

    static String format(long nanos) {
        Duration d = Duration.ofNanos(nanos);
        return d.toHours() > 0 ? String.format("%dh%02dm%02ds", d.toHours(), d.toMinutesPart(), d.toSecondsPart())
                : String.format("%dm%02ds", d.toMinutes(), d.toSecondsPart());
    }
}
