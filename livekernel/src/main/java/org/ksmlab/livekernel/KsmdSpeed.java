package org.ksmlab.livekernel;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

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
 * <p>How: a {@link #REFERENCE} workload (4,096 pages of 64 contents, a pass of 4 batches, smart
 * scan off; about 14 ms of ksmd CPU) runs {@link #PASSES} full scans on the kernel just before and
 * just after each compared workload, and ksmd's CPU over them (schedstat) is set against the
 * model's CPU for the same passes with the shipped costs ({@link #modelReference}). One probe
 * scatters by about ±5 % (two around a workload disagreed by up to 9 % where the workloads between
 * them held to ±2 %), so the model runs each workload at the median of the probes around it and
 * around the {@link #WINDOW} workloads on either side ({@link #window}): the machine's speed at
 * the time, per mille of the calibration's. The
 * reference is none of the compared workloads, so no workload's own CPU sets the factor; the
 * probes' range is printed, and a stretch whose probes spread by more than {@link #SPREAD_WARNING}
 * (the machine changed speed in that stretch) says so. A larger reference (16,384 pages of 256
 * contents) was tried: less scatter, but its mix of phases priced it about 10 % off the grid's
 * relative to the kernel, so the grid's CPU came out up to 1.32 times the kernel's.
 */
public final class KsmdSpeed {
    /** Full scans of the reference: the checksum pass, the merging pass and two steady ones. */
    static final int PASSES = 4;
    /** The reference workload and its knobs (every other knob at the kernel's default). */
    static final Scenario REFERENCE = new Scenario("ksmd speed reference", "dup:pages=4096,distinct=64",
            Map.of("pages_to_scan", "1024", "smart_scan", "0", "sleep_millisecs", "20"));
    /** The reference's runs stop after {@link #PASSES} full scans. */
    static final KernelRunner.Limits LIMITS = new KernelRunner.Limits(PASSES, 60_000, PASSES);

    /** Workloads on either side of one whose probes join its own in its speed. */
    static final int WINDOW = 2;

    /**
     * Each workload's speed: the median of the probes around it and around the {@code window}
     * workloads on either side (up to 10 probes for 2), so a speed that drifts over minutes is
     * followed and one probe's scatter is damped. Null for a workload when no probe ran.
     */
    static java.util.List<Speed> window(java.util.List<java.util.List<Speed>> probesPerWorkload, int window) {
        java.util.List<Speed> out = new java.util.ArrayList<>();
        int n = probesPerWorkload.size();
        for (int i = 0; i < n; i++) {
            java.util.List<Speed> near = new java.util.ArrayList<>();
            for (int j = Math.max(0, i - window); j <= Math.min(n - 1, i + window); j++) {
                near.addAll(probesPerWorkload.get(j));
            }
            out.add(near.isEmpty() ? null : Speed.combine(near));
        }
        return out;
    }

    /** The probes' largest over smallest beyond which a run is said to have changed speed. */
    static final double SPREAD_WARNING = 1.25;

    /** ksmd's CPU over the reference's {@link #PASSES} full scans, each probe's on the kernel and the model's. */
    public record Speed(java.util.List<Long> probeNanos, long modelCpuNanos) {
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

        /** The largest probe over the smallest. */
        public double spread() {
            return probeNanos.stream().mapToLong(Long::longValue).max().orElseThrow()
                    / (double) probeNanos.stream().mapToLong(Long::longValue).min().orElseThrow();
        }

        public String describe() {
            return String.format("ksmd's CPU over %d full scans of the reference (%s, %s): kernel median %.2f ms of %d probes"
                    + " (%.2f .. %.2f), model %.2f ms: %d per mille%s", PASSES, REFERENCE.workload(), REFERENCE.knobs(),
                    medianNanos() / 1e6, probeNanos.size(), probeNanos.stream().mapToLong(Long::longValue).min().orElseThrow() / 1e6,
                    probeNanos.stream().mapToLong(Long::longValue).max().orElseThrow() / 1e6, modelCpuNanos / 1e6, permille(),
                    spread() > SPREAD_WARNING ? String.format("; the probes spread by %.2f times: the machine changed speed", spread()) : "");
        }

        /** Several probes as one. */
        public static Speed combine(java.util.List<Speed> speeds) {
            java.util.List<Long> all = new java.util.ArrayList<>();
            for (Speed s : speeds) {
                if (s.modelCpuNanos != speeds.get(0).modelCpuNanos) {
                    throw new IllegalArgumentException("references with different model CPU: " + speeds);
                }
                all.addAll(s.probeNanos);
            }
            return new Speed(all, speeds.get(0).modelCpuNanos);
        }

        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kernel_cpu_ns_median", Math.round(medianNanos()));
            m.put("kernel_cpu_ns_probes", probeNanos);
            m.put("model_cpu_ns", modelCpuNanos);
            m.put("permille", permille());
            return m;
        }
    }

    private KsmdSpeed() {
    }

    /**
     * The model's ksmd CPU over the reference's passes with the shipped costs (the machine at
     * 1000 per mille). Deterministic: kernel-check computes it once.
     */
    public static long modelReference() {
        SideResult m = ModelRunner.run(REFERENCE);
        return cpuAtPass(m, "model");
    }

    /** The model's work counts over the reference's full scans ({@link Calibration#fit(java.util.List, org.ksmlab.engine.cost.CostModel, Map)} prices them). */
    @SuppressWarnings("unchecked")
    public static Map<String, Long> modelReferenceWork() {
        SideResult m = ModelRunner.run(REFERENCE);
        int i = m.indexOfPass(PASSES);
        if (i < 0 || !(m.extra().get("work") instanceof java.util.List<?> w)) {
            throw new IllegalStateException("ksmd speed reference: the model has no work counts at full scan " + PASSES);
        }
        return ((java.util.List<Map<String, Long>>) w).get(i);
    }

    /**
     * One probe on the kernel: the reference's full scans under {@code runner} (which must use
     * {@link #LIMITS}); ksmd must be found (its CPU is what is measured).
     */
    public static Speed probe(KernelRunner runner, long modelCpuNanos) throws IOException, InterruptedException {
        SideResult k = runner.run(REFERENCE);
        return new Speed(java.util.List.of(cpuAtPass(k, "kernel")), modelCpuNanos);
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
