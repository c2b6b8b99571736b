package org.ksmlab.datasets.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.ksmlab.engine.scenario.Content;
import org.ksmlab.engine.scenario.PageRange;
import org.ksmlab.engine.scenario.Pages;
import org.ksmlab.engine.scenario.Scenario;
import org.ksmlab.engine.scenario.Step;

/** The scenario file format: every shipped file reads, the grammar's forms, and bad files name file:line. */
class ScenarioReaderTest {
    static List<String> shipped() {
        return Scenarios.names();
    }

    @ParameterizedTest
    @MethodSource("shipped")
    void everyShippedScenarioReads(String name) {
        Scenario s = Scenarios.load(name);
        assertEquals(Scenario.FORMAT_VERSION, s.formatVersion());
        assertTrue(!s.steps().isEmpty(), name + " has steps");
        assertTrue(s.steps().stream().anyMatch(st -> st instanceof Step.Phase), name + " records at least one phase");
    }

    @Test
    void theIndexListsSeedsAndSelftests() {
        assertTrue(shipped().containsAll(List.of("mremap-merged", "merge-any-vma-merging", "per-process-switches", "vma-cloning",
                "selftests/unmerge", "selftests/rmap-ksm-and-mremap")), shipped().toString());
    }

    @Test
    void stepsReadAsTheGrammarSays() {
        Scenario s = ScenarioReader.parse("t.yaml", """
                ksmlab-scenario: 1
                name: t
                seed: 7
                knobs: {pages_to_scan: 100}
                variants: {a: {kernel.mremap_unmerge: 0}}
                processes: [p]
                steps:
                  - mmap: {process: p, region: r, pages: 10}
                  - write: {process: p, region: r, pages: 2-5, content: {distinct: 2, base: 100}}
                  - write: {process: p, region: r, pages: {random: {seed: 1, draw: 1, skip: 0.2, fraction: 0.5}}, content: unique}
                  - madvise: {process: p, region: r, pages: 3, advice: mergeable, errno: EINVAL}
                  - repeat: {times: 2, steps: [{mmap: {process: p, region: "x{i}", pages: "{i*2+1}", before: r}}]}
                  - wait: {full_scans: 2}
                  - wait: stable
                  - expect: {variant: a, pages_sharing: 9, vmas.p.r: 1}
                  - phase: end
                """);
        assertEquals(7, s.seed());
        assertEquals("100", s.knobs().get("pages_to_scan"));
        assertEquals(new Step.Spawn(s.steps().get(0).origin(), "p"), s.steps().get(0));
        Step.Write w = (Step.Write) s.steps().get(2);
        assertEquals(new Pages.Range(new PageRange(2, 5)), w.pages());
        assertEquals(new Content.Distinct(2, 100), w.content());
        assertEquals(9, w.origin().line());
        assertEquals(new Pages.Random(1, 1, 0.2, 0.5), ((Step.Write) s.steps().get(3)).pages());
        assertEquals("EINVAL", ((Step.Madvise) s.steps().get(4)).errno());
        Step.Mmap x1 = (Step.Mmap) s.steps().get(6);
        assertEquals("x1", x1.region());
        assertEquals(3, x1.pages());
        assertEquals(new Step.Placement("r", Step.Where.BEFORE), x1.place());
        assertInstanceOf(Step.Wait.class, s.steps().get(7));
        assertEquals(Step.WaitKind.STABLE, ((Step.Wait) s.steps().get(8)).kind());
        assertEquals("a", ((Step.Expect) s.steps().get(9)).variant());
    }

    @Test
    void badFilesNameTheFileTheLineAndWhatWasExpected() {
        assertBad("ksmlab-scenario: 1\nname: t\nsteps:\n  - mmap: {process: p, region: r, pages: -3}\n", "t.yaml:4: pages -3: expected > 0");
        assertBad("ksmlab-scenario: 1\nname: t\nsteps:\n  - frobnicate: {}\n", "t.yaml:4: unknown step 'frobnicate'; expected one of");
        assertBad("ksmlab-scenario: 1\nname: t\nsteps:\n  - mmap: {process: p, region: r, pages: 1, colour: red}\n",
                "t.yaml:4: unknown key 'colour' in mmap; accepted: after, before, errno");
        assertBad("ksmlab-scenario: 2\nname: t\nsteps: []\n", "t.yaml:1: format version 2 is not supported; expected ksmlab-scenario: 1");
        assertBad("name: t\nsteps: []\n", "t.yaml:1: missing 'ksmlab-scenario: 1'");
        assertBad("ksmlab-scenario: 1\nname: t\nsteps:\n  - wait: {ms: 1\n", "t.yaml:5: not valid YAML");
        assertBad("ksmlab-scenario: 1\nname: t\nsteps:\n  - madvise: {process: p, region: r, advice: merge-please}\n",
                "t.yaml:4: advice 'merge-please': expected mergeable, unmergeable, dontneed or merge");
        assertBad("ksmlab-scenario: 1\nname: t\nsteps:\n  - write: {process: p, region: r, pages: 5-2, content: zero}\n",
                "t.yaml:4: pages '5-2': the last page is before the first");
        assertBad("ksmlab-scenario: 1\nname: t\nsteps:\n  - expect: {variant: nope, pages_shared: 1}\n",
                "t.yaml:4: expect for variant 'nope', which the scenario does not define");
        assertBad("ksmlab-scenario: 1\nname: t\nsteps:\n  - every: {ms: 10, steps: [{fork: {process: p, child: c}}]}\n",
                "t.yaml:4: 'fork' inside 'every'");
        assertBad("", "t.yaml:1: the file is empty");
        assertBad("ksmlab-scenario: 1\nname: t\nprocesses: [p]\ndomains: {q: tenant}\nsteps: []\n",
                "t.yaml:4: domains: no process 'q' is spawned; expected one of [p]");
        assertBad("ksmlab-scenario: 1\nname: t\nprocesses: [p]\ndomains: {c: tenant}\nsteps:\n  - fork: {process: p, child: c}\n",
                "t.yaml:4: domains: 'c' is a forked child, which is always in its parent's domain; expected a process the scenario spawns");
        assertBad("ksmlab-scenario: 1\nname: t\nprocesses: [p]\ndomains: [p]\nsteps: []\n", "t.yaml:4: ");
    }

    @Test
    void aMissingFileIsOneLineNamingIt() {
        ScenarioReader.BadScenario e = assertThrows(ScenarioReader.BadScenario.class, () -> Scenarios.load("/nonexistent/x.yaml"));
        assertTrue(e.getMessage().startsWith("--scenario /nonexistent/x.yaml: no such file, and not a shipped scenario (shipped: "), e.getMessage());
    }

    private static void assertBad(String text, String prefix) {
        ScenarioReader.BadScenario e = assertThrows(ScenarioReader.BadScenario.class, () -> ScenarioReader.parse("t.yaml", text));
        assertTrue(e.getMessage().startsWith(prefix), "expected a message starting with\n  " + prefix + "\ngot\n  " + e.getMessage());
    }
}
