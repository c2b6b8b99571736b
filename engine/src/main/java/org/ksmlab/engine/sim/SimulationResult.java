package org.ksmlab.engine.sim;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a simulation produced: the {@code simulate --json} contract
 * ({@code workload, algo, seed, page_mode, params, final, series}).
 *
 * @param pageMode how the model held page contents ({@code byte} or {@code symbolic}); the
 *     counters are the same in both, which a test checks
 * @param params effective workload parameters, knobs and simulation options
 * @param finalCounters every counter at the end, plus stop information (stable, converged_*)
 * @param series one sample per sampling point, each with {@code virtual_ms}
 * @param warnings why the run stopped short of its condition, one line each (not part of the
 *     JSON contract; the command line prints them on stderr)
 */
public record SimulationResult(String workload, String algo, long seed, String pageMode, Map<String, Object> params,
                               Map<String, Object> finalCounters, List<Map<String, Long>> series,
                               List<String> warnings) {
    public SimulationResult {
        warnings = List.copyOf(warnings);
    }

    /** A byte-mode result without warnings. */
    public SimulationResult(String workload, String algo, long seed, Map<String, Object> params,
                            Map<String, Object> finalCounters, List<Map<String, Long>> series) {
        this(workload, algo, seed, "byte", params, finalCounters, series, List.of());
    }

    /** The contract's JSON object as ordered maps and lists (for any JSON writer). */
    public Map<String, Object> toJsonObject() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("workload", workload);
        m.put("algo", algo);
        m.put("seed", seed);
        m.put("page_mode", pageMode);
        m.put("params", params);
        m.put("final", finalCounters);
        m.put("series", series);
        return m;
    }
}
