package org.ksmlab.analysis;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import tech.tablesaw.api.Table;

/**
 * Everything a report is built from: the input folders (for provenance) and their JMH results
 * merged into one long table and one runs table (see {@link JmhResults}).
 */
public record Results(List<ResultsFolder> folders, Table longTable, Table runs) {

    /**
     * Reads and merges the given results folders. Fails, naming the file, when a folder does not
     * exist or has no runs, a file is not a JMH result array, or JMH versions are mixed.
     */
    public static Results read(List<Path> dirs) throws BadInputException {
        List<ResultsFolder> folders = new ArrayList<>();
        List<JmhResults> parts = new ArrayList<>();
        for (Path dir : dirs) {
            ResultsFolder folder = ResultsFolder.open(dir);
            JmhResults part = JmhResults.read(folder.jmhFiles());
            if (part.entryCount() == 0) {
                throw new BadInputException(dir + ": contains no runs (its jmh/*.json files "
                        + folder.jmhFiles().stream().map(p -> p.getFileName().toString()).toList()
                        + " hold no benchmark entries; expected at least one)");
            }
            folders.add(folder);
            parts.add(part);
        }
        JmhResults results = JmhResults.concat(parts);
        Map<String, List<String>> versions = results.sourcesByJmhVersion();
        if (versions.size() > 1) {
            // Scores from different harness versions are not comparable without saying so.
            throw new BadInputException("mixed JMH versions: " + versions.entrySet().stream()
                    .map(v -> "JMH " + v.getKey() + " in " + String.join(", ", v.getValue()))
                    .collect(Collectors.joining("; "))
                    + "; expected one JMH version across all inputs (rerun with the same benchmarks.jar)");
        }
        return new Results(List.copyOf(folders), results.longTable(), results.runsTable());
    }
}
