package org.ksmlab.livekernel;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ksmlab.engine.workload.DupLayout;

/**
 * How fast this machine runs ksmd right now, measured so the model's CPU follows it (the
 * {@code kernel.ksmd_cpu_cost_permille} knob of the model).
 *
 * <p>Why: on the development machine (a 2-vCPU VM whose cores and caches the host shares with
 * other guests) the same kernel pass cost ksmd 0.6 to 1.4 times what the calibration says within
 * one afternoon: more on an idle guest, less while another of its processes kept a vCPU busy,
 * and within one kernel-check run the level mostly held to about ±10 % from workload to workload
 * (one run's probes ranged from 12.3 to 19.8 ms; README, kernel-check). The cost model prices work; how fast the machine does that work at the
 * time is an input, like ksmd's share of a CPU, not something a model of the kernel knows.
 *
 * <p>How: a reference workload ({@link Reference}: 64 contents, a pass of 4 batches, smart scan
 * off) runs {@link #PASSES} full scans on the kernel just before and just after each compared
 * workload, and ksmd's CPU over them (schedstat) is set against the model's CPU for the same
 * passes with the shipped costs ({@link #price}). There are four references, {@link #SMALL} (4,096
 * pages) and {@link #LARGE} (65,536 pages), with ksmd sleeping between batches or
 * ({@link #SMALL_NO_SLEEP}, {@link #LARGE_NO_SLEEP}) not, and each workload is probed with the one
 * like it ({@link #referenceFor}): how much the machine's state slows ksmd depends on whether the
 * working set fits the caches and on whether each batch starts after a sleep. One probe scatters by about ±5 % (two around a workload disagreed
 * by up to 9 % where the workloads between them held to ±2 %), so the model runs each workload at
 * the median of the probes around it and around the {@link #WINDOW} workloads on either side
 * probed with the same reference ({@link #window}): the machine's speed at the time, per mille of
 * the calibration's. A reference is none of the compared workloads (the large one has 64 contents
 * where the grid has 16, and it scans in 4 batches a pass), so no workload's own CPU sets its
 * factor; the probes' range is printed, and a stretch whose probes spread by more than
 * {@link #SPREAD_WARNING} (the machine changed speed in that stretch) says so. A 16,384-page
 * reference (256 contents) for every workload was tried before: its mix of phases priced it about
 * 10 % off the grid's relative to the kernel, so the grid's CPU came out up to 1.32 times the
 * kernel's.
 */
public final class KsmdSpeed {
    /** Full scans of a reference: the checksum pass, the merging pass and two steady ones. */
    static final int PASSES = 4;

    /**
     * A workload the probes run on the kernel and price on the model (every knob not named at the
     * kernel's default; each pass 4 batches, smart scan off, so all four passes scan every page).
     */
    public record Reference(String name, Scenario scenario) {
        /** Pages over all its processes. */
        public long pages() {
            return DupLayout.of(scenario.modelSpec()).totalPages();
        }
    }

    /** 4,096 pages of 64 contents (16 MiB: it stays in the caches between batches); about 14 ms of ksmd CPU. */
    static final Reference SMALL = new Reference("small", new Scenario("ksmd speed reference", "dup:pages=4096,distinct=64",
            Map.of("pages_to_scan", "1024", "smart_scan", "0", "sleep_millisecs", "20")));
    /** 65,536 pages of 64 contents (256 MiB: every pass streams from memory); about 0.2 s of ksmd CPU. */
    static final Reference LARGE = new Reference("large", new Scenario("ksmd speed reference, large", "dup:pages=65536,distinct=64",
            Map.of("pages_to_scan", "16384", "smart_scan", "0", "sleep_millisecs", "20")));
    /** The small reference with ksmd not sleeping between batches (sleep_millisecs=0), for workloads that do not. */
    static final Reference SMALL_NO_SLEEP = new Reference("small, no sleep", new Scenario("ksmd speed reference, no sleep",
            "dup:pages=4096,distinct=64", Map.of("pages_to_scan", "1024", "smart_scan", "0", "sleep_millisecs", "0")));
    /** The large reference with ksmd not sleeping between batches (sleep_millisecs=0), for workloads that do not. */
    static final Reference LARGE_NO_SLEEP = new Reference("large, no sleep", new Scenario("ksmd speed reference, large, no sleep",
            "dup:pages=65536,distinct=64", Map.of("pages_to_scan", "16384", "smart_scan", "0", "sleep_millisecs", "0")));
    /** The references for workloads whose ksmd sleeps between batches, smallest first. */
    static final java.util.List<Reference> SLEEPING = java.util.List.of(SMALL, LARGE);
    /** The references for workloads with sleep_millisecs=0, smallest first. */
    static final java.util.List<Reference> NOT_SLEEPING = java.util.List.of(SMALL_NO_SLEEP, LARGE_NO_SLEEP);
    /** Every reference. */
    static final java.util.List<Reference> REFERENCES = java.util.List.of(SMALL, LARGE, SMALL_NO_SLEEP, LARGE_NO_SLEEP);
    /** A reference's runs stop after {@link #PASSES} full scans (60 s at most). */
    static final KernelRunner.Limits LIMITS = new KernelRunner.Limits(PASSES, 60_000, PASSES);

