package org.ksmlab.engine.mm;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Kernel behaviours that differ between kernel versions, boot options and proposals, each a knob
 * named {@code kernel.NAME} (given with {@code --set} or by a scenario variant). The defaults
 * are what Linux 6.18 does, measured on the development machine (README, what is modelled);
 * {@code kernel-check} detects the running kernel's values and runs the model with them.
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
 */
public record KernelConfig(boolean readFaultZeroPage, boolean ksmVmaMergeFix, boolean mremapUnmerge,
                           boolean mremapRelocateAnon, boolean processMadviseKsm, boolean ksmEnabledProcfs,
                           boolean processVmMmap) {
    /** The prefix of every kernel knob. */
    public static final String PREFIX = "kernel.";

    /** Linux 6.18 as measured on the development machine. */
    public static final KernelConfig DEFAULTS = new KernelConfig(true, true, true, false, false, false, false);

    /** Every kernel knob with its default and meaning, in order (for {@code list} and errors). */
    public static Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("kernel.read_fault_zero_page", "1: a read of untouched anonymous memory maps the zero page (upstream); 0: allocates a zeroed page");
        m.put("kernel.ksm_vma_merge_fix", "1: a merge-any process's new mappings merge with mergeable neighbours (6.17+); 0: before 6.17, each stays its own VMA");
        m.put("kernel.mremap_unmerge", "1: mremap unmerges a range before moving it (upstream); 0: moves merged pages as they are");
        m.put("kernel.mremap_relocate_anon", "0: moved anonymous memory keeps its page offset (upstream); 1: the MREMAP_RELOCATE_ANON proposal");
        m.put("kernel.process_madvise_ksm", "0: process_madvise refuses MADV_(UN)MERGEABLE for another process (upstream, EINVAL); 1: allows it");
        m.put("kernel.ksm_enabled_procfs", "0: no /proc/PID/ksm_enabled (upstream, ENOENT); 1: the 2022 proposal (always, madvise, never)");
        m.put("kernel.process_vm_mmap", "0: no process_vm_mmap (upstream, ENOSYS); 1: the 2019 proposal (VMA cloning)");
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

    /** This configuration with one knob changed; an unknown knob or a value other than 0/1 is an error. */
    public KernelConfig with(String knob, String value) {
        boolean v = switch (value.trim()) {
            case "1" -> true;
            case "0" -> false;
            default -> throw new IllegalArgumentException(knob + "=" + value + ": expected 0 or 1");
        };
        return switch (knob) {
            case "kernel.read_fault_zero_page" -> new KernelConfig(v, ksmVmaMergeFix, mremapUnmerge, mremapRelocateAnon, processMadviseKsm, ksmEnabledProcfs, processVmMmap);
            case "kernel.ksm_vma_merge_fix" -> new KernelConfig(readFaultZeroPage, v, mremapUnmerge, mremapRelocateAnon, processMadviseKsm, ksmEnabledProcfs, processVmMmap);
            case "kernel.mremap_unmerge" -> new KernelConfig(readFaultZeroPage, ksmVmaMergeFix, v, mremapRelocateAnon, processMadviseKsm, ksmEnabledProcfs, processVmMmap);
            case "kernel.mremap_relocate_anon" -> new KernelConfig(readFaultZeroPage, ksmVmaMergeFix, mremapUnmerge, v, processMadviseKsm, ksmEnabledProcfs, processVmMmap);
            case "kernel.process_madvise_ksm" -> new KernelConfig(readFaultZeroPage, ksmVmaMergeFix, mremapUnmerge, mremapRelocateAnon, v, ksmEnabledProcfs, processVmMmap);
            case "kernel.ksm_enabled_procfs" -> new KernelConfig(readFaultZeroPage, ksmVmaMergeFix, mremapUnmerge, mremapRelocateAnon, processMadviseKsm, v, processVmMmap);
            case "kernel.process_vm_mmap" -> new KernelConfig(readFaultZeroPage, ksmVmaMergeFix, mremapUnmerge, mremapRelocateAnon, processMadviseKsm, ksmEnabledProcfs, v);
            default -> throw new IllegalArgumentException("unknown kernel knob '" + knob + "'; known: " + String.join(", ", describe().keySet()));
        };
    }

    /** Every knob as {@code kernel.NAME -> 0|1}, in {@link #describe()}'s order. */
    public Map<String, Long> values() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("kernel.read_fault_zero_page", readFaultZeroPage ? 1L : 0L);
        m.put("kernel.ksm_vma_merge_fix", ksmVmaMergeFix ? 1L : 0L);
        m.put("kernel.mremap_unmerge", mremapUnmerge ? 1L : 0L);
        m.put("kernel.mremap_relocate_anon", mremapRelocateAnon ? 1L : 0L);
        m.put("kernel.process_madvise_ksm", processMadviseKsm ? 1L : 0L);
        m.put("kernel.ksm_enabled_procfs", ksmEnabledProcfs ? 1L : 0L);
        m.put("kernel.process_vm_mmap", processVmMmap ? 1L : 0L);
        return m;
    }
}
