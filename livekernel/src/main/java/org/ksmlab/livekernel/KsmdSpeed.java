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
 * and within one kernel-check run the level held to about ±10 % from workload to workload
 * (README, kernel-check). The cost model prices work; how fast the machine does that work at the
 * time is an input, like ksmd's share of a CPU, not something a model of the kernel knows.
 *
 * <p>How: a {@link #REFERENCE} workload (4,096 pages of 64 contents, a pass of 4 batches, smart
 * scan off) runs {@link #PASSES} full scans on the kernel, just before and just after each
 * compared workload, and ksmd's CPU over them (schedstat) is set against the model's CPU for the
 * same passes of the same workload with the shipped costs ({@link #modelReference}). Their ratio,
 * per mille, is the speed the model runs the compared workload at. The reference is none of the
 * compared workloads, so a workload's own CPU never sets its factor.
 */
public final class KsmdSpeed {
    /** Full scans of the reference: the checksum pass, the merging pass and two steady ones. */
    static final int PASSES = 4;
    /** The reference workload and its knobs (every other knob at the kernel's default). */
    static final Scenario REFERENCE = new Scenario("ksmd speed reference", "dup:pages=4096,distinct=64",
            Map.of("pages_to_scan", "1024", "smart_scan", "0", "sleep_millisecs", "20"));
    /** The reference's runs stop after {@link #PASSES} full scans. */
    static final KernelRunner.Limits LIMITS = new KernelRunner.Limits(PASSES, 60_000, PASSES);

    /** ksmd's CPU over the reference's {@link #PASSES} full scans: the kernel's (probes summed) and the model's per probe. */
    public record Speed(long kernelCpuNanos, int probes, long modelCpuNanos) {
        /** The kernel's CPU per probe over the model's, per mille (at least 1). */
        public int permille() {
            return (int) Math.max(1, Math.round(1000.0 * kernelCpuNanos / probes / modelCpuNanos));
        }

        public String describe() {
            return String.format("ksmd's CPU over %d full scans of the reference (%s, %s): kernel %.2f ms (mean of %d probes), model %.2f ms:"
                    + " %d per mille", PASSES, REFERENCE.workload(), REFERENCE.knobs(), kernelCpuNanos / 1e6 / probes, probes,
                    modelCpuNanos / 1e6, permille());
        }

        /** The probes before and after a workload as one. */
        public static Speed combine(Speed a, Speed b) {
            if (a.modelCpuNanos != b.modelCpuNanos) {
                throw new IllegalArgumentException("two references with different model CPU: " + a + ", " + b);
            }
            return new Speed(a.kernelCpuNanos + b.kernelCpuNanos, a.probes + b.probes, a.modelCpuNanos);
        }

        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kernel_cpu_ns_per_probe", kernelCpuNanos / probes);
            m.put("probes", probes);
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
        return new Speed(cpuAtPass(k, "kernel"), 1, modelCpuNanos);
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
