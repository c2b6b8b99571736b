package org.ksmlab.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.ksmlab.engine.memory.PageStore;

/**
 * The engine's packages use each other in one direction only. Every main source file is read,
 * its comments and string literals dropped, and each {@code org.ksmlab.engine.PKG.} it names
 * (imports, static imports and fully qualified uses alike) is an edge from its package to PKG.
 * The check fails on any cycle between packages, and on any edge that does not go down
 * {@link #LAYERS}.
 */
class PackageDependenciesTest {
    /**
     * The layers, lowest first: a package may use the packages of lower layers, never its own
     * layer's other packages or higher ones. {@code knobs} (the Param type every knob and
     * workload parameter is) and {@code cost} sit at the bottom with {@code memory}; the kernel
     * model {@code mm} on them; the mergers and the workloads side by side on the kernel; the
     * simulation, which puts them together, on them; scenarios, which run on the simulation (or
     * on the live kernel), on top. A new package goes into this list.
     */
    static final List<List<String>> LAYERS = List.of(
            List.of("knobs"),
            List.of("cost", "memory"),
            List.of("mm"),
            List.of("ksm", "sksm", "workload"),
            List.of("sim"),
            List.of("scenario", "exposure"));

    private static final Pattern REFERENCE = Pattern.compile("\\borg\\.ksmlab\\.engine\\.([a-z][a-z0-9_]*)\\.");

    /** from package → (to package → first place it is used, "File.java:line"). */
    private static final Map<String, Map<String, String>> EDGES = new TreeMap<>();

    @BeforeAll
    static void readSources() throws IOException, URISyntaxException {
        Path root = mainSources().resolve("org/ksmlab/engine");
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                Path rel = root.relativize(f.getParent());
                if (rel.getNameCount() != 1 || rel.toString().isEmpty()) {
                    throw new AssertionError(f + ": expected every engine source in a package org.ksmlab.engine.PKG");
                }
                String from = rel.toString();
                EDGES.computeIfAbsent(from, k -> new TreeMap<>());
                String code = codeOnly(Files.readString(f));
                Matcher m = REFERENCE.matcher(code);
                while (m.find()) {
                    String to = m.group(1);
                    if (!to.equals(from)) {
                        int line = 1 + (int) code.substring(0, m.start()).chars().filter(c -> c == '\n').count();
                        EDGES.get(from).putIfAbsent(to, f.getFileName() + ":" + line);
                    }
                }
            }
        }
        assertTrue(EDGES.size() >= 7, "found only the packages " + EDGES.keySet() + " under " + root);
    }

    @Test
    void enginePackagesShouldFormNoCycle() {
        List<List<String>> cycles = stronglyConnectedComponents().stream().filter(c -> c.size() > 1).toList();
        StringBuilder why = new StringBuilder();
        for (List<String> cycle : cycles) {
            why.append("cycle ").append(cycle).append(':');
            for (String from : cycle) {
                EDGES.get(from).forEach((to, at) -> {
                    if (cycle.contains(to)) why.append("\n  ").append(from).append(" -> ").append(to).append(" (").append(at).append(')');
                });
            }
            why.append('\n');
        }
        assertEquals(List.of(), cycles, why.toString());
    }

    @Test
    void enginePackagesShouldOnlyUsePackagesOfLowerLayers() {
        List<String> wrong = new ArrayList<>();
        EDGES.forEach((from, tos) -> tos.forEach((to, at) -> {
            int f = layerOf(from);
            int t = layerOf(to);
            if (f < 0 || t < 0) {
                wrong.add((f < 0 ? from : to) + " is in no layer: add it to LAYERS (" + at + ")");
            } else if (t >= f) {
                wrong.add(from + " (layer " + f + ") uses " + to + " (layer " + t + ") at " + at);
            }
        }));
        assertEquals(List.of(), wrong, "the engine's imports must go down the layers " + LAYERS);
    }

    private static int layerOf(String pkg) {
        for (int i = 0; i < LAYERS.size(); i++) {
            if (LAYERS.get(i).contains(pkg)) return i;
        }
        return -1;
    }

    /** Tarjan's algorithm over {@link #EDGES}; components in a stable order. */
    private static List<List<String>> stronglyConnectedComponents() {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        List<List<String>> out = new ArrayList<>();
        for (String v : EDGES.keySet()) {
            if (!index.containsKey(v)) strongConnect(v, index, low, stack, out);
        }
        return out;
    }

    private static void strongConnect(String v, Map<String, Integer> index, Map<String, Integer> low, Deque<String> stack, List<List<String>> out) {
        index.put(v, index.size());
        low.put(v, index.get(v));
        stack.push(v);
        for (String w : EDGES.getOrDefault(v, Map.of()).keySet()) {
            if (!index.containsKey(w)) {
                strongConnect(w, index, low, stack, out);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (stack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            TreeSet<String> component = new TreeSet<>();
            String w;
            do {
                w = stack.pop();
                component.add(w);
            } while (!w.equals(v));
            out.add(List.copyOf(component));
        }
    }

    /** The source text with comments, string and char literals blanked (newlines kept, for line numbers). */
    static String codeOnly(String src) {
        StringBuilder b = new StringBuilder(src.length());
        int i = 0;
        int n = src.length();
        while (i < n) {
            char c = src.charAt(i);
            if (c == '/' && i + 1 < n && src.charAt(i + 1) == '/') {
                while (i < n && src.charAt(i) != '\n') i++;
            } else if (c == '/' && i + 1 < n && src.charAt(i + 1) == '*') {
                int end = src.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
                keepNewlines(b, src, i, end);
                i = end;
            } else if (src.startsWith("\"\"\"", i)) {
                int end = src.indexOf("\"\"\"", i + 3);
                end = end < 0 ? n : end + 3;
                keepNewlines(b, src, i, end);
                i = end;
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < n && src.charAt(j) != c && src.charAt(j) != '\n') {
                    j += src.charAt(j) == '\\' ? 2 : 1;
                }
                i = Math.min(n, j + 1);
                b.append(' ');
            } else {
                b.append(c);
                i++;
            }
        }
        return b.toString();
    }

    private static void keepNewlines(StringBuilder b, String src, int from, int to) {
        for (int k = from; k < to; k++) {
            if (src.charAt(k) == '\n') b.append('\n');
        }
        b.append(' ');
    }

    /**
     * The engine's main source folder, found from where its classes were loaded
     * ({@code engine/target/classes} → {@code engine/src/main/java}), not from the working directory.
     */
    private static Path mainSources() throws URISyntaxException {
        Path classes = Path.of(PageStore.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path src = classes.getParent().getParent().resolve("src/main/java");
        assertTrue(Files.isDirectory(src), "engine sources not found at " + src + " (classes loaded from " + classes + ")");
        return src;
    }
}
