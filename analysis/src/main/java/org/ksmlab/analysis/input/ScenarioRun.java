package org.ksmlab.analysis.input;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@code scenarios/<name>__<variant>__<algo>.json} file: exactly the object
 * {@code simulate --scenario --json} prints, {@code {"scenario", "variant", "algo", "seed",
 * "params", "phases": [{"name", "virtual_ms", "counters", "processes", "regions"}],
 * "failures", "pages_verified", "final", "series"}}. The report reads the phases.
 *
 * @param source {@code <results folder>/scenarios/<file>.json}
 * @param variant the variant run, or null
 * @param failures the scenario's failed expectations (text), in order
 * @param sampleMs the samples' virtual times ("series"), in order
 * @param samplePagesSharing pages_sharing at each sample (-1 where the merger has none)
 */
public record ScenarioRun(String source, String scenario, String variant, String algo, List<Phase> phases,
                          List<String> failures, long pagesVerified, double[] sampleMs, double[] samplePagesSharing) {

    static final String EXPECTED = "one 'simulate --scenario --json' object {\"scenario\", \"variant\", \"algo\","
            + " \"phases\": [{\"name\", \"virtual_ms\", \"counters\", \"processes\", \"regions\"}], \"failures\", \"pages_verified\"}";

    /** One named phase: its virtual time and its counters (global, per process, per region). */
    public record Phase(String name, long virtualMs, Map<String, Long> counters, Map<String, Map<String, Long>> processes,
                        Map<String, Map<String, Long>> regions) {
        /** A global counter, or -1 when absent. */
        public long counter(String name) {
            return counters.getOrDefault(name, -1L);
        }

        /** A process's counter, or -1 when the process or the counter is absent. */
        public long process(String process, String name) {
            Map<String, Long> p = processes.get(process);
            return p == null ? -1 : p.getOrDefault(name, -1L);
        }
    }

    /** The phase called {@code name}; a missing one is bad input naming the file. */
    public Phase phase(String name) throws BadInputException {
        for (Phase p : phases) {
            if (p.name().equals(name)) return p;
        }
        throw new BadInputException(source + ": scenario " + scenario + " has no phase '" + name + "' (phases: "
                + phases.stream().map(Phase::name).toList() + ")");
    }

    public static ScenarioRun read(Path file) throws BadInputException {
        JsonNode root = Json.read(file, EXPECTED);
        if (!root.isObject() || !root.path("scenario").isTextual() || !root.path("phases").isArray()) {
            throw new BadInputException(file + ": expected " + EXPECTED + ", found "
                    + (root.isObject() ? "an object without \"scenario\" and \"phases\"" : Json.kind(root)));
        }
        List<Phase> phases = new ArrayList<>();
        JsonNode list = root.path("phases");
        for (int i = 0; i < list.size(); i++) {
            JsonNode p = list.get(i);
            if (!p.path("name").isTextual() || !p.path("virtual_ms").isNumber() || !p.path("counters").isObject()) {
                throw new BadInputException(file + ": phase " + i + " lacks \"name\", \"virtual_ms\" or \"counters\"; expected " + EXPECTED);
            }
            phases.add(new Phase(p.path("name").asText(), p.path("virtual_ms").asLong(), numbers(p.path("counters"), file),
                    nested(p.path("processes"), file), nested(p.path("regions"), file)));
        }
        List<String> failures = new ArrayList<>();
        root.path("failures").forEach(f -> failures.add(f.asText()));
        String variant = root.path("variant").isTextual() ? root.path("variant").asText() : null;
        JsonNode series = root.path("series");
        double[] t = new double[series.size()];
        double[] sharing = new double[series.size()];
        for (int i = 0; i < series.size(); i++) {
            t[i] = series.get(i).path("virtual_ms").asDouble();
            sharing[i] = series.get(i).path("pages_sharing").asDouble(-1);
        }
        return new ScenarioRun(SimulationSeries.sourceName(file), root.path("scenario").asText(), variant,
                root.path("algo").asText(""), List.copyOf(phases), List.copyOf(failures), root.path("pages_verified").asLong(0), t, sharing);
    }

    public static List<ScenarioRun> readAll(List<Path> files) throws BadInputException {
        List<ScenarioRun> all = new ArrayList<>();
        for (Path f : files) all.add(read(f));
        return all;
    }

    private static Map<String, Long> numbers(JsonNode o, Path file) throws BadInputException {
        Map<String, Long> m = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isNumber()) {
                throw new BadInputException(file + ": counter '" + e.getKey() + "' is not a number; expected " + EXPECTED);
            }
            m.put(e.getKey(), e.getValue().asLong());
        }
        return m;
    }

    private static Map<String, Map<String, Long>> nested(JsonNode o, Path file) throws BadInputException {
        Map<String, Map<String, Long>> m = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            m.put(e.getKey(), numbers(e.getValue(), file));
        }
        return m;
    }
}
