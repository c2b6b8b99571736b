package org.ksmlab.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ksmlab.datasets.memory.DatasetSource;
import org.ksmlab.datasets.memory.DatasetSummary;
import org.ksmlab.datasets.memory.ShippedDatasets;
import org.ksmlab.engine.sim.AlgorithmDefinition;
import org.ksmlab.engine.sim.Algorithms;
import org.ksmlab.engine.sim.Convergence;
import org.ksmlab.engine.sim.Horizon;
import org.ksmlab.engine.sim.SimulationResult;
import org.ksmlab.engine.workload.Workloads;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code real-memory}: per memory dataset, what the report's "real memory" section reads
 * ({@code DIR/<dataset>.json}): the content histogram and ideal saving ({@link DatasetSummary}),
 * every merger on the {@code dataset} workload for one equal virtual horizon ({@link Horizon}),
 * and the dataset's {@code capture-check.json} (kernel against model) when it has one.
 */
@Command(name = "real-memory", mixinStandardHelpOptions = true,
        description = {"Summarise memory datasets for the report: content histogram, ideal saving, and every merger's saving over",
                "virtual time and modelled CPU on an equal horizon; plus the live kernel against the model where the dataset carries",
                "a capture-check. Writes DIR/<dataset>.json per dataset (default: every shipped dataset)."})
final class RealMemoryCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "the folder to write <dataset>.json into")
    Path out;

    @Option(names = "--resume", description = "skip datasets whose <dataset>.json exists in DIR already")
    boolean resume;

    @Parameters(paramLabel = "DATASET", description = "dataset folders or shipped names (default: every shipped dataset)")
    List<String> datasets = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        List<String> names = datasets.isEmpty() ? ShippedDatasets.names() : datasets;
        if (names.isEmpty()) throw new IllegalArgumentException("no datasets given, and none is shipped");
        List<DatasetSource> sources = new ArrayList<>();
        for (String n : names) sources.add(ShippedDatasets.resolve(n)); // every one found before any runs
        for (int i = 0; i < sources.size(); i++) {
            long t0 = System.nanoTime();
            String file = sources.get(i).name() + ".json";
            if (resume && java.nio.file.Files.isRegularFile(out.resolve(file))) continue;
            Map<String, Object> j = summary(names.get(i), sources.get(i));
            AtomicFiles.write(out.resolve(file), new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(j) + "\n");
            err.printf("real-memory: %s -> %s (%.1f s)%n", names.get(i), out.resolve(file), (System.nanoTime() - t0) / 1e9);
            err.flush();
        }
        return 0;
    }

    static Map<String, Object> summary(String pathOrName, DatasetSource src) throws java.io.IOException {
        DatasetSummary s = DatasetSummary.of(src);
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("dataset", src.name());
        j.put("processes", s.processes());
        j.put("anon_pages", s.anonPages());
        j.put("zero_filled_pages", s.zeroFilledPages());
        j.put("mergeable_pages", s.mergeablePages());
        j.put("distinct_contents", s.distinctContents());
        List<Map<String, Object>> hist = new ArrayList<>();
        for (DatasetSummary.Bucket b : s.buckets()) hist.add(Map.of("copies", b.copies(), "contents", b.contents(), "pages", b.pages()));
        j.put("histogram", hist);
        j.put("ideal_saving_pages", s.idealSavingPages());
        String spec = "dataset:path=" + pathOrName;
        List<String> algos = Algorithms.all().stream().map(AlgorithmDefinition::name).toList();
        long horizon = Horizon.ms(() -> Workloads.create(spec), algos);
        j.put("horizon_ms", horizon);
        List<Map<String, Object>> mergers = new ArrayList<>();
        for (String algo : algos) {
            SimulationResult r = Horizon.run(Workloads.create(spec), algo, horizon);
            Convergence c = Convergence.of(r);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("algo", algo);
            m.put("saved_pages", c.savedPages());
            m.put("ms_to_90", c.virtualMsTo90());
            m.put("cpu_ns", c.cpuNs());
            m.put("cow_faults", c.cowAfterMerge());
            List<long[]> series = new ArrayList<>();
            for (Map<String, Long> sample : r.series()) series.add(new long[] {sample.get("virtual_ms"), Convergence.savedPages(sample)});
            m.put("series", series);
            mergers.add(m);
        }
        j.put("mergers", mergers);
        j.put("capture_check", captureCheck(src));
        return j;
    }

    /** The dataset's capture-check.json reduced to the converged counters of both sides, or null. */
    static Map<String, Object> captureCheck(DatasetSource src) throws java.io.IOException {
        if (!src.has("capture-check.json")) return null;
        JsonNode c;
        try (InputStream in = src.open("capture-check.json")) {
            c = new ObjectMapper().readTree(in);
        }
        JsonNode sc = c.path("scenarios").path(0);
        if (!sc.path("kernel").path("final").isObject() || !sc.path("model").path("final").isObject()) return null;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("knobs", sc.path("knobs").toString());
        for (String side : List.of("kernel", "model")) {
            Map<String, Object> f = new LinkedHashMap<>();
            for (String k : List.of("pages_shared", "pages_sharing", "ksm_zero_pages", "converged_full_scans")) {
                f.put(k, sc.path(side).path("final").path(k).asLong());
            }
            m.put(side, f);
        }
        return m;
    }
}
