package org.ksmlab.analysis.input;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * Reads JMH JSON result files ({@code -rf json}) into two Tablesaw tables.
 *
 * <p><b>long</b>: one row per (benchmark entry, metric). The primary metric is the row with
 * {@code metric = "primary"}; each secondary metric (GC profiler {@code ·gc.alloc.rate},
 * {@code @AuxCounters} fields) is a row named after it. Columns, in this order and with these
 * types: {@code benchmark, method} (String), one {@code param_<name>} String column per
 * parameter name seen in any entry, sorted by name (empty string where an entry lacks it),
 * {@code metric, score (double), error (double, NaN when JMH gives NaN), unit, mode,
 * threads (int), forks (int), jdk, package, source, n (int), raw}. {@code raw} holds the
 * metric's measured values (JMH's {@code rawData}, every measurement iteration of every fork,
 * space-separated, in the metric's unit) and {@code n} their number, from which the sections
 * compute medians and confidence intervals. Nothing here knows parameter names: a new
 * {@code @Param} becomes a new column.
 *
 * <p><b>runs</b>: one row per benchmark entry with how it was run (JMH version, JVM, JVM
 * arguments, forks, warmup and measurement iterations), all String columns, for provenance.
 *
 * <p>{@code source} names the file as {@code <results folder>/jmh/<file>.json} when the file
 * sits in a results folder's {@code jmh/} directory (so runs merged from several folders stay
 * apart), else as the file name.
 */
public final class JmhResults {
    public static final String BENCHMARK = "benchmark";
    public static final String METHOD = "method";
    public static final String PARAM_PREFIX = "param_";
    public static final String METRIC = "metric";
    public static final String SCORE = "score";
    public static final String ERROR = "error";
    public static final String UNIT = "unit";
    public static final String MODE = "mode";
    public static final String THREADS = "threads";
    public static final String FORKS = "forks";
    public static final String JDK = "jdk";
    public static final String PACKAGE = "package";
    public static final String SOURCE = "source";
    public static final String N = "n";
    public static final String RAW = "raw";
    /** The {@link #METRIC} value of a benchmark's primary metric. */
    public static final String PRIMARY = "primary";

    public static final String JMH_VERSION = "jmh";
    public static final String JVM = "jvm";
    public static final String JVM_ARGS = "jvm args";
    public static final String WARMUP = "warmup";
    public static final String MEASUREMENT = "measurement";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One benchmark entry of a JMH result array, with the file it came from. */
    record Entry(String source, JsonNode node) {}

    private final List<Entry> entries;

    private JmhResults(List<Entry> entries) {
        this.entries = entries;
    }

    /** The long table of the given JMH JSON files (see the class comment). */
    public static Table load(List<Path> jsonFiles) throws BadInputException {
        return read(jsonFiles).longTable();
    }

    /**
     * Parses and checks the given files: each must be a JSON array of JMH benchmark entries
     * (an empty array is allowed here; whether a folder has runs is the caller's question).
     */
    public static JmhResults read(List<Path> jsonFiles) throws BadInputException {
        List<Entry> entries = new ArrayList<>();
        for (Path file : jsonFiles) {
            entries.addAll(parse(file));
        }
        return new JmhResults(entries);
    }

    /** Results made of the given entries (another reader's, e.g. {@link ModelPoints}). */
    static JmhResults of(List<Entry> entries) {
        return new JmhResults(List.copyOf(entries));
    }

    /** The entries of several reads, in order (merging results folders). */
    public static JmhResults concat(List<JmhResults> parts) {
        return new JmhResults(parts.stream().flatMap(p -> p.entries.stream()).toList());
    }

    /** Number of benchmark entries read. */
    public int entryCount() {
        return entries.size();
    }

    /** JMH version → the sources that carry it, for the mixed-versions check (a sweep's model points have none). */
    public Map<String, List<String>> sourcesByJmhVersion() {
        return entries.stream().filter(e -> !ModelPoints.MODE.equals(e.node().path("mode").asText())).collect(Collectors.groupingBy(
                e -> e.node().path("jmhVersion").asText(""),
                java.util.TreeMap::new,
                Collectors.mapping(Entry::source, Collectors.collectingAndThen(
                        Collectors.toCollection(TreeSet::new), ArrayList::new))));
    }

