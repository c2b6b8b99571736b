package org.ksmlab.analysis.input;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@code series/<mix>__<algo>.json} file: exactly one {@code simulate --json} object
 * {@code {"workload", "algo", "seed", "page_mode", "params", "final", "series": [{"virtual_ms", "nr_anon_pages", ...}]}}.
 * Only what the report uses is kept: the samples' virtual time and anonymous pages, when the
 * workload offered its memory for merging ({@code final.opt_in_ms}) and how long the run was
 * asked to last ({@code params.for_ms}: the comparison's horizon).
 *
 * @param source {@code <results folder>/series/<file>.json}
 * @param mix the workload mix, from the file name (the part before {@code __})
 * @param algo the merger, from the object's {@code algo} (the file name's part after {@code __} if absent)
 * @param workload the workload spec the simulation ran
 * @param virtualMs sample times, virtual milliseconds, in file order
 * @param nrAnonPages anonymous pages mapped at each sample
 * @param optInMs {@code final.opt_in_ms}, or -1 when the run does not report it (older runs, or a
 *     workload that never opted in)
 * @param horizonMs {@code params.for_ms}, or -1 when the run was not run for a fixed time
 */
public record SimulationSeries(String source, String mix, String algo, String workload, double[] virtualMs,
                               double[] nrAnonPages, long optInMs, long horizonMs) {

    static final String EXPECTED = "one 'simulate --json' object {\"workload\", \"algo\", \"seed\", \"params\","
            + " \"final\", \"series\": [{\"virtual_ms\", \"nr_anon_pages\", ...}]}";

    /** Reads and checks one series file. */
    public static SimulationSeries read(Path file) throws BadInputException {
        JsonNode root = Json.read(file, EXPECTED);
        if (!root.isObject()) {
            throw new BadInputException(file + ": expected " + EXPECTED + ", found " + Json.kind(root));
        }
        JsonNode samples = root.path("series");
        if (!samples.isArray()) {
            throw new BadInputException(file + ": no \"series\" array; expected " + EXPECTED);
        }
        if (samples.isEmpty()) {
            throw new BadInputException(file + ": \"series\" holds no samples; expected at least one");
        }
        double[] t = new double[samples.size()];
        double[] anon = new double[samples.size()];
        for (int i = 0; i < samples.size(); i++) {
            JsonNode s = samples.get(i);
            for (String field : List.of("virtual_ms", "nr_anon_pages")) {
                if (!s.path(field).isNumber()) {
                    throw new BadInputException(file + ": sample " + i + " of \"series\" has no number '" + field
                            + "'; expected " + EXPECTED);
                }
            }
            t[i] = s.path("virtual_ms").asDouble();
            anon[i] = s.path("nr_anon_pages").asDouble();
        }
        String name = file.getFileName().toString().replaceFirst("\\.json$", "");
        int split = name.lastIndexOf("__");
        String mix = split < 0 ? name : name.substring(0, split);
        String algo = root.path("algo").isTextual() ? root.path("algo").asText()
                : split < 0 ? "" : name.substring(split + 2);
        long optIn = root.path("final").path("opt_in_ms").isNumber() ? root.path("final").path("opt_in_ms").asLong() : -1;
        long horizon = root.path("params").path("for_ms").isNumber() ? root.path("params").path("for_ms").asLong() : -1;
        return new SimulationSeries(sourceName(file), mix, algo, root.path("workload").asText(""), t, anon, optIn, horizon);
    }

    /** Reads every file, in the given order. */
    public static List<SimulationSeries> readAll(List<Path> files) throws BadInputException {
        List<SimulationSeries> all = new ArrayList<>();
        for (Path f : files) all.add(read(f));
        return all;
    }

    /** {@code <results folder>/series/<file>.json}. */
    static String sourceName(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        Path dir = abs.getParent();
        Path folder = dir == null ? null : dir.getParent();
        return folder == null || folder.getFileName() == null ? abs.getFileName().toString()
                : folder.getFileName() + "/" + dir.getFileName() + "/" + abs.getFileName();
    }

    /** The value of {@code nrAnonPages} at virtual time {@code ms}: the last sample at or before it (a step function). */
    public double anonPagesAt(double ms) {
        double value = nrAnonPages[0];
        for (int i = 0; i < virtualMs.length && virtualMs[i] <= ms; i++) value = nrAnonPages[i];
        return value;
    }
}
