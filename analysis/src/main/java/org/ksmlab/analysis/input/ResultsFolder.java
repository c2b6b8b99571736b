package org.ksmlab.analysis.input;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * One results folder {@code results/<timestamp>-<gitsha>/} as run.sh writes it: JMH JSON files
 * in {@code jmh/*.json}, simulated time series in {@code series/<mix>__<algo>.json}, scenario runs in
 * {@code scenarios/<name>__<variant>__<algo>.json}, optionally the
 * live-kernel comparison {@code kernel-check.json}, optionally the C reference of the page
 * primitives {@code c-reference.json} ({@link CReference}), exposure-vs-saving experiments in
 * {@code exposure/<mix>__<pages>.json} ({@link ExposureRun}), and provenance in {@code env.txt}
 * ({@code key: value} lines). run.sh writes a {@code status:} line into env.txt (atomically):
 * {@code status: complete} or {@code status: partial (<reason>)}; a folder whose env.txt has no
 * such line was written before run.sh recorded it ({@link #completeness()}).
 *
 * @param dir the folder
 * @param jmhFiles its {@code jmh/*.json} files, sorted by name
 * @param modelFiles its {@code model/*.json} files (a sweep's), sorted by name
 * @param seriesFiles its {@code series/*.json} files, sorted by name
 * @param scenarioFiles its {@code scenarios/*.json} files, sorted by name
 * @param kernelCheckFile its {@code kernel-check.json}, or null
 * @param cReferenceFile its {@code c-reference.json}, or null
 * @param realMemoryFiles its {@code real-memory/*.json} files (one per memory dataset), sorted by name
 * @param envText the text of {@code env.txt}, empty when the folder has none
 * @param exposureFiles its {@code exposure/*.json} files, sorted by name
 */
public record ResultsFolder(Path dir, List<Path> jmhFiles, List<Path> modelFiles, List<Path> seriesFiles, List<Path> scenarioFiles,
                            Path kernelCheckFile, Path cReferenceFile, List<Path> realMemoryFiles, String envText,
                            List<Path> exposureFiles) {

    /** What a folder must hold at least one of. */
    static final String RUNS = "at least one JMH result file jmh/*.json, model points model/*.json, simulated series series/*.json,"
            + " scenario run scenarios/*.json, exposure experiment exposure/*.json, kernel-check.json or memory dataset"
            + " summary real-memory/*.json";

    /** One {@code key: value} line of env.txt; a line without a colon has an empty key. */
    public record EnvLine(String key, String value) {}

    /**
     * Whether the run that wrote the folder finished, from env.txt's {@code status:} line (the last
     * one, if several).
     *
     * @param state complete, partial, or not recorded (no status line, or no env.txt)
     * @param reason for partial: the text in parentheses (or the whole value when it is not the
     *     expected form); empty otherwise
     */
    public record Completeness(State state, String reason) {
        public enum State { COMPLETE, PARTIAL, NOT_RECORDED }

        /** "complete", "partial (reason)", "completeness not recorded". */
        public String text() {
            return switch (state) {
                case COMPLETE -> "complete";
                case PARTIAL -> reason.isEmpty() ? "partial" : "partial (" + reason + ")";
                case NOT_RECORDED -> "completeness not recorded";
            };
        }
    }

    /** The folder's completeness from env.txt (see {@link Completeness}). */
    public Completeness completeness() {
        String status = null;
        for (EnvLine line : env()) {
            if (line.key().equals("status")) status = line.value();
        }
        if (status == null) return new Completeness(Completeness.State.NOT_RECORDED, "");
        if (status.equals("complete")) return new Completeness(Completeness.State.COMPLETE, "");
        java.util.regex.Matcher partial = java.util.regex.Pattern.compile("partial(?:\\s*\\((.*)\\))?").matcher(status);
        if (partial.matches()) {
            return new Completeness(Completeness.State.PARTIAL, partial.group(1) == null ? "" : partial.group(1).strip());
        }
        // Anything else is not a promise of completeness: say what it says.
        return new Completeness(Completeness.State.PARTIAL, "status '" + status + "' is neither 'complete' nor 'partial (...)'");
    }

    /** Finds the folder's files; fails when the folder does not exist or holds none of them. */
    public static ResultsFolder open(Path dir) throws BadInputException {
        if (!Files.isDirectory(dir)) {
            throw new BadInputException(dir + ": results folder does not exist"
                    + " (expected results/<timestamp>-<gitsha>/ with jmh/*.json)");
        }
        List<Path> files = jsonFiles(dir.resolve("jmh"));
        List<Path> model = jsonFiles(dir.resolve("model"));
        List<Path> series = jsonFiles(dir.resolve("series"));
        List<Path> scenarios = jsonFiles(dir.resolve("scenarios"));
        List<Path> exposure = jsonFiles(dir.resolve("exposure"));
        Path kernelCheck = dir.resolve("kernel-check.json");
        if (!Files.isRegularFile(kernelCheck)) kernelCheck = null;
        Path cReference = dir.resolve(CReference.FILE);
        if (!Files.isRegularFile(cReference)) cReference = null;
        List<Path> realMemory = jsonFiles(dir.resolve("real-memory"));
        if (files.isEmpty() && model.isEmpty() && series.isEmpty() && scenarios.isEmpty() && exposure.isEmpty() && kernelCheck == null
                && realMemory.isEmpty()) {
            throw new BadInputException(dir + ": contains no runs (expected " + RUNS + ")");
        }
        Path env = dir.resolve("env.txt");
        String envText = "";
        if (Files.isRegularFile(env)) {
            try {
                envText = Files.readString(env).strip();
            } catch (IOException e) {
                throw new BadInputException(env + ": cannot be read (" + e.getMessage() + ")", e);
            }
        }
        return new ResultsFolder(dir, List.copyOf(files), List.copyOf(model), List.copyOf(series), List.copyOf(scenarios), kernelCheck,
                cReference, List.copyOf(realMemory), envText, List.copyOf(exposure));
    }

    /** The regular *.json files of a directory, sorted; none when it does not exist. */
    private static List<Path> jsonFiles(Path sub) throws BadInputException {
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(sub)) {
            try (Stream<Path> list = Files.list(sub)) {
                list.filter(p -> p.getFileName().toString().endsWith(".json") && Files.isRegularFile(p))
                        .sorted().forEach(files::add);
            } catch (IOException e) {
                throw new BadInputException(sub + ": cannot be listed (" + e.getMessage() + ")", e);
            }
        }
        return files;
    }

    /** The folder's name, e.g. {@code 20261121-2342-f3e991c}. */
    public String name() {
        Path name = dir.toAbsolutePath().normalize().getFileName();
        return name == null ? dir.toString() : name.toString();
    }

    /** env.txt as key/value lines, in file order. */
    public List<EnvLine> env() {
        return envText.lines().filter(l -> !l.isBlank()).map(l -> {
            int colon = l.indexOf(':');
            return colon < 0 ? new EnvLine("", l.strip())
                    : new EnvLine(l.substring(0, colon).strip(), l.substring(colon + 1).strip());
        }).toList();
    }
}
