package org.ksmlab.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The analysis's packages depend on each other one way: {@code input} (files) ← {@code section}
 * (tables, prose, chart data) ← {@code render} (markdown, HTML, CSV, PNG) ← the command line at
 * the top. A reference against that direction fails here, naming the file and line.
 */
class PackageDirectionTest {
    static final List<String> LAYERS = List.of("input", "section", "render", "");
    private static final Pattern REFERENCE = Pattern.compile("\\borg\\.ksmlab\\.analysis\\.([a-z]+)\\.[A-Z]");

    @Test
    void referencesGoOnlyDownTheLayers() throws IOException {
        Path root = Path.of(System.getProperty("user.dir")).resolve("src/main/java/org/ksmlab/analysis");
        List<String> wrong = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String pkg = root.relativize(f.getParent()).toString();
                int from = LAYERS.indexOf(pkg);
                List<String> lines = Files.readAllLines(f);
                for (int i = 0; i < lines.size(); i++) {
                    Matcher m = REFERENCE.matcher(lines.get(i));
                    while (m.find()) {
                        int to = LAYERS.indexOf(m.group(1));
                        if (to >= 0 && from >= 0 && to > from) {
                            wrong.add(f.getFileName() + ":" + (i + 1) + " (" + pkg + " uses " + m.group(1) + ")");
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), wrong, "references against input <- section <- render <- command line");
    }
}
