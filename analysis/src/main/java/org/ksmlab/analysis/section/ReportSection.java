package org.ksmlab.analysis.section;

import java.util.Optional;
import org.ksmlab.analysis.Results;

/**
 * One section of the report. A section reads the merged results (mostly the long table), picks
 * the benchmarks it is about and returns its tables, prose and charts; the report renders them
 * to markdown, HTML, CSV and PNG. To add a section, implement this and list it in
 * {@link Sections#all()}.
 */
public interface ReportSection {

    /** Short lowercase id, used for file names: {@code tables/<id>.csv}, anchors. */
    String id();

    /** Heading in the report. */
    String title();

    /**
     * The section built from these results, or empty when the benchmarks it is about are absent
     * (the report then prints {@link #absentNote()} in one line instead).
     */
    Optional<SectionOutput> build(Results results);

    /** Why the section is absent, e.g. "no PageCompareBenchmark results". */
    default String absentNote() {
        return "no matching benchmarks in these results";
    }
}