    /**
     * The reference like {@code sc}: whose ksmd sleeps between batches when {@code sc}'s does
     * (sleep_millisecs above 0) and does not when it does not, and whose size is nearest
     * {@code sc}'s (on a log scale: 16,384 pages and more take the large one). Why by size: a pass
     * over a working set that fits the caches slows down when another guest's or process's data
     * evicts it, while one that streams 256 MiB from memory costs about the same either way;
     * measured over six kernel-check runs (docs/kernel-probes/issue14/speed-run-1..6) the
     * 4,000-page workloads' ksmd CPU moved with the small probe (0.9 to 1.3 times) while the
     * 65,536-page grid's held to ±8 % (176 to 205 ms at sleep_millisecs=0), so a small probe set
     * the grid's model up to 1.2 times off. Why by sleep: on an idle guest a batch after a sleep
     * starts with its memory cold, which a batch run straight after the last does not: the large
     * probe with sleeps cost ksmd 215 to 375 ms there while the sleep-0 grid's passes cost 223 to
     * 273 ms, so the grid's model came out 1.15 to 1.22 times the kernel's
     * (docs/kernel-probes/issue14/idle-final-run-1).
     */
    public static Reference referenceFor(Scenario sc) {
        long pages = DupLayout.of(sc.modelSpec()).totalPages();
        java.util.List<Reference> refs = "0".equals(sc.kernelKnobs().get("sleep_millisecs")) ? NOT_SLEEPING : SLEEPING;
        Reference best = refs.get(0);
        for (int i = 1; i < refs.size(); i++) { // past the geometric mean of two neighbours, the larger one
            Reference below = refs.get(i - 1), r = refs.get(i);
            if ((double) pages * pages >= (double) below.pages() * r.pages()) best = r;
        }
        return best;
    }

    /** Workloads on either side of one whose probes join its own in its speed. */
    static final int WINDOW = 2;

    /**
     * Each workload's speed: the median of the probes around it and around the {@code window}
     * workloads on either side that were probed with the same reference (up to 10 probes for 2),
     * so a speed that drifts over minutes is followed and one probe's scatter is damped. Null for
     * a workload when no probe ran around it.
     */
    static java.util.List<Speed> window(java.util.List<java.util.List<Speed>> probesPerWorkload, int window) {
        java.util.List<Speed> out = new java.util.ArrayList<>();
        int n = probesPerWorkload.size();
        for (int i = 0; i < n; i++) {
            if (probesPerWorkload.get(i).isEmpty()) {
                out.add(null);
                continue;
            }
            Reference own = probesPerWorkload.get(i).get(0).reference();
            java.util.List<Speed> near = new java.util.ArrayList<>();
            for (int j = Math.max(0, i - window); j <= Math.min(n - 1, i + window); j++) {
                for (Speed s : probesPerWorkload.get(j)) {
                    if (s.reference().equals(own)) near.add(s);
                }
            }
            out.add(Speed.combine(near));
        }
        return out;
    }

    /** The probes' largest over smallest beyond which a run is said to have changed speed. */
    static final double SPREAD_WARNING = 1.25;

    /**
     * ksmd's CPU over a reference's {@link #PASSES} full scans, each probe's on the kernel and the
     * model's with the shipped costs; {@code modelWakeups}: ksmd's wake-ups in the model over those
     * scans (0 when not known: {@link #factorWithWakeup} then falls back to the plain ratio).
     */
    public record Speed(Reference reference, java.util.List<Long> probeNanos, long modelCpuNanos, long modelWakeups) {
        public Speed(Reference reference, java.util.List<Long> probeNanos, long modelCpuNanos) {
            this(reference, probeNanos, modelCpuNanos, 0);
        }

        public Speed {
            probeNanos = java.util.List.copyOf(probeNanos);
            if (probeNanos.isEmpty()) {
                throw new IllegalArgumentException("a speed needs at least one probe");
            }
        }

        /** The median of the probes (the mean of the middle two for an even count). */
        public double medianNanos() {
            java.util.List<Long> s = probeNanos.stream().sorted().toList();
            int n = s.size();
            return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2.0;
        }

        /** The kernel's median probe over the model's, per mille (at least 1). */
        public int permille() {
            return (int) Math.max(1, Math.round(1000.0 * medianNanos() / modelCpuNanos));
        }

