package org.ksmlab.datasets.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.ksmlab.engine.scenario.Scenario;
import org.ksmlab.engine.scenario.ScenarioSimulation;
import org.ksmlab.engine.sim.AlgorithmDefinition;
import org.ksmlab.engine.sim.Algorithms;

/**
 * Every shipped scenario, each variant, runs under every algorithm it is meant for: no step
 * fails, no expectation fails, and every phase's reads are verified (merging never changed
 * what a process read).
 */
class EveryAlgorithmRunsEveryScenarioTest {
    record Case(String scenario, String variant, String algo) {
        @Override
        public String toString() {
            return scenario + (variant == null ? "" : " [" + variant + "]") + " under " + algo;
        }
    }

    static List<Case> cases() {
        List<Case> out = new ArrayList<>();
        for (String name : Scenarios.names()) {
            Scenario s = Scenarios.load(name);
            for (AlgorithmDefinition a : Algorithms.all()) {
                if (!s.appliesTo(a.name())) continue;
                if (s.variants().isEmpty()) {
                    out.add(new Case(name, null, a.name()));
                } else {
                    s.variants().keySet().forEach(v -> out.add(new Case(name, v, a.name())));
                }
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void runsWithEveryReadVerifiedAndNoFailedExpectation(Case c) {
        ScenarioSimulation.Outcome o = ScenarioSimulation.run(Scenarios.load(c.scenario()), c.variant(), c.algo(), Map.of());
        assertEquals(List.of(), o.result().failures(), c.toString());
        assertTrue(o.result().pagesVerified() > 0 || c.scenario().equals("selftests/prctl"), c + ": no page read verified");
    }
}