    static List<Entry> parse(Path file) throws BadInputException {
        String source = sourceName(file);
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file));
        } catch (JsonProcessingException e) {
            var where = e.getLocation();
            throw new BadInputException(file + ": not valid JSON (truncated or corrupt?)"
                    + (where == null ? "" : " at line " + where.getLineNr() + ", column " + where.getColumnNr())
                    + "; expected a JMH result array written by -rf json", e);
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot be read (" + e.getMessage() + ")", e);
        }
        if (root == null || !root.isArray()) {
            throw new BadInputException(file + ": expected a JSON array of JMH benchmark entries (-rf json), found "
                    + (root == null ? "an empty file" : "a JSON " + root.getNodeType().name().toLowerCase()));
        }
        List<Entry> result = new ArrayList<>();
        for (int i = 0; i < root.size(); i++) {
            JsonNode node = root.get(i);
            String missing = missingField(node);
            if (missing != null) {
                throw new BadInputException(file + ": entry " + i + " is not a JMH benchmark result (no "
                        + missing + "); expected a JSON array of JMH benchmark entries (-rf json)");
            }
            result.add(new Entry(source, node));
        }
        return result;
    }

    /** The first field a JMH entry must have and this one lacks, or null. */
    private static String missingField(JsonNode node) {
        if (!node.isObject()) return "object";
        for (String field : List.of("jmhVersion", "benchmark", "mode")) {
            if (!node.path(field).isTextual()) return "'" + field + "'";
        }
        if (!node.path("benchmark").asText().contains(".")) return "'benchmark' of the form package.Class.method";
        JsonNode primary = node.path("primaryMetric");
        if (!primary.isObject()) return "'primaryMetric'";
        if (!primary.has("score")) return "'primaryMetric.score'";
        if (!primary.path("scoreUnit").isTextual()) return "'primaryMetric.scoreUnit'";
        return null;
    }

    static String sourceName(Path file) {
        Path parent = file.toAbsolutePath().normalize().getParent();
        if (parent != null && parent.getFileName() != null && parent.getFileName().toString().equals("jmh")
                && parent.getParent() != null && parent.getParent().getFileName() != null) {
            return parent.getParent().getFileName() + "/jmh/" + file.getFileName();
        }
        return file.getFileName().toString();
    }

    /** The long table: one row per (benchmark entry, metric). */
    public Table longTable() {
        TreeSet<String> paramNames = new TreeSet<>();
        for (Entry e : entries) {
            e.node().path("params").fieldNames().forEachRemaining(paramNames::add);
        }
        StringColumn benchmark = StringColumn.create(BENCHMARK);
        StringColumn method = StringColumn.create(METHOD);
        List<StringColumn> params = paramNames.stream().map(n -> StringColumn.create(PARAM_PREFIX + n)).toList();
        StringColumn metric = StringColumn.create(METRIC);
        DoubleColumn score = DoubleColumn.create(SCORE);
        DoubleColumn error = DoubleColumn.create(ERROR);
        StringColumn unit = StringColumn.create(UNIT);
        StringColumn mode = StringColumn.create(MODE);
        IntColumn threads = IntColumn.create(THREADS);
        IntColumn forks = IntColumn.create(FORKS);
        StringColumn jdk = StringColumn.create(JDK);
        StringColumn pkg = StringColumn.create(PACKAGE);
        StringColumn source = StringColumn.create(SOURCE);
        IntColumn n = IntColumn.create(N);
        StringColumn raw = StringColumn.create(RAW);

        for (Entry e : entries) {
            JsonNode node = e.node();
            Name name = Name.of(node.path("benchmark").asText());
            List<Map.Entry<String, JsonNode>> metrics = new ArrayList<>();
            metrics.add(Map.entry(PRIMARY, node.path("primaryMetric")));
            node.path("secondaryMetrics").properties().forEach(metrics::add);
            for (Map.Entry<String, JsonNode> m : metrics) {
                benchmark.append(name.simpleClass());
                method.append(name.method());
                for (StringColumn p : params) {
                    p.append(node.path("params").path(p.name().substring(PARAM_PREFIX.length())).asText(""));
                }
                metric.append(m.getKey());
                score.append(m.getKey().equals(PRIMARY) ? number(m.getValue().path("score")) : secondaryScore(m.getValue()));
                error.append(number(m.getValue().path("scoreError")));
                unit.append(m.getValue().path("scoreUnit").asText(""));
                mode.append(node.path("mode").asText());
                threads.append(node.path("threads").asInt(1));
                forks.append(node.path("forks").asInt(0));
                jdk.append(node.path("jdkVersion").asText(""));
                pkg.append(name.packageName());
                source.append(e.source());
                List<String> values = new ArrayList<>();
                for (JsonNode fork : m.getValue().path("rawData")) {
                    for (JsonNode v : fork) values.add(Double.toString(number(v)));
                }
                n.append(values.size());
                raw.append(String.join(" ", values));
            }
        }
        List<Column<?>> columns = new ArrayList<>(List.of(benchmark, method));
        columns.addAll(params);
        columns.addAll(List.of(metric, score, error, unit, mode, threads, forks, jdk, pkg, source, n, raw));
        return Table.create("long", columns);
    }

    /**
     * A secondary metric's value per measurement iteration. JMH reports an
     * {@code @AuxCounters(EVENTS)} counter (unit "#") as the SUM over all iterations and forks,
     * so a deterministic model counter measured in 3 iterations would read 3x its value; we use
     * the mean of its raw per-iteration values instead. Other secondary metrics (rates, GC
     * profiler figures) are already per-iteration averages and are kept as JMH reports them.
     */
    static double secondaryScore(JsonNode metric) {
        double jmhScore = number(metric.path("score"));
        if (!"#".equals(metric.path("scoreUnit").asText())) {
            return jmhScore;
        }
        double sum = 0;
        int n = 0;
        for (JsonNode fork : metric.path("rawData")) {
            for (JsonNode v : fork) {
                sum += v.asDouble();
                n++;
            }
        }
        return n == 0 ? jmhScore : sum / n;
    }

    /** The runs table: one row per benchmark entry, how it was run. */
    public Table runsTable() {
        StringColumn source = StringColumn.create(SOURCE);
        StringColumn benchmark = StringColumn.create(BENCHMARK);
        StringColumn method = StringColumn.create(METHOD);
        StringColumn jmh = StringColumn.create(JMH_VERSION);
        StringColumn jdk = StringColumn.create(JDK);
        StringColumn jvm = StringColumn.create(JVM);
        StringColumn jvmArgs = StringColumn.create(JVM_ARGS);
        StringColumn mode = StringColumn.create(MODE);
        StringColumn forks = StringColumn.create(FORKS);
        StringColumn threads = StringColumn.create(THREADS);
        StringColumn warmup = StringColumn.create(WARMUP);
        StringColumn measurement = StringColumn.create(MEASUREMENT);
        for (Entry e : entries) {
            JsonNode n = e.node();
            Name name = Name.of(n.path("benchmark").asText());
            source.append(e.source());
            benchmark.append(name.simpleClass());
            method.append(name.method());
            jmh.append(n.path("jmhVersion").asText());
            jdk.append(n.path("jdkVersion").asText(""));
            jvm.append((n.path("vmName").asText("") + " " + n.path("vmVersion").asText("")).strip());
            List<String> args = new ArrayList<>();
            n.path("jvmArgs").forEach(a -> args.add(a.asText()));
            jvmArgs.append(String.join(" ", args));
            mode.append(n.path("mode").asText());
            forks.append(n.path("forks").asText(""));
            threads.append(n.path("threads").asText(""));
            warmup.append(iterations(n, "warmup"));
            measurement.append(iterations(n, "measurement"));
        }
        return Table.create("runs", source, benchmark, method, jmh, jdk, jvm, jvmArgs, mode, forks, threads,
                warmup, measurement);
    }

    /** "5 × 1 s" from measurementIterations and measurementTime. */
    private static String iterations(JsonNode n, String phase) {
        String count = n.path(phase + "Iterations").asText("?");
        String time = n.path(phase + "Time").asText("");
        return time.isEmpty() ? count : count + " × " + time;
    }

    /** The values of a {@link #RAW} cell. */
    public static double[] rawValues(String cell) {
        if (cell == null || cell.isBlank()) return new double[0];
        String[] parts = cell.strip().split(" ");
        double[] values = new double[parts.length];
        for (int i = 0; i < parts.length; i++) values[i] = Double.parseDouble(parts[i]);
        return values;
    }

    /** JMH writes non-finite scores as the strings "NaN", "Infinity", "-Infinity". */
    private static double number(JsonNode node) {
        if (node.isNumber()) return node.doubleValue();
        if (node.isTextual()) {
            try {
                return Double.parseDouble(node.asText());
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }
        return Double.NaN;
    }

    /** A JMH benchmark name {@code package.Class.method} split into its parts. */
    record Name(String packageName, String simpleClass, String method) {
        static Name of(String benchmark) {
            int lastDot = benchmark.lastIndexOf('.');
            String className = benchmark.substring(0, lastDot);
            int classDot = className.lastIndexOf('.');
            return new Name(classDot < 0 ? "" : className.substring(0, classDot),
                    className.substring(classDot + 1), benchmark.substring(lastDot + 1));
        }
    }
}
