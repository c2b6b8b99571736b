package org.ksmlab.livekernel.scenario;

import java.util.List;
import java.util.Map;
import org.ksmlab.engine.scenario.Scenario;
import org.ksmlab.engine.scenario.ScenarioSimulation;

/**
 * The model side of a scenario check: the engine's {@link ScenarioSimulation} under {@code ksm}
 * with the {@code kernel.*} knobs detected on this machine (after the scenario's and the
 * variant's knobs, so the model runs as this kernel behaves). A scenario the model cannot run
 * (it fails a step) is reported as that side's failure, with the model's message.
 */
final class ModelSide {
    static final String ALGO = "ksm";

    private ModelSide() {
    }

    static ScenarioCheck.Side run(Scenario scenario, String variant, Map<String, String> knobs) {
        try {
            ScenarioSimulation.Outcome o = ScenarioSimulation.run(scenario, variant, ALGO, knobs);
            return ScenarioCheck.Side.of("model", o.result(), o.series(), List.of());
        } catch (IllegalArgumentException | IllegalStateException e) {
            return ScenarioCheck.Side.failed("model", e.getMessage());
        }
    }
}
