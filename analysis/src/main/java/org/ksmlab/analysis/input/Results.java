package org.ksmlab.analysis.input;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import tech.tablesaw.api.Table;

/**
 * Everything a report is built from: the input folders (for provenance), their JMH results
 * merged into one long table and one runs table (see {@link JmhResults}), their simulated time
 * series ({@link SimulationSeries}) and their live-kernel comparisons ({@link KernelCheck}).
 *
 * @param series every {@code series/*.json} of every folder, in folder then file order
 * @param kernelChecks every scenario of every folder's {@code kernel-check.json}, in order
 * @param scenarioRuns every {@code scenarios/*.json} of every folder, in folder then file order
 * @param cReferences every folder's {@code c-reference.json}, in folder order
 * @param realMemory every {@code real-memory/*.json} (memory dataset summaries) of every folder, in folder then file order
 * @param exposures every {@code exposure/*.json} of every folder, in folder then file order
 */
public record Results(List<ResultsFolder> folders, Table longTable, Table runs, List<SimulationSeries> series,
                      List<KernelCheck.Scenario> kernelChecks, List<ScenarioRun> scenarioRuns,
                      List<CReference> cReferences, List<RealMemory> realMemory, List<ExposureRun> exposures) {

    /**
     * Reads and merges the given results folders. Fails, naming the file, when a folder does not
     * exist or has no runs, a file is not a JMH result array, a series or kernel-check file is
     * not what {@code simulate --json} / {@code kernel-check --json} write, or JMH versions are mixed.
     */
    public static Results read(List<Path> dirs) throws BadInputException {
        List<ResultsFolder> folders = new ArrayList<>();
        List<JmhResults> parts = new ArrayList<>();
        List<SimulationSeries> series = new ArrayList<>();
        List<KernelCheck.Scenario> scenarios = new ArrayList<>();
        List<ScenarioRun> scenarioRuns = new ArrayList<>();
        List<CReference> cReferences = new ArrayList<>();
        List<RealMemory> realMemory = new ArrayList<>();
        List<ExposureRun> exposures = new ArrayList<>();
        for (Path dir : dirs) {
            ResultsFolder folder = ResultsFolder.open(dir);
            JmhResults part = JmhResults.concat(List.of(JmhResults.read(folder.jmhFiles()), ModelPoints.read(folder.modelFiles())));
            List<SimulationSeries> folderSeries = SimulationSeries.readAll(folder.seriesFiles());
            List<KernelCheck.Scenario> folderChecks = folder.kernelCheckFile() == null ? List.of()
                    : KernelCheck.read(folder.kernelCheckFile());
            List<ScenarioRun> folderScenarios = ScenarioRun.readAll(folder.scenarioFiles());
            List<RealMemory> folderReal = RealMemory.readAll(folder.realMemoryFiles());
            List<ExposureRun> folderExposures = ExposureRun.readAll(folder.exposureFiles());
            if (part.entryCount() == 0 && folderSeries.isEmpty() && folderChecks.isEmpty() && folderScenarios.isEmpty()
                    && folderReal.isEmpty() && folderExposures.isEmpty()) {
                throw new BadInputException(dir + ": contains no runs (its jmh/*.json files "
                        + folder.jmhFiles().stream().map(p -> p.getFileName().toString()).toList()
                        + " hold no benchmark entries; expected " + ResultsFolder.RUNS + ")");
            }
            folders.add(folder);
            parts.add(part);
            series.addAll(folderSeries);
            scenarios.addAll(folderChecks);
            scenarioRuns.addAll(folderScenarios);
            realMemory.addAll(folderReal);
            exposures.addAll(folderExposures);
            if (folder.cReferenceFile() != null) cReferences.add(CReference.read(folder.cReferenceFile()));
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
        return new Results(List.copyOf(folders), results.longTable(), results.runsTable(), List.copyOf(series),
                List.copyOf(scenarios), List.copyOf(scenarioRuns), List.copyOf(cReferences), List.copyOf(realMemory),
                List.copyOf(exposures));
    }
}
