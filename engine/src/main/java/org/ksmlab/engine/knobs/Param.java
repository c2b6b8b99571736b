package org.ksmlab.engine.knobs;

import java.util.List;
import java.util.Map;

/**
 * One documented parameter of a workload or a merger: its key, kind, default and bounds.
 * {@link #parse} turns text into a checked value with an error that says what was expected.
 */
public record Param(String key, Kind kind, String defaultValue, double min, double max, String description) {
    /** Value kinds: numbers (checked by {@link #parse}), one of named values, or free text such as a path. */
    public enum Kind { INT, LONG, FRACTION, CHOICE, TEXT }

    public static Param integer(String key, long def, long min, long max, String description) {
        return new Param(key, Kind.LONG, Long.toString(def), min, max, description);
    }

    public static Param fraction(String key, double def, String description) {
        return new Param(key, Kind.FRACTION, Double.toString(def), 0, 1, description);
    }

    /** Parses and range-checks {@code text} for this parameter. */
    public Number parse(String owner, String text) {
        try {
            switch (kind) {
                case FRACTION -> {
                    double d = Double.parseDouble(text);
                    if (!(d >= min && d <= max)) {
                        throw new IllegalArgumentException(owner + ": " + key + "=" + text + " is out of range: expected a fraction in [0, 1]");
                    }
                    return d;
                }
                default -> {
                    long v = Long.parseLong(text);
                    if (v < min || v > max) {
                        throw new IllegalArgumentException(owner + ": " + key + "=" + text + " is out of range: expected an integer in ["
                                + (long) min + ", " + (long) max + "]");
                    }
                    return v;
                }
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(owner + ": " + key + "=" + text + " is not a number: expected "
                    + (kind == Kind.FRACTION ? "a fraction in [0, 1]" : "an integer in [" + (long) min + ", " + (long) max + "]"));
        }
    }

    /** Checks that every key in {@code given} is one of {@code accepted}; the error lists them. */
    public static void checkKeys(String owner, Map<String, String> given, List<Param> accepted) {
        for (String k : given.keySet()) {
            if (accepted.stream().noneMatch(p -> p.key.equals(k))) {
                throw new IllegalArgumentException(owner + ": unknown parameter '" + k + "'; accepted: "
                        + String.join(", ", accepted.stream().map(Param::key).toList()));
            }
        }
    }

    /** One line for help text: {@code key (default X): description}. */
    public String help() {
        return key + " (default " + defaultValue + "): " + description;
    }
}