        /**
         * The speed factor when the reference is priced with the wake-up cost the workload's model
         * gets: that cost is the pacing probe's CPU per one-page batch ({@code batchCpuNanos}) at the
         * machine's speed, less the model's price of the page ({@code pageNanos}), w = b / f - p, while
         * the reference's price with the shipped wake-up cost {@code shippedWakeupNanos} is its
         * {@code modelCpuNanos}. Solving f = median / (modelCpu + wakeups * (w - shipped)) for f:
         * f = (median - wakeups * b) / (modelCpu - wakeups * (shipped + p)). Without wake-ups known,
         * or when either side comes out non-positive, the plain ratio median / modelCpu.
         */
        public double factorWithWakeup(double batchCpuNanos, double pageNanos, double shippedWakeupNanos) {
            double num = medianNanos() - modelWakeups * batchCpuNanos;
            double den = modelCpuNanos - modelWakeups * (shippedWakeupNanos + pageNanos);
            return modelWakeups > 0 && num > 0 && den > 0 ? num / den : medianNanos() / modelCpuNanos;
        }

        /** The largest probe over the smallest. */
        public double spread() {
            return probeNanos.stream().mapToLong(Long::longValue).max().orElseThrow()
                    / (double) probeNanos.stream().mapToLong(Long::longValue).min().orElseThrow();
        }

        public String describe() {
            return String.format("ksmd's CPU over %d full scans of the %s reference (%s, %s): kernel median %.2f ms of %d probes"
                    + " (%.2f .. %.2f), model %.2f ms: %d per mille%s", PASSES, reference.name(), reference.scenario().workload(),
                    reference.scenario().knobs(),
                    medianNanos() / 1e6, probeNanos.size(), probeNanos.stream().mapToLong(Long::longValue).min().orElseThrow() / 1e6,
                    probeNanos.stream().mapToLong(Long::longValue).max().orElseThrow() / 1e6, modelCpuNanos / 1e6, permille(),
                    spread() > SPREAD_WARNING ? String.format("; the probes spread by %.2f times: the machine changed speed", spread()) : "");
        }

        /** Several probes as one. */
        public static Speed combine(java.util.List<Speed> speeds) {
            java.util.List<Long> all = new java.util.ArrayList<>();
            for (Speed s : speeds) {
                if (!s.reference.equals(speeds.get(0).reference) || s.modelCpuNanos != speeds.get(0).modelCpuNanos
                        || s.modelWakeups != speeds.get(0).modelWakeups) {
                    throw new IllegalArgumentException("probes of different references or model prices: " + speeds);
                }
                all.addAll(s.probeNanos);
            }
            return new Speed(speeds.get(0).reference, all, speeds.get(0).modelCpuNanos, speeds.get(0).modelWakeups);
        }

        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("reference", reference.name());
            m.put("reference_workload", reference.scenario().workload());
            m.put("kernel_cpu_ns_median", Math.round(medianNanos()));
            m.put("kernel_cpu_ns_probes", probeNanos);
            m.put("model_cpu_ns", modelCpuNanos);
            m.put("permille", permille());
            return m;
        }
    }

    private KsmdSpeed() {
    }

    /** The model's price of a reference: ksmd's CPU and the work counts over its {@link #PASSES} full scans. */
    public record Price(long cpuNanos, Map<String, Long> work) {
    }

    /**
     * The model's price of {@code r} with the shipped costs (the machine at 1000 per mille).
     * Deterministic: kernel-check computes it once per reference.
     */
    @SuppressWarnings("unchecked")
    public static Price price(Reference r) {
        SideResult m = ModelRunner.run(r.scenario());
        int i = m.indexOfPass(PASSES);
        if (i < 0 || !(m.extra().get("work") instanceof java.util.List<?> w)) {
            throw new IllegalStateException("ksmd speed reference " + r.name() + ": the model has no work counts at full scan " + PASSES);
        }
        return new Price(cpuAtPass(m, "model"), ((java.util.List<Map<String, Long>>) w).get(i));
    }

    /**
     * One probe on the kernel: {@code r}'s full scans under {@code runner} (which must use
     * {@link #LIMITS}), against the model's price of them ({@code model}: {@link #price}); ksmd
     * must be found (its CPU is what is measured).
     */
    public static Speed probe(KernelRunner runner, Reference r, Price model) throws IOException, InterruptedException {
        SideResult k = runner.run(r.scenario());
        return new Speed(r, java.util.List.of(cpuAtPass(k, "kernel")), model.cpuNanos(), model.work().getOrDefault("wakeups", 0L));
    }

    /** ksmd's CPU at the end of full scan {@link #PASSES}; an error when the side did not get there. */
    static long cpuAtPass(SideResult side, String which) {
        Map<String, Long> at = side.available() ? side.atPass(PASSES) : null;
        Long cpu = at == null ? null : at.get("ksmd_cpu_ns");
        if (cpu == null || cpu <= 0) {
            throw new IllegalStateException("ksmd speed reference: the " + which + " side has no ksmd CPU at full scan " + PASSES
                    + (side.available() ? "" : " (" + side.unavailable() + ")"));
        }
        return cpu;
    }
}
