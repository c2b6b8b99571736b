package org.ksmlab.analysis.input;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@code real-memory/<dataset>.json} file, what {@code ./run.sh real-memory} writes for a
 * memory dataset (captured real processes):
 * {@code {"dataset", "processes": [names], "anon_pages", "zero_filled_pages", "mergeable_pages",
 * "distinct_contents", "histogram": [{"copies", "contents", "pages"}], "ideal_saving_pages",
 * "horizon_ms", "mergers": [{"algo", "saved_pages", "cpu_ns", "cow_faults", "series": [[ms, saved]]}],
 * "capture_check": null | {"knobs", "kernel": {...}, "model": {...}}}}.
 *
 * @param histogram pages by how many copies their content has (buckets 1, 2, 3-10, 11-256, >256)
 * @param mergers each merger on the dataset for the same virtual horizon
 * @param check the live kernel against the model on the captured processes, or null
 */
public record RealMemory(String source, String dataset, List<String> processes, long anonPages, long zeroFilledPages, long mergeablePages,
                         long distinctContents, List<Bucket> histogram, long idealSavingPages, long horizonMs, List<Merger> mergers,
                         Check check) {
    static final String EXPECTED = "one 'real-memory' object {\"dataset\", \"anon_pages\", \"histogram\", \"ideal_saving_pages\","
            + " \"mergers\": [{\"algo\", \"saved_pages\", \"cpu_ns\", \"series\"}], \"capture_check\"}";

    /** Pages whose content has {@code copies} copies (a range label), and how many contents that is. */
    public record Bucket(String copies, long contents, long pages) {
    }

    /** A merger's run: pages saved at the horizon, modelled CPU, COW faults, and the saving over virtual time. */
    public record Merger(String algo, long savedPages, long cpuNs, long cowFaults, double[] ms, double[] saved) {
    }

    /** After convergence, kernel and model: pages_shared, pages_sharing, ksm_zero_pages, and the full scan each converged at. */
    public record Check(String knobs, long[] kernel, long[] model) {
        public static final List<String> COUNTERS = List.of("pages_shared", "pages_sharing", "ksm_zero_pages", "converged_full_scans");
    }

    public static RealMemory read(Path file) throws BadInputException {
        JsonNode r = Json.read(file, EXPECTED);
        if (!r.isObject() || !r.path("dataset").isTextual() || !r.path("histogram").isArray() || !r.path("mergers").isArray()) {
            throw new BadInputException(file + ": expected " + EXPECTED + ", found " + (r.isObject() ? "an object without them" : Json.kind(r)));
        }
        List<String> procs = new ArrayList<>();
        r.path("processes").forEach(p -> procs.add(p.asText()));
        List<Bucket> hist = new ArrayList<>();
        for (JsonNode b : r.path("histogram")) {
            hist.add(new Bucket(b.path("copies").asText(), number(file, b, "contents"), number(file, b, "pages")));
        }
        List<Merger> mergers = new ArrayList<>();
        for (JsonNode m : r.path("mergers")) {
            JsonNode s = m.path("series");
            if (!s.isArray() || s.isEmpty()) throw new BadInputException(file + ": merger " + m.path("algo").asText() + " has no \"series\" samples");
            double[] t = new double[s.size()];
            double[] v = new double[s.size()];
            for (int i = 0; i < s.size(); i++) {
                t[i] = s.get(i).path(0).asDouble();
                v[i] = s.get(i).path(1).asDouble();
            }
            mergers.add(new Merger(m.path("algo").asText(), number(file, m, "saved_pages"), number(file, m, "cpu_ns"), m.path("cow_faults").asLong(), t, v));
        }
        Check check = null;
        JsonNode c = r.path("capture_check");
        if (c.isObject()) {
            long[] k = new long[Check.COUNTERS.size()];
            long[] mo = new long[Check.COUNTERS.size()];
            for (int i = 0; i < k.length; i++) {
                k[i] = number(file, c.path("kernel"), Check.COUNTERS.get(i));
                mo[i] = number(file, c.path("model"), Check.COUNTERS.get(i));
            }
            check = new Check(c.path("knobs").asText(""), k, mo);
        }
        return new RealMemory(SimulationSeries.sourceName(file), r.path("dataset").asText(), List.copyOf(procs), number(file, r, "anon_pages"),
                number(file, r, "zero_filled_pages"), number(file, r, "mergeable_pages"), number(file, r, "distinct_contents"), List.copyOf(hist),
                number(file, r, "ideal_saving_pages"), number(file, r, "horizon_ms"), List.copyOf(mergers), check);
    }

    private static long number(Path file, JsonNode n, String key) throws BadInputException {
        if (!n.path(key).isNumber()) throw new BadInputException(file + ": no number '" + key + "'; expected " + EXPECTED);
        return n.path(key).asLong();
    }

    public static List<RealMemory> readAll(List<Path> files) throws BadInputException {
        List<RealMemory> out = new ArrayList<>();
        for (Path f : files) out.add(read(f));
        return out;
    }
}
