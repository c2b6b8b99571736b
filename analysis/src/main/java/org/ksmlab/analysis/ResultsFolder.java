package org.ksmlab.analysis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * One results folder {@code results/<timestamp>-<gitsha>/} as run.sh writes it: JMH JSON files
 * in {@code jmh/*.json}, simulated time series in {@code series/<mix>__<algo>.json}, optionally the
 * live-kernel comparison {@code kernel-check.json}, and provenance in {@code env.txt}
 * ({@code key: value} lines).
 *
 * @param dir the folder
 * @param jmhFiles its {@code jmh/*.json} files, sorted by name
 * @param seriesFiles its {@code series/*.json} files, sorted by name
 * @param kernelCheckFile its {@code kernel-check.json}, or null
 * @param envText the text of {@code env.txt}, empty when the folder has none
 */
public record ResultsFolder(Path dir, List<Path> jmhFiles, List<Path> seriesFiles, Path kernelCheckFile,
                            String envText) {

    /** What a folder must hold at least one of. */
    static final String RUNS = "at least one JMH result file jmh/*.json, simulated series series/*.json"
            + " or kernel-check.json";

    /** One {@code key: value} line of env.txt; a line without a colon has an empty key. */
    public record EnvLine(String key, String value) {}

    /** Finds the folder's files; fails when the folder does not exist or holds none of them. */
    public static ResultsFolder open(Path dir) throws BadInputException {
        if (!Files.isDirectory(dir)) {
            throw new BadInputException(dir + ": results folder does not exist"
                    + " (expected results/<timestamp>-<gitsha>/ with jmh/*.json)");
        }
        List<Path> files = jsonFiles(dir.resolve("jmh"));
        List<Path> series = jsonFiles(dir.resolve("series"));
        Path kernelCheck = dir.resolve("kernel-check.json");
        if (!Files.isRegularFile(kernelCheck)) kernelCheck = null;
        if (files.isEmpty() && series.isEmpty() && kernelCheck == null) {
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
        return new ResultsFolder(dir, List.copyOf(files), List.copyOf(series), kernelCheck, envText);
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
