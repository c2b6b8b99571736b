package org.ksmlab.engine.scenario;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ksmlab.engine.memory.PageMode;

/**
 * Runs a scenario on the kernel model: {@code simulate --scenario}'s engine, and the model side
 * of {@code kernel-check --scenario}. Knobs: the scenario's, then the variant's, then the
 * caller's (the command line's {@code --set}), in that order. A scenario written for several
 * mergers names knobs some of them lack (ksm's pages_to_scan under sksm): the scenario's and the
 * variant's knobs that the algorithm does not take are left out (and listed in the result as
 * {@code knobs_not_applicable}); the caller's must all apply.
 */
public final class ScenarioSimulation {
    private ScenarioSimulation() {
    }

    /** What a run produced: the phases and failed expectations, the samples, and the knobs it ran with. */
    public record Outcome(Scenario scenario, String variant, String algo, PageMode pageMode, Map<String, String> knobs,
                          List<String> knobsNotApplicable, ScenarioRun.Result result, List<Map<String, Long>> series,
                          Map<String, Long> finalCounters) {
        /** The {@code simulate --scenario --json} object. */
        public Map<String, Object> toJsonObject() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("scenario", scenario.name());
            m.put("variant", variant);
            m.put("algo", algo);
            m.put("seed", scenario.seed());
            m.put("page_mode", pageMode.label());
            Map<String, Object> params = new LinkedHashMap<>();
            knobs.forEach((k, v) -> params.put(k, org.ksmlab.engine.sim.Simulation.knobValue(v)));
            m.put("params", params);
            if (!knobsNotApplicable.isEmpty()) {
                m.put("knobs_not_applicable", knobsNotApplicable);
            }
            List<Map<String, Object>> phases = new ArrayList<>();
            for (ScenarioRun.PhaseRecord p : result.phases()) {
                Map<String, Object> ph = new LinkedHashMap<>();
                ph.put("name", p.name());
                ph.put("virtual_ms", p.ms());
                ph.put("counters", p.counters());
                ph.put("processes", p.processes());
                ph.put("regions", p.regions());
                phases.add(ph);
            }
            m.put("phases", phases);
            m.put("failures", result.failures().stream().map(Object::toString).toList());
            m.put("pages_verified", result.pagesVerified());
            m.put("final", finalCounters);
            m.put("series", series);
            return m;
        }
    }

    /** Runs {@code scenario} (its variant {@code variant}, or none) under {@code algo}, with {@code extraKnobs} last, on byte pages. */
    public static Outcome run(Scenario scenario, String variant, String algo, Map<String, String> extraKnobs) {
        return run(scenario, variant, algo, extraKnobs, PageMode.BYTE);
    }

    /** As {@link #run(Scenario, String, String, Map)}, with page contents held as {@code pageMode} says. */
    public static Outcome run(Scenario scenario, String variant, String algo, Map<String, String> extraKnobs, PageMode pageMode) {
        if (!scenario.appliesTo(algo)) {
            throw new IllegalArgumentException("scenario '" + scenario.name() + "' is for " + String.join(", ", scenario.appliesTo())
                    + ", not '" + algo + "'");
        }
        Map<String, String> knobs = scenario.knobsFor(variant);
        List<String> notApplicable = new java.util.ArrayList<>();
        java.util.Set<String> accepted = new java.util.HashSet<>();
        org.ksmlab.engine.sim.Algorithms.get(algo).knobs().forEach(p -> accepted.add(p.key()));
        knobs.keySet().removeIf(k -> {
            boolean drop = !accepted.contains(k) && !k.startsWith("cost.") && !k.startsWith(org.ksmlab.engine.mm.KernelConfig.PREFIX);
            if (drop) notApplicable.add(k);
            return drop;
        });
        knobs.putAll(extraKnobs);
        try (ModelMachine m = new ModelMachine(scenario, algo, knobs, pageMode)) {
            ScenarioRun.Result r = new ScenarioRun(scenario, variant, m).run();
            return new Outcome(scenario, variant, algo, pageMode, knobs, List.copyOf(notApplicable), r, List.copyOf(m.series()), m.counters());
        }
    }
}
