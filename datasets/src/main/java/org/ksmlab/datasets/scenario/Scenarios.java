package org.ksmlab.datasets.scenario;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ksmlab.engine.scenario.Scenario;

/**
 * The scenarios shipped in {@code datasets/scenarios/} (and in the jar): the seeds' VMA
 * questions and the kernel's KSM selftests, listed in {@code index.txt}. {@link #load} takes a
 * shipped name ({@code mremap-merged}, {@code selftests/unmerge}) or a file path.
 */
public final class Scenarios {
    private static final String BASE = "/org/ksmlab/datasets/scenarios/";

    private Scenarios() {
    }

    /** Shipped scenario names, in the index's order. */
    public static List<String> names() {
        List<String> out = new ArrayList<>();
        try (InputStream in = Scenarios.class.getResourceAsStream(BASE + "index.txt")) {
            if (in == null) {
                throw new IllegalStateException("the shipped scenario index " + BASE + "index.txt is missing from the class path");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = r.readLine()) != null; ) {
                line = line.strip();
                if (!line.isEmpty() && !line.startsWith("#")) out.add(line);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** A shipped scenario by name, or else a scenario file at that path. */
    public static Scenario load(String nameOrPath) {
        if (names().contains(nameOrPath)) {
            String resource = BASE + nameOrPath + ".yaml";
            try (InputStream in = Scenarios.class.getResourceAsStream(resource)) {
                if (in == null) throw new IllegalStateException("shipped scenario " + resource + " is missing from the class path");
                return ScenarioReader.parse("datasets/scenarios/" + nameOrPath + ".yaml", new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Path p = Path.of(nameOrPath);
        if (!Files.isRegularFile(p)) {
            throw new ScenarioReader.BadScenario("--scenario " + nameOrPath + ": no such file, and not a shipped scenario (shipped: "
                    + String.join(", ", names()) + ")");
        }
        return ScenarioReader.read(p);
    }
}
