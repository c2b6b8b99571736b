package org.ksmlab.analysis.section;

import java.util.Comparator;
import java.util.List;

/**
 * The mergers the report knows by name ({@code --algo} names, as the benchmarks' {@code algo}
 * parameter and the series files carry them), in report order. Every table lists them in this
 * order and every chart gives each the same colour (the renderer's palette is keyed by these
 * names); a merger not listed here follows, by name.
 */
public final class Mergers {
    private Mergers() {}

    /** Report order: the baseline, in-tree KSM, the SKSM variants, then the defences modelled as KSM variants. */
    public static final List<String> ORDER = List.of("none", "ksm", "sksm", "sksm-resizable", "sksm-aged",
            "ksm-zero-only", "ksm-same-domain", "ksm-fake-merge");

    /** The baseline: no merging. */
    public static final String NONE = "none";

    /** Known mergers first, in {@link #ORDER}, then others by name. */
    public static final Comparator<String> IN_REPORT_ORDER = Points.knownFirst(ORDER);
}
