package org.ksmlab.engine.mm;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Kernel behaviours that differ between kernel versions, builds, boot options, proposals and the
 * machine a kernel runs on, each a knob named {@code kernel.NAME} (given with {@code --set} or by
 * a scenario variant). The defaults are what Linux 6.18 does, measured on the development machine
 * (README, what is modelled); {@code kernel-check} detects the running kernel's values and runs
 * the model with them.
 *
 * <p>Behaviour (0 or 1):
 *
 * @param readFaultZeroPage   a read of untouched private anonymous memory maps the shared zero
 *                            page (1, upstream) or allocates a zeroed page (0)
 * @param ksmVmaMergeFix      a merge-any process's new VMA is VM_MERGEABLE before the merge
 *                            attempt, so adjacent mmaps and brk growth merge (1: Linux 6.17+,
 *                            "mm: prevent KSM from breaking VMA merging for new VMAs"); 0: the
 *                            flag is set after it, and each new mapping stays its own VMA
 * @param mremapUnmerge       mremap unmerges a range before moving it (1, upstream
 *                            prep_move_vma); 0 moves KSM pages still merged
 * @param mremapRelocateAnon  the MREMAP_RELOCATE_ANON proposal: moved anonymous memory takes the
 *                            page offset of its new place, so it can merge with an anonymous
 *                            neighbour there (0, upstream: it keeps its old offset and does not)
 * @param processMadviseKsm   process_madvise may give MADV_MERGEABLE / MADV_UNMERGEABLE to
 *                            another process (0, upstream: EINVAL)
 * @param ksmEnabledProcfs    the 2022 /proc/PID/ksm_enabled proposal exists (0, upstream: no
 *                            such file, ENOENT)
 * @param processVmMmap       the 2019 process_vm_mmap proposal exists (0, upstream: ENOSYS)
 * @param hz                  CONFIG_HZ: ticks per second, the unit ksmd's sleeps are counted in
 *                            (jiffies); 250 on the development kernel
 * @param timerLatePermille   of ksmd's timed sleeps, how many per mille end one tick after the
 *                            tick their timer was due (measured on the development machine, a
 *                            2-vCPU VM: the expiring CPU's tick sometimes runs before jiffies
 *                            has advanced, so the timer waits for the next one)
 * @param ksmdCpuSharePermille ksmd's share of a CPU while it runs a batch, per mille: 1000 when
 *                            it is never preempted; a batch takes its CPU time divided by this
 *                            share (kernel-check: /proc/PID/schedstat)
 * @param ksmdWakeLatencyMicros how long ksmd waits on a run queue after its timer woke it,
 *                            before its batch starts (kernel-check: /proc/PID/schedstat)
 * @param ksmdPriorCpuNanos   ksmd's CPU time before the run (task_sched_runtime since it started
 *                            at boot): the scan-time advisor's first pass after advisor_mode is
 *                            switched counts it, since switching zeroes the advisor's baseline
 * @param ksmdCpuCostPermille ksmd's CPU time for the same work, per mille of what the cost model
 *                            says: how fast the machine runs ksmd at the time (a VM's vCPU shares
 *                            its core and caches with other guests; the same pass cost 0.6 to 1.4
 *                            times the calibration on the development machine within an afternoon).
 *                            kernel-check measures it beside each workload with a reference
 *                            workload (livekernel KsmdSpeed); 1000 is the calibration's machine
 * @param ksmdPreemptWaitMicros how long ksmd waits each time it is preempted inside a batch: 0
 *                            spreads the wait its share implies evenly over every batch; more
 *                            makes it whole waits of this length, as a preempted thread waits out
 *                            another's slice (kernel-check: /proc/PID/schedstat)
 */
