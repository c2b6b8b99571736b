package org.ksmlab.datasets.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.ksmlab.engine.scenario.Scenario;
import org.ksmlab.engine.scenario.ScenarioSimulation;

/**
 * Every shipped scenario, each variant, under ksm: every phase's counters (global, per process,
 * per region) and the failed expectations (none) equal the golden file's, exactly. The golden
 * files are the model's answer, written by this test with {@code -Dksmlab.golden.write=true}
 * and {@code -Dksmlab.golden.dir=ABSOLUTE_PATH_OF/src/test/resources/org/ksmlab/datasets/scenario/golden}
 * (then read them, compare them with the kernel-check of the same scenario, and commit them
 * saying why they changed).
 */
class ShippedScenariosGoldenTest {
    private static final String ALGO = "ksm";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    record Case(String scenario, String variant) {
        String file() {
            return scenario.replace('/', '_') + (variant == null ? "" : "__" + variant) + ".json";
        }

        @Override
        public String toString() {
            return scenario + (variant == null ? "" : " [" + variant + "]");
        }
    }

    static List<Case> cases() {
        List<Case> out = new ArrayList<>();
        for (String name : Scenarios.names()) {
            Scenario s = Scenarios.load(name);
            if (!s.appliesTo(ALGO)) continue;
            if (s.variants().isEmpty()) {
                out.add(new Case(name, null));
            } else {
                s.variants().keySet().forEach(v -> out.add(new Case(name, v)));
            }
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("cases")
    void phasesShouldEqualTheGoldenFile(Case c) throws IOException {
        ScenarioSimulation.Outcome o = ScenarioSimulation.run(Scenarios.load(c.scenario()), c.variant(), ALGO, Map.of());
        Map<String, Object> full = o.toJsonObject();
        Map<String, Object> pinned = new LinkedHashMap<>();
        pinned.put("scenario", full.get("scenario"));
        pinned.put("variant", full.get("variant"));
        pinned.put("phases", full.get("phases"));
        pinned.put("failures", full.get("failures"));
        pinned.put("pages_verified", full.get("pages_verified"));
        JsonNode actual = JSON.readTree(JSON.writeValueAsString(pinned)); // through text, so numbers compare as the file's do
        assertTrue(o.result().failures().isEmpty(), c + ": " + o.result().failures());
        String resource = "golden/" + c.file();
        if (Boolean.getBoolean("ksmlab.golden.write")) {
            Path dir = Path.of(System.getProperty("ksmlab.golden.dir", "src/test/resources/org/ksmlab/datasets/scenario/golden"));
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(c.file()), JSON.writeValueAsString(actual) + "\n");
            return;
        }
        try (InputStream in = ShippedScenariosGoldenTest.class.getResourceAsStream(resource)) {
            assertTrue(in != null, "no golden file " + resource + " (write it with -Dksmlab.golden.write=true)");
            assertEquals(JSON.readTree(in), actual, c + ": phases differ from " + resource);
        }
    }
}
