package org.ksmlab.analysis.section;

import java.util.List;

/** The report's sections, in report order. */
public final class Sections {
    private Sections() {}

    public static List<ReportSection> all() {
        return List.of(new PageOperationsSection(), new ProvenanceSection(), new AllResultsSection());
    }
}
