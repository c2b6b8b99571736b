package org.ksmlab.livekernel.scenario;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import org.ksmlab.engine.scenario.Scenario;
import org.ksmlab.engine.scenario.ScenarioRun;

/**
 * The model side of a scenario check: the engine's scenario simulation
 * ({@code ScenarioSimulation.run(scenario, variant, "ksm", knobs)}) with the {@code kernel.*}
 * knobs detected on this machine. When the engine in this build has no scenario simulation, the
 * side is unavailable (said so, never stood in for).
 */
final class ModelSide {
    static final String ALGO = "ksm";
    private static final String SIMULATION = "org.ksmlab.engine.sim.ScenarioSimulation";

    private ModelSide() {
    }

    @SuppressWarnings("unchecked")
    static ScenarioCheck.Side run(Scenario scenario, String variant, Map<String, String> knobs) {
        Class<?> sim;
        try {
            sim = Class.forName(SIMULATION);
        } catch (ClassNotFoundException e) {
            return ScenarioCheck.Side.unavailable("model", "the engine in this build has no scenario simulation (" + SIMULATION + ")");
        }
        try {
            Method run = sim.getMethod("run", Scenario.class, String.class, String.class, Map.class);
            Object r = run.invoke(null, scenario, variant, ALGO, knobs);
            ScenarioRun.Result result = (ScenarioRun.Result) r.getClass().getMethod("result").invoke(r);
            List<Map<String, Long>> series = List.of();
            try {
                series = (List<Map<String, Long>>) r.getClass().getMethod("series").invoke(r);
            } catch (NoSuchMethodException e) {
                // a result without a series: phases only
            }
            return ScenarioCheck.Side.of("model", result, series);
        } catch (InvocationTargetException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) {
                return ScenarioCheck.Side.failed("model", re.getMessage());
            }
            throw new IllegalStateException("the model's scenario simulation failed", c);
        } catch (ReflectiveOperationException | ClassCastException e) {
            return ScenarioCheck.Side.unavailable("model", "the engine's " + SIMULATION + " does not have the expected shape: " + e);
        }
    }
}
