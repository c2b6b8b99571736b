package org.ksmlab.datasets.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.ksmlab.engine.scenario.ScenarioRun;
import org.ksmlab.engine.scenario.ScenarioSimulation;
import org.ksmlab.engine.sim.AlgorithmDefinition;
import org.ksmlab.engine.sim.Algorithms;
import org.ksmlab.engine.sim.Simulation;
import org.ksmlab.engine.sim.SimulationResult;
import org.ksmlab.engine.workload.Workloads;

/**
 * The built-in workloads written as scenarios (datasets/scenarios/workloads/) give the same
 * counters as the workloads themselves, for every algorithm: the scenario run to stability ends
 * at the same virtual time with every kernel and merger counter equal.
 */
class WorkloadsAsScenariosTest {
    static List<String> algorithms() {
        return Algorithms.all().stream().map(AlgorithmDefinition::name).toList();
    }

    @ParameterizedTest
    @MethodSource("algorithms")
    void theDupScenarioShouldEqualTheDupWorkload(String algo) {
        SimulationResult w = new Simulation(Workloads.create("dup:procs=2,pages=1000,distinct=100,zero=0.2,volatile=0.05,period_ms=100"),
                algo, Map.of(), Simulation.Options.stable()).run();
        ScenarioSimulation.Outcome s = ScenarioSimulation.run(Scenarios.load("workloads/dup"), null, algo, Map.of());
        assertTrue(s.result().failures().isEmpty(), s.result().failures().toString());
        ScenarioRun.PhaseRecord end = last(s);
        assertEquals("stable", end.name());
        assertEquals(counters(w.series().get(w.series().size() - 1)), counters(end.counters()), algo);
    }

    @ParameterizedTest
    @MethodSource("algorithms")
    void theCodepatchScenarioShouldEqualTheCodepatchWorkload(String algo) {
        SimulationResult w = new Simulation(Workloads.create("codepatch:procs=20,lib_pages=38,base_pages=4"),
                algo, Map.of(), Simulation.Options.stable()).run();
        ScenarioSimulation.Outcome s = ScenarioSimulation.run(Scenarios.load("workloads/codepatch"), null, algo, Map.of());
        List<ScenarioRun.PhaseRecord> phases = s.result().phases();
        assertEquals(List.of("baseline", "patched", "merged"), phases.stream().map(ScenarioRun.PhaseRecord::name).toList());
        assertEquals(w.finalCounters().get("nr_anon_pages_baseline"), phases.get(0).counters().get("nr_anon_pages"));
        assertEquals(w.finalCounters().get("nr_anon_pages_patched"), phases.get(1).counters().get("nr_anon_pages"));
        assertEquals(counters(w.series().get(w.series().size() - 1)), counters(phases.get(2).counters()), algo);
    }

    private static ScenarioRun.PhaseRecord last(ScenarioSimulation.Outcome s) {
        return s.result().phases().get(s.result().phases().size() - 1);
    }

    /** A sample's counters without the scenario-only ones (rmap_unreachable, failed_calls). */
    private static Map<String, Long> counters(Map<String, Long> sample) {
        Map<String, Long> m = new LinkedHashMap<>(sample);
        m.remove("rmap_unreachable");
        m.remove("failed_calls");
        return m;
    }
}
