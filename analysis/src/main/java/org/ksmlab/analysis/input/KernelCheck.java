package org.ksmlab.analysis.input;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * {@code kernel-check.json} as {@code ./run.sh kernel-check --json} (or {@code --out DIR}) writes it:
 * {@code {"scenarios": [{"name"?, "workload", "knobs": {...}, "kernel": SIDE, "model": SIDE}]}} where SIDE is
 * {@code {"final": {counter: n, ...}, "converged_full_scans": N, "converged_ms": T, "series": [...],
 * "cpu": {"ns_per_scanned_page": x, ...}}} or {@code {"unavailable": reason}}. Counter names are those of
 * {@code simulate --json}; the kernel's time is wall time, the model's virtual time.
 */
public final class KernelCheck {
    private KernelCheck() {}

    static final String EXPECTED = "the object of 'kernel-check --json': {\"scenarios\": [{\"workload\", \"knobs\","
            + " \"kernel\": {\"final\", \"converged_full_scans\", \"converged_ms\", \"series\"}, \"model\": {...}}]}";

    /**
     * One side of a scenario.
     *
     * @param unavailable why this side did not run, or null when it did
     * @param finalCounters the numeric counters at the end, in file order
     * @param convergedFullScans full scan at which the counters became stable, or -1
     * @param convergedMs time to converge (kernel: wall ms; model: virtual ms), or -1
     * @param cpuNsPerPage ksmd CPU ns per scanned page ({@code cpu.ns_per_scanned_page}), NaN if absent
     */
    public record Side(String unavailable, Map<String, Long> finalCounters, long convergedFullScans, long convergedMs,
                       double cpuNsPerPage) {
        public boolean available() {
            return unavailable == null;
        }
    }

    /**
     * One scenario; {@code source} names the file it came from; {@code modelCosts} is where the
     * model's CPU costs came from (the file's {@code "model_costs_source"}), or null when the file
     * does not say; {@code speedPermille} the machine's speed the model ran it at (the speed
     * probes' {@code kernel.ksmd_cpu_cost_permille} in its {@code clock}), or null without probes;
     * {@code speedReference} which reference workload the probes ran ({@code clock.speed.reference}:
     * small or large), or null when the file does not say; {@code kernelRuns} how many times the
     * workload ran on the kernel (the median run compared; {@code runs_converged_ms}), 1 when the
     * file does not say.
     */
    public record Scenario(String source, String name, String workload, Map<String, String> knobs, Side kernel,
                           Side model, String modelCosts, Integer speedPermille, String speedReference, int kernelRuns) {
        public Scenario(String source, String name, String workload, Map<String, String> knobs, Side kernel, Side model,
                        String modelCosts) {
            this(source, name, workload, knobs, kernel, model, modelCosts, null, null, 1);
        }
    }

    public static List<Scenario> read(Path file) throws BadInputException {
        JsonNode root = Json.read(file, EXPECTED);
        if (!root.isObject() || !root.path("scenarios").isArray()) {
            throw new BadInputException(file + ": expected " + EXPECTED + ", found "
                    + (root.isObject() ? "an object without a \"scenarios\" array" : Json.kind(root)));
        }
        Path folder = file.toAbsolutePath().normalize().getParent();
        String source = folder == null || folder.getFileName() == null ? file.getFileName().toString()
                : folder.getFileName() + "/" + file.getFileName();
        List<Scenario> scenarios = new ArrayList<>();
        String costs = root.path("model_costs_source").isTextual() ? root.path("model_costs_source").asText() : null;
        JsonNode list = root.path("scenarios");
        for (int i = 0; i < list.size(); i++) {
            JsonNode s = list.get(i);
            String where = file + ": scenario " + i;
            if (!s.isObject() || !s.path("workload").isTextual()) {
                throw new BadInputException(where + " has no \"workload\" string; expected " + EXPECTED);
            }
            Map<String, String> knobs = new LinkedHashMap<>();
            s.path("knobs").properties().forEach(k -> knobs.put(k.getKey(), k.getValue().asText()));
            String workload = s.path("workload").asText();
            JsonNode speed = s.path("clock").path("model_kernel_knobs").path("kernel.ksmd_cpu_cost_permille");
            Integer permille = speed.isTextual() || speed.isNumber() ? Integer.valueOf(speed.asInt()) : null;
            JsonNode reference = s.path("clock").path("speed").path("reference");
            JsonNode runs = s.path("kernel").path("runs_converged_ms");
            scenarios.add(new Scenario(source, s.path("name").asText(workload), workload, knobs,
                    side(s.path("kernel"), where + " \"kernel\""), side(s.path("model"), where + " \"model\""), costs, permille,
                    reference.isTextual() ? reference.asText() : null, runs.isArray() && !runs.isEmpty() ? runs.size() : 1));
        }
        return scenarios;
    }

    private static Side side(JsonNode node, String where) throws BadInputException {
        if (node.isObject() && node.has("unavailable")) {
            return new Side(node.path("unavailable").asText("unavailable"), Map.of(), -1, -1, Double.NaN);
        }
        if (!node.isObject() || !node.path("final").isObject()) {
            throw new BadInputException(where + " has no \"final\" object (nor \"unavailable\"); expected "
                    + EXPECTED);
        }
        Map<String, Long> counters = new LinkedHashMap<>();
        node.path("final").properties().forEach(c -> {
            if (c.getValue().isIntegralNumber()) counters.put(c.getKey(), c.getValue().asLong());
        });
        OptionalDouble cpu = node.path("cpu").path("ns_per_scanned_page").isNumber()
                ? OptionalDouble.of(node.path("cpu").path("ns_per_scanned_page").asDouble()) : OptionalDouble.empty();
        return new Side(null, counters, node.path("converged_full_scans").asLong(-1),
                node.path("converged_ms").asLong(-1), cpu.orElse(Double.NaN));
    }
}
