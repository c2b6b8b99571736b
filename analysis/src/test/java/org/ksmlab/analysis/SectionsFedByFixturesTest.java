package org.ksmlab.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.ksmlab.analysis.input.Benchmarks;
import org.ksmlab.analysis.input.Results;
import org.ksmlab.analysis.section.ReportSection;
import org.ksmlab.analysis.section.SectionOutput;
import org.ksmlab.analysis.section.Sections;

/**
 * Issue 11: the analysis selects benchmarks through one table ({@link Benchmarks}); a section
 * that finds nothing in a fixture that should feed it fails here, so renaming or moving a
 * benchmark cannot silently empty a section. (The benchmarks module checks the other side: every
 * class and method named in {@link Benchmarks} exists.)
 */
class SectionsFedByFixturesTest {
    /** Section id → the fixture folder that feeds it. */
    static final Map<String, String> FEEDS = Map.ofEntries(
            Map.entry("algorithms", "macro"), Map.entry("saving-over-time", "macro"), Map.entry("scan-rate", "macro"),
            Map.entry("fidelity", "macro"), Map.entry("scaling", "macro"), Map.entry("sksm-merge", "macro"),
            Map.entry("page-ops", "micro"), Map.entry("tree-ops", "tree"), Map.entry("provenance", "micro"),
            Map.entry("all-results", "micro"), Map.entry("seed-merge-any", "scenarios"), Map.entry("seed-mremap", "scenarios"),
            Map.entry("seed-switches", "scenarios"), Map.entry("seed-vma-cloning", "scenarios"), Map.entry("selftests", "scenarios"),
            Map.entry("workload-build", "build"), Map.entry("real-memory", "real"), Map.entry("c-reference", "cref"),
            Map.entry("exposure", "exposure"));

    static List<ReportSection> sections() {
        return Sections.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sections")
    void everySectionFindsRowsInTheFixtureThatFeedsIt(ReportSection section) throws Exception {
        String fixture = FEEDS.get(section.id());
        assertTrue(fixture != null, "no fixture named for section " + section.id() + " in FEEDS");
        SectionOutput out = section.build(Results.read(List.of(Fixtures.path(fixture)))).orElse(null);
        assertTrue(out != null, section.id() + " found nothing in fixture " + fixture + ": " + section.absentNote());
        assertTrue(out.tables().stream().anyMatch(t -> t.data().rowCount() > 0), section.id() + " has no rows");
    }

    /** Every benchmark of the table feeds some fixture, under the package and class name the table gives. */
    @Test
    void everyRecognisedBenchmarkAppearsInAFixture() throws Exception {
        Results all = Results.read(List.of(Fixtures.path("macro"), Fixtures.path("micro"), Fixtures.path("tree"), Fixtures.path("build")));
        Set<String> seen = all.longTable().stream()
                .map(r -> r.getString("package") + "." + r.getString("benchmark") + "." + r.getString("method"))
                .collect(Collectors.toSet());
        for (Benchmarks.Benchmark b : Benchmarks.ALL) {
            for (String method : b.methods()) {
                assertTrue(seen.contains(b.className() + "." + method), b.className() + "." + method + " in no fixture");
            }
        }
        assertEquals(Sections.all().size(), FEEDS.size());
    }
}