public record KernelConfig(boolean readFaultZeroPage, boolean ksmVmaMergeFix, boolean mremapUnmerge,
                           boolean mremapRelocateAnon, boolean processMadviseKsm, boolean ksmEnabledProcfs,
                           boolean processVmMmap, int hz, int timerLatePermille, int ksmdCpuSharePermille,
                           long ksmdWakeLatencyMicros, long ksmdPriorCpuNanos, int ksmdCpuCostPermille,
                           long ksmdPreemptWaitMicros) {
    /** The prefix of every kernel knob. */
    public static final String PREFIX = "kernel.";

    /** One knob: its name, the values it accepts, its default and what it means. */
    public record Knob(String name, long min, long max, long defaultValue, String description) {
        /** The accepted values as the error messages and {@code list} say them. */
        public String range() {
            return max == 1 && min == 0 ? "0 or 1" : "an integer " + min + ".." + max;
        }
    }

    /** Every kernel knob, in order; defaults: Linux 6.18 on the development machine. */
    public static final List<Knob> KNOBS = List.of(
            new Knob("kernel.read_fault_zero_page", 0, 1, 1, "1: a read of untouched anonymous memory maps the zero page (upstream); 0: allocates a zeroed page"),
            new Knob("kernel.ksm_vma_merge_fix", 0, 1, 1, "1: a merge-any process's new mappings merge with mergeable neighbours (6.17+); 0: before 6.17, each stays its own VMA"),
            new Knob("kernel.mremap_unmerge", 0, 1, 1, "1: mremap unmerges a range before moving it (upstream); 0: moves merged pages as they are"),
            new Knob("kernel.mremap_relocate_anon", 0, 1, 0, "0: moved anonymous memory keeps its page offset (upstream); 1: the MREMAP_RELOCATE_ANON proposal"),
            new Knob("kernel.process_madvise_ksm", 0, 1, 0, "0: process_madvise refuses MADV_(UN)MERGEABLE for another process (upstream, EINVAL); 1: allows it"),
            new Knob("kernel.ksm_enabled_procfs", 0, 1, 0, "0: no /proc/PID/ksm_enabled (upstream, ENOENT); 1: the 2022 proposal (always, madvise, never)"),
            new Knob("kernel.process_vm_mmap", 0, 1, 0, "0: no process_vm_mmap (upstream, ENOSYS); 1: the 2019 proposal (VMA cloning)"),
            new Knob("kernel.hz", 1, 10_000, 250, "CONFIG_HZ, ticks per second: ksmd sleeps msecs_to_jiffies(sleep_millisecs) whole ticks and wakes on the tick after"),
            new Knob("kernel.timer_late_permille", 0, 1000, 250, "per mille of ksmd's timed sleeps whose timer runs a tick late (jiffies had not moved on at its tick; measured by kernel-check)"),
            new Knob("kernel.ksmd_cpu_share_permille", 1, 1000, 1000, "ksmd's share of a CPU while it runs a batch, per mille (1000: never preempted); a batch lasts its CPU time / share"),
            new Knob("kernel.ksmd_wake_latency_us", 0, 1_000_000_000, 0, "how long ksmd waits for a CPU after its timer woke it (0: at once); its batch starts that much after the tick"),
            new Knob("kernel.ksmd_prior_cpu_ns", 0, Long.MAX_VALUE, 0, "ksmd's CPU time before the run, which the scan-time advisor's first pass counts (kernel-check: ksmd's schedstat)"),
            new Knob("kernel.ksmd_cpu_cost_permille", 1, 100_000, 1000, "ksmd's CPU for the same work, per mille of the cost model's (the machine's speed at the time; kernel-check: a reference workload beside each workload)"),
            new Knob("kernel.ksmd_preempt_wait_us", 0, 1_000_000_000, 0, "how long ksmd waits each time it is preempted in a batch (0: the wait its CPU share implies is spread evenly; kernel-check: schedstat)"));

    /** Linux 6.18 as measured on the development machine. */
    public static final KernelConfig DEFAULTS = fromValues(defaults());

    /** Every kernel knob with its meaning, in order (for {@code list} and errors). */
    public static Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        for (Knob k : KNOBS) {
            m.put(k.name(), k.description());
        }
        return m;
    }

    /** The defaults with every {@code kernel.*} entry of {@code knobs} applied (other entries ignored). */
    public static KernelConfig from(Map<String, String> knobs) {
        KernelConfig c = DEFAULTS;
        for (Map.Entry<String, String> e : knobs.entrySet()) {
            if (e.getKey().startsWith(PREFIX)) {
                c = c.with(e.getKey(), e.getValue());
            }
        }
        return c;
    }

    /** This configuration with one knob changed; an unknown knob or a value out of its range is an error. */
    public KernelConfig with(String knob, String value) {
        Knob k = KNOBS.stream().filter(x -> x.name().equals(knob)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("unknown kernel knob '" + knob + "'; known: " + String.join(", ", describe().keySet())));
        long v;
        try {
            v = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(knob + "=" + value + ": expected " + k.range());
        }
        if (v < k.min() || v > k.max()) {
            throw new IllegalArgumentException(knob + "=" + value + ": expected " + k.range());
        }
        Map<String, Long> m = values();
        m.put(knob, v);
        return fromValues(m);
    }

    /** Every knob as {@code kernel.NAME -> value} (0/1 for the behaviours), in {@link #KNOBS}' order. */
    public Map<String, Long> values() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("kernel.read_fault_zero_page", readFaultZeroPage ? 1L : 0L);
        m.put("kernel.ksm_vma_merge_fix", ksmVmaMergeFix ? 1L : 0L);
        m.put("kernel.mremap_unmerge", mremapUnmerge ? 1L : 0L);
        m.put("kernel.mremap_relocate_anon", mremapRelocateAnon ? 1L : 0L);
        m.put("kernel.process_madvise_ksm", processMadviseKsm ? 1L : 0L);
        m.put("kernel.ksm_enabled_procfs", ksmEnabledProcfs ? 1L : 0L);
        m.put("kernel.process_vm_mmap", processVmMmap ? 1L : 0L);
        m.put("kernel.hz", (long) hz);
        m.put("kernel.timer_late_permille", (long) timerLatePermille);
        m.put("kernel.ksmd_cpu_share_permille", (long) ksmdCpuSharePermille);
        m.put("kernel.ksmd_wake_latency_us", ksmdWakeLatencyMicros);
        m.put("kernel.ksmd_prior_cpu_ns", ksmdPriorCpuNanos);
        m.put("kernel.ksmd_cpu_cost_permille", (long) ksmdCpuCostPermille);
        m.put("kernel.ksmd_preempt_wait_us", ksmdPreemptWaitMicros);
        return m;
    }

    private static Map<String, Long> defaults() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (Knob k : KNOBS) {
            m.put(k.name(), k.defaultValue());
        }
        return m;
    }

    private static KernelConfig fromValues(Map<String, Long> m) {
        return new KernelConfig(m.get("kernel.read_fault_zero_page") == 1, m.get("kernel.ksm_vma_merge_fix") == 1,
                m.get("kernel.mremap_unmerge") == 1, m.get("kernel.mremap_relocate_anon") == 1,
                m.get("kernel.process_madvise_ksm") == 1, m.get("kernel.ksm_enabled_procfs") == 1,
                m.get("kernel.process_vm_mmap") == 1, Math.toIntExact(m.get("kernel.hz")),
                Math.toIntExact(m.get("kernel.timer_late_permille")), Math.toIntExact(m.get("kernel.ksmd_cpu_share_permille")),
                m.get("kernel.ksmd_wake_latency_us"), m.get("kernel.ksmd_prior_cpu_ns"),
                Math.toIntExact(m.get("kernel.ksmd_cpu_cost_permille")), m.get("kernel.ksmd_preempt_wait_us"));
    }
}
