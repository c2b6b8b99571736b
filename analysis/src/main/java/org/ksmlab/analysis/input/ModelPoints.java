package org.ksmlab.analysis.input;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code model/<suite>-NN.json} as {@code sweep} writes it: the model's counters of a suite entry's
 * points, each run once outside JMH, {@code {"format": "ksmlab-model-points/1", "suite", "entry",
 * "benchmark", "points": [{"params": {...}, "counters": {name: n}}]}}.
 *
 * <p>Each point becomes an entry of the long table ({@link JmhResults}) as a JMH result of the same
 * benchmark would, with mode {@value #MODE}: its counters are secondary metrics of unit {@code #}
 * with one value each, and its primary metric (wall time) has no value, because none was measured.
 * So the sections read a sweep's answers exactly as they read a JMH suite's, show no wall time
 * for them, and a point measured both ways pools its counters (which a deterministic model gives
 * equal; {@code counters vary} says when they are not).
 */
public final class ModelPoints {
    /** The mode of a sweep's entries in the long and runs tables. */
    public static final String MODE = "model";
    static final String FORMAT = "ksmlab-model-points/1";
    static final String EXPECTED = "the object 'sweep' writes: {\"format\": \"" + FORMAT + "\", \"benchmark\","
            + " \"points\": [{\"params\": {...}, \"counters\": {...}}]}";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelPoints() {}

    /** The points of the given files as long-table entries (see the class comment). */
    public static JmhResults read(List<Path> files) throws BadInputException {
        List<JmhResults.Entry> entries = new ArrayList<>();
        for (Path file : files) {
            JsonNode root = Json.read(file, EXPECTED);
            if (!root.isObject() || !FORMAT.equals(root.path("format").asText())) {
                throw new BadInputException(file + ": expected " + EXPECTED + ", found "
                        + (root.isObject() ? "format '" + root.path("format").asText() + "'" : Json.kind(root)));
            }
            String benchmark = root.path("benchmark").asText("");
            if (!benchmark.contains(".") || !root.path("points").isArray()) {
                throw new BadInputException(file + ": lacks a \"benchmark\" of the form package.Class.method or a \"points\" array; expected "
                        + EXPECTED);
            }
            String source = sourceName(file);
            JsonNode points = root.path("points");
            for (int i = 0; i < points.size(); i++) {
                JsonNode p = points.get(i);
                if (!p.path("params").isObject() || !p.path("counters").isObject()) {
                    throw new BadInputException(file + ": point " + i + " lacks \"params\" or \"counters\"; expected " + EXPECTED);
                }
                ObjectNode entry = JSON.createObjectNode().put("jmhVersion", "").put("benchmark", benchmark).put("mode", MODE)
                        .put("threads", 1).put("forks", 0);
                entry.set("params", p.path("params"));
                ObjectNode primary = entry.putObject("primaryMetric").put("score", "NaN").put("scoreError", "NaN").put("scoreUnit", "ms/op");
                primary.putArray("rawData");
                ObjectNode secondary = entry.putObject("secondaryMetrics");
                var counters = p.path("counters").properties();
                for (var c : counters) {
                    if (!c.getValue().isIntegralNumber()) {
                        throw new BadInputException(file + ": point " + i + ": counter " + c.getKey() + " is " + c.getValue()
                                + "; expected an integer");
                    }
                    ObjectNode m = secondary.putObject(c.getKey()).put("score", c.getValue().asLong()).put("scoreUnit", "#");
                    ArrayNode raw = m.putArray("rawData").addArray();
                    raw.add(c.getValue().asLong());
                }
                entries.add(new JmhResults.Entry(source, entry));
            }
        }
        return JmhResults.of(entries);
    }

    /** {@code <results folder>/model/<file>.json}, or the file name outside a results folder. */
    private static String sourceName(Path file) {
        Path parent = file.toAbsolutePath().normalize().getParent();
        if (parent != null && parent.getFileName() != null && parent.getFileName().toString().equals("model")
                && parent.getParent() != null && parent.getParent().getFileName() != null) {
            return parent.getParent().getFileName() + "/model/" + file.getFileName();
        }
        return file.getFileName().toString();
    }
}
