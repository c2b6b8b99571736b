package org.ksmlab.analysis.section;

import java.util.Optional;
import org.ksmlab.analysis.input.Results;

/**
 * One section of the report. A section reads the merged results (mostly the long table), picks
 * the benchmarks it is about ({@link org.ksmlab.analysis.input.Benchmarks}) and returns its
 * tables, prose and charts as data; the render package draws them. To add a section, implement
 * this and list it in {@link Sections#all()}.
 */
public interface ReportSection {

    /**
     * The report's parts. Model results (virtual time, counted by the model, deterministic) and
     * the simulator's own speed (wall time of Java code on this machine) are never mixed in one
     * part, so a reader cannot take one for the other.
     */
    enum Part {
        MODEL("The modelled kernel",
                "What the modelled mergers do to the modelled machine: savings, time to converge, modelled CPU, COW"
                        + " faults and metadata, all in virtual time, counted by the model. Deterministic: the same"
                        + " inputs give the same numbers bit for bit, so these need no repetition and no interval."),
        SIMULATOR("The simulator itself",
                "How fast this Java code runs on this machine (wall time): the model's own runs and the page"
                        + " primitives, each next to a named baseline. These are not the kernel's speeds. Each figure is"
                        + " the median of n measured iterations with a distribution-free confidence interval of the"
                        + " median (" + Math.round(Statistics.LEVEL * 100) + " % when n ≥ " + Statistics.MIN_N_FOR_LEVEL
                        + "; with fewer iterations it is the range of the values, a 1 − 2^(1−n) interval, 75 % at n = 3);"
                        + " " + SectionOutput.WIDE_MARK + " marks an interval reaching more than ±"
                        + Math.round(Statistics.WIDE_FRACTION * 100) + " % from its median: read that figure as noisy."),
        APPENDIX("Appendix", "Where the numbers come from, and every number measured.");

        private final String title;
        private final String intro;

        Part(String title, String intro) {
            this.title = title;
            this.intro = intro;
        }

        public String title() {
            return title;
        }

        public String intro() {
            return intro;
        }
    }

    /** Short lowercase id, used for file names: {@code tables/<id>.csv}, anchors. */
    String id();

    /** Heading in the report. */
    String title();

    /** The part of the report the section belongs to. */
    Part part();

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
