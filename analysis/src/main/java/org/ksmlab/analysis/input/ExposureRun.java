package org.ksmlab.analysis.input;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@code exposure/<mix>__<pages>.json}, as {@code exposure --suite} writes it (the engine's
 * exposure experiment): every merger and defence on one workload mix, with its saving, CPU and
 * COW faults to an equal horizon and what seeded trials of a co-tenant's timing attack learnt.
 * Model results: deterministic, virtual time.
 *
 * @param source   {@code <results folder>/exposure/<file>.json}
 * @param mix      the workload mix
 * @param pages    its total pages
 * @param horizonMs the equal horizon of the saving runs, virtual ms
 * @param trials   attack trials per merger
 * @param waitsMs  the attacker's waits, virtual ms
 * @param probesPerWait held guesses per wait and trial (as many fresh ones)
 * @param mergers  one row per merger, in the file's order
 * @param plainStoreNs the attacker's timing model: a store that takes no fault, ns
 * @param cowCopyNs    and one that copies a merged page, ns
 */
public record ExposureRun(String source, String mix, long pages, long horizonMs, int trials, List<Long> waitsMs,
                          int probesPerWait, List<Merger> mergers, double plainStoreNs, double cowCopyNs) {
    static final String EXPECTED = "the object 'exposure --suite' writes: {\"ksmlab-exposure\": 1, \"mix\", \"pages\","
            + " \"horizon_ms\", \"plan\": {\"waits_ms\", \"probes_per_wait\", \"trials\"}, \"mergers\": [{\"label\", \"algo\","
            + " \"saved_pages\", \"cpu_ns\", \"cow_faults\", \"cross_domain_merges\", \"attack\": {\"store\": [...], \"madvise\","
            + " \"summary\"}}]}";

    /** The attacker's decisions: true and false positives and negatives. */
    public record Counts(long tp, long fn, long fp, long tn) {
        public long positives() { return tp + fn; }
        public long negatives() { return fp + tn; }
    }

    /** The store channel after one wait. */
    public record Wait(long waitMs, Counts counts) {}

    /**
     * One merger's row.
     *
     * @param label        the merger and any knobs set on it ("ksm smart_scan=0")
     * @param savedPages   pages saved at the horizon
     * @param cpuNs        the merger's modelled CPU over the horizon
     * @param cowFaults    every COW fault of the saving run
     * @param cowAfterMerge COW faults on merged pages
     * @param crossDomainMerges merged pages shared across security domains at the horizon (see the engine)
     * @param channel      the channel that exposes the most ("store" or "madvise")
     * @param summary      that channel's decisions (the store channel's at the longest wait)
     * @param reliableAfterMs time to reliable detection on it, virtual ms, or null (never)
     * @param bitsPerHour  bits per hour per probe page on it
     * @param store        the store channel, per wait
     */
    public record Merger(String label, String algo, long savedPages, long cpuNs, long cowFaults, long cowAfterMerge,
                         long crossDomainMerges, String channel, Counts summary, Double reliableAfterMs, double bitsPerHour,
                         List<Wait> store) {}

    public static ExposureRun read(Path file) throws BadInputException {
        JsonNode root = Json.read(file, EXPECTED);
        if (!root.isObject() || root.path("ksmlab-exposure").asInt(-1) != 1) {
            throw new BadInputException(file + ": expected " + EXPECTED + ", found "
                    + (root.isObject() ? "no \"ksmlab-exposure\": 1" : Json.kind(root)));
        }
        JsonNode plan = root.path("plan");
        if (!root.path("mix").isTextual() || !root.path("pages").isIntegralNumber() || !root.path("horizon_ms").isIntegralNumber()
                || !plan.path("waits_ms").isArray() || !plan.path("trials").isInt() || !plan.path("probes_per_wait").isInt()
                || !root.path("mergers").isArray()) {
            throw new BadInputException(file + ": lacks \"mix\", \"pages\", \"horizon_ms\", \"plan\" or \"mergers\"; expected " + EXPECTED);
        }
        List<Long> waits = new ArrayList<>();
        plan.path("waits_ms").forEach(w -> waits.add(w.asLong()));
        List<Merger> mergers = new ArrayList<>();
        JsonNode list = root.path("mergers");
        for (int i = 0; i < list.size(); i++) {
            mergers.add(merger(list.get(i), file, i));
        }
        if (mergers.isEmpty()) {
            throw new BadInputException(file + ": \"mergers\" is empty; expected " + EXPECTED);
        }
        JsonNode latency = root.path("fault_latency");
        if (!latency.path("plain_store_ns").isNumber() || !latency.path("cow_copy_ns").isNumber()) {
            throw new BadInputException(file + ": lacks \"fault_latency\" with \"plain_store_ns\" and \"cow_copy_ns\"; expected " + EXPECTED);
        }
        return new ExposureRun(SimulationSeries.sourceName(file), root.path("mix").asText(), root.path("pages").asLong(),
                root.path("horizon_ms").asLong(), plan.path("trials").asInt(), List.copyOf(waits), plan.path("probes_per_wait").asInt(),
                List.copyOf(mergers), latency.path("plain_store_ns").asDouble(), latency.path("cow_copy_ns").asDouble());
    }

    private static Merger merger(JsonNode m, Path file, int i) throws BadInputException {
        JsonNode attack = m.path("attack");
        JsonNode summary = attack.path("summary");
        String where = file + ": merger " + i;
        for (String k : List.of("saved_pages", "cpu_ns", "cow_faults", "cow_after_merge", "cross_domain_merges")) {
            if (!m.path(k).isIntegralNumber()) {
                throw new BadInputException(where + " lacks the integer \"" + k + "\"; expected " + EXPECTED);
            }
        }
        if (!m.path("label").isTextual() || !m.path("algo").isTextual() || !summary.path("channel").isTextual()
                || !attack.path("store").isArray() || !summary.path("bits_per_hour_per_page").isNumber()) {
            throw new BadInputException(where + " lacks \"label\", \"algo\" or \"attack\" with \"store\" and \"summary\"; expected " + EXPECTED);
        }
        List<Wait> store = new ArrayList<>();
        for (JsonNode w : attack.path("store")) {
            store.add(new Wait(w.path("wait_ms").asLong(), counts(w, where)));
        }
        JsonNode reliable = summary.path("reliable_after_ms");
        return new Merger(m.path("label").asText(), m.path("algo").asText(), m.path("saved_pages").asLong(), m.path("cpu_ns").asLong(),
                m.path("cow_faults").asLong(), m.path("cow_after_merge").asLong(), m.path("cross_domain_merges").asLong(),
                summary.path("channel").asText(), counts(summary, where), reliable.isNumber() ? reliable.asDouble() : null,
                summary.path("bits_per_hour_per_page").asDouble(), List.copyOf(store));
    }

    private static Counts counts(JsonNode n, String where) throws BadInputException {
        for (String k : List.of("tp", "fn", "fp", "tn")) {
            if (!n.path(k).isIntegralNumber() || n.path(k).asLong() < 0) {
                throw new BadInputException(where + ": decision count \"" + k + "\" missing or negative; expected " + EXPECTED);
            }
        }
        return new Counts(n.path("tp").asLong(), n.path("fn").asLong(), n.path("fp").asLong(), n.path("tn").asLong());
    }

    public static List<ExposureRun> readAll(List<Path> files) throws BadInputException {
        List<ExposureRun> all = new ArrayList<>();
        for (Path f : files) all.add(read(f));
        return all;
    }
}
