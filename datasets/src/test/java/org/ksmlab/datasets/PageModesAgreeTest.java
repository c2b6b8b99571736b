package org.ksmlab.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.ksmlab.datasets.scenario.Scenarios;
import org.ksmlab.engine.memory.PageMode;
import org.ksmlab.engine.scenario.Scenario;
import org.ksmlab.engine.scenario.ScenarioSimulation;
import org.ksmlab.engine.sim.AlgorithmDefinition;
import org.ksmlab.engine.sim.Algorithms;
import org.ksmlab.engine.sim.Simulation;
import org.ksmlab.engine.sim.SimulationResult;
import org.ksmlab.engine.workload.Workloads;

/**
 * Symbolic pages are a faithful stand-in for byte pages: every workload mix under every
 * algorithm, and every shipped scenario (each variant) under every algorithm it is meant for,
 * give the same counters in both page modes, sample by sample (for ksm one sample per full
 * scan, so pass by pass), phase by phase, with the same failed expectations (none) and every
 * page read back as written in both. The random operation sequences are compared the same way
 * in the engine ({@code PageModesAgreeProperties}).
 */
class PageModesAgreeTest {
    record MixCase(String mix, String algo) {
        @Override
        public String toString() {
            return mix + " under " + algo;
        }
    }

    static List<MixCase> mixCases() {
        List<MixCase> out = new ArrayList<>();
        for (String mix : Mixes.names()) {
            for (AlgorithmDefinition a : Algorithms.all()) {
                out.add(new MixCase(mix, a.name()));
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mixCases")
    void everyMixShouldGiveTheSameCountersPassByPassInBothPageModes(MixCase c) {
        Map<PageMode, SimulationResult> r = new LinkedHashMap<>();
        for (PageMode mode : PageMode.values()) {
            r.put(mode, new Simulation(Workloads.create(Mixes.spec(c.mix(), Mixes.DEFAULT_PAGES)), c.algo(), Map.of(),
                    Simulation.Options.stable(), mode).run());
        }
        SimulationResult bytes = r.get(PageMode.BYTE);
        SimulationResult symbolic = r.get(PageMode.SYMBOLIC);
        assertEquals("byte", bytes.pageMode());
        assertEquals("symbolic", symbolic.pageMode());
        assertTrue(bytes.series().size() > 1, c + ": a run of one sample compares nothing");
        assertEquals(bytes.series().size(), symbolic.series().size(), c + ": samples");
        for (int i = 0; i < bytes.series().size(); i++) {
            assertEquals(bytes.series().get(i), symbolic.series().get(i), c + ": sample " + i);
        }
        assertEquals(bytes.finalCounters(), symbolic.finalCounters(), c + ": final counters");
    }

    record ScenarioCase(String scenario, String variant, String algo) {
        @Override
        public String toString() {
            return scenario + (variant == null ? "" : " [" + variant + "]") + " under " + algo;
        }
    }

    static List<ScenarioCase> scenarioCases() {
        List<ScenarioCase> out = new ArrayList<>();
        for (String name : Scenarios.names()) {
            Scenario s = Scenarios.load(name);
            for (AlgorithmDefinition a : Algorithms.all()) {
                if (!s.appliesTo(a.name())) continue;
                if (s.variants().isEmpty()) {
                    out.add(new ScenarioCase(name, null, a.name()));
                } else {
                    s.variants().keySet().forEach(v -> out.add(new ScenarioCase(name, v, a.name())));
                }
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarioCases")
    void everyScenarioShouldGiveTheSameCountersPhaseByPhaseInBothPageModes(ScenarioCase c) {
        ScenarioSimulation.Outcome bytes = ScenarioSimulation.run(Scenarios.load(c.scenario()), c.variant(), c.algo(), Map.of(), PageMode.BYTE);
        ScenarioSimulation.Outcome symbolic = ScenarioSimulation.run(Scenarios.load(c.scenario()), c.variant(), c.algo(), Map.of(), PageMode.SYMBOLIC);
        assertEquals(List.of(), symbolic.result().failures(), c + " (symbolic)");
        assertEquals(bytes.result().pagesVerified(), symbolic.result().pagesVerified(), c + ": pages read back");
        Map<String, Object> b = bytes.toJsonObject();
        Map<String, Object> s = symbolic.toJsonObject();
        assertEquals("byte", b.remove("page_mode"));
        assertEquals("symbolic", s.remove("page_mode"));
        assertEquals(b.get("phases"), s.get("phases"), c + ": phases");
        assertEquals(b.get("series"), s.get("series"), c + ": samples");
        assertEquals(b, s, c.toString());
    }
}
