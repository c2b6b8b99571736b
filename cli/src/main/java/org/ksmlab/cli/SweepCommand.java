package org.ksmlab.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.ksmlab.bench.Suites;
import org.ksmlab.bench.macro.MacroPoints;
import org.ksmlab.engine.memory.PageMode;
import org.ksmlab.engine.sim.Convergence;
import org.ksmlab.engine.sim.MemoryBudget;
import org.ksmlab.engine.workload.Workload;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sweep --suite NAME --out DIR [--threads N] [--shard i/n] [--resume]}: the model's answers for every
 * model point of a suite ({@link MacroPoints}: ksm convergence and merger comparison), each run
 * once, all in this JVM over {@code N} threads (default: every core). The runs are seeded and in
 * virtual time, so one run per point is the whole answer and the thread a point ran on changes
 * nothing; JMH is not involved and no wall time is recorded in the results (JMH suites measure
 * the simulator's speed). Points share the machine's memory: each holds its workload's pages
 * ({@link MemoryBudget#bytesNeeded}, by its page mode) for the length of its run, and a point starts only when
 * that much of the memory available at the start is free.
 *
 * <p>Writes one file per suite entry that has model points, {@code DIR/<suite>-NN.json} (NN the
 * entry's 1-based position, as {@code bench} numbers its JMH files), atomically, once every point
 * of the entry is done: {@code {"format": "ksmlab-model-points/1", "suite", "entry", "benchmark",
 * "points": [{"params": {...}, "counters": {...}}]}} with the counters named as the benchmark's
 * JMH secondary metrics ({@code ConvergenceCounters}), points in suite order. The report reads
 * these beside (or instead of) JMH results.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = {"Run a suite's model points (ksm convergence, merger comparison) once each, in this JVM over",
                "all cores, and write their model counters (virtual time, deterministic) to DIR/<suite>-NN.json",
                "for the report. No wall time is measured: JMH suites (bench) measure the simulator's speed."})
final class SweepCommand implements Callable<Integer> {
    static final String FORMAT = "ksmlab-model-points/1";

    @Spec
    CommandSpec spec;

    @Option(names = "--suite", required = true, paramLabel = "NAME", description = "a suite from 'list'")
    String suite;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "folder for the model point files")
    Path out;

    @Option(names = "--threads", paramLabel = "N", description = "points run at the same time (default: the number of cores, ${DEFAULT-VALUE})")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--shard", paramLabel = "i/n", description = "run only the model points of the i-th of n deterministic shares of the suite's sweep points (as bench --shard)")
    String shard;

    @Option(names = "--resume", description = "keep the entry files already in --out and run only the other entries")
    boolean resume;

    /** One point to run, with its place in the suite. */
    private record Job(int index, Suites.Point point) {}

    @Override
    public Integer call() throws Exception {
        if (threads < 1) {
            throw new IllegalArgumentException("--threads " + threads + ": expected a number of threads >= 1");
        }
        Suites.Suite s = Suites.get(suite);
        PrintWriter log = spec.commandLine().getOut();
        Map<Integer, List<Job>> byEntry = new TreeMap<>();
        List<Suites.Point> points = Suites.points(s, shard == null ? Suites.Shard.ALL : Suites.Shard.parse(shard));
        int kept = 0;
        for (int i = 0; i < points.size(); i++) {
            Suites.Point p = points.get(i);
            if (!MacroPoints.isModelPoint(p)) continue;
            if (resume && Files.isRegularFile(out.resolve(entryFile(s, p.entryIndex())))) {
                kept++;
                continue;
            }
            byEntry.computeIfAbsent(p.entryIndex(), k -> new ArrayList<>()).add(new Job(i, p));
        }
        int total = byEntry.values().stream().mapToInt(List::size).sum();
        if (total == 0 && kept == 0) {
            log.printf("sweep: suite %s has no model points (ksm convergence or merger comparison); nothing written%n", suite);
            log.flush();
            return 0;
        }
        if (resume) log.printf("== resume: %d model points already have results in %s%n", kept, out);
        Files.createDirectories(out);
        long budget = Math.max(1L << 30, (long) (MemoryBudget.availableBytes().orElse(Runtime.getRuntime().maxMemory()) * 0.9));
        MemoryGate memory = MemoryGate.of(budget);
        log.printf("== sweep %s: %d model points on %d threads (memory for points: %,d MiB)%n", s.name(), total, threads, budget >> 20);
        log.flush();
        MacroPoints.Horizons horizons = new MacroPoints.Horizons();
        long start = System.nanoTime();
        AtomicInteger done = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            Map<Integer, List<Future<Map<String, Long>>>> futures = new TreeMap<>();
            for (Map.Entry<Integer, List<Job>> e : byEntry.entrySet()) {
                List<Future<Map<String, Long>>> list = new ArrayList<>();
                for (Job job : e.getValue()) {
                    list.add(pool.submit(() -> {
                        Map<String, Long> counters = runPoint(job.point(), horizons, memory);
                        int k = done.incrementAndGet();
                        long elapsed = System.nanoTime() - start;
                        synchronized (log) {
                            log.printf("== [%d/%d] elapsed %s, ~%s left: %s%n", k, total, Durations.format(elapsed),
                                    Durations.format(elapsed / k * (total - k)), job.point().label());
                            log.flush();
                        }
                        return counters;
                    }));
                }
                futures.put(e.getKey(), list);
            }
            ObjectMapper json = new ObjectMapper();
            for (Map.Entry<Integer, List<Job>> e : byEntry.entrySet()) {
                List<Job> jobs = e.getValue();
                List<Future<Map<String, Long>>> results = futures.get(e.getKey());
                ObjectNode file = json.createObjectNode().put("format", FORMAT).put("suite", s.name()).put("entry", e.getKey() + 1)
                        .put("benchmark", jobs.get(0).point().benchmark());
                ArrayNode list = file.putArray("points");
                for (int j = 0; j < jobs.size(); j++) {
                    Map<String, Long> counters = get(results.get(j), jobs.get(j).point());
                    ObjectNode point = list.addObject();
                    ObjectNode params = point.putObject("params");
                    jobs.get(j).point().params().forEach(params::put);
                    ObjectNode c = point.putObject("counters");
                    counters.forEach(c::put);
                }
                AtomicFiles.write(out.resolve(entryFile(s, e.getKey())), json.writerWithDefaultPrettyPrinter().writeValueAsString(file) + "\n");
            }
        } finally {
            pool.shutdownNow();
        }
        log.printf("== sweep %s done: %d model points in %s%n", s.name(), total, Durations.format(System.nanoTime() - start));
        log.flush();
        return 0;
    }

    /** Runs one point once its workload's memory is free; its model counters. */
    private static Map<String, Long> runPoint(Suites.Point p, MacroPoints.Horizons horizons, MemoryGate memory) throws InterruptedException {
        Workload workload = MacroPoints.workload(p); // a spec: its pages are made when the run starts
        int mib = memory.acquire(workload, MacroPoints.pageMode(p));
        try {
            return MacroPoints.counters(MacroPoints.run(p, workload, horizons));
        } finally {
            memory.release(mib);
        }
    }

    /**
     * The memory the points may hold at once, MiB, handed out first come first served: a point
     * waits until its workload's pages and metadata fit. A point larger than the whole budget
     * waits for all of it and runs alone (the simulation's own {@link MemoryBudget} check refuses
     * it if it cannot fit in the machine at all).
     */
    private record MemoryGate(Semaphore free, int totalMib) {
        static MemoryGate of(long bytes) {
            int mib = (int) Math.min(Integer.MAX_VALUE, Math.max(1, bytes >> 20));
            return new MemoryGate(new Semaphore(mib, true), mib);
        }

        int acquire(Workload w, PageMode mode) throws InterruptedException {
            int mib = (int) Math.min(totalMib, Math.max(1, MemoryBudget.bytesNeeded(w, mode) >> 20));
            free.acquire(mib);
            return mib;
        }

        void release(int mib) {
            free.release(mib);
        }
    }

    private static Map<String, Long> get(Future<Map<String, Long>> f, Suites.Point p) throws Exception {
        try {
            return f.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw new IllegalStateException("sweep point " + p.label() + ": " + r.getMessage(), r);
            }
            throw e;
        }
    }

    static String entryFile(Suites.Suite s, int entryIndex) {
        return String.format("%s-%02d.json", s.name(), entryIndex + 1);
    }
}
