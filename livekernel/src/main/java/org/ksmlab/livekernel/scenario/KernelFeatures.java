package org.ksmlab.livekernel.scenario;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ksmlab.engine.mm.Errno;
import org.ksmlab.engine.mm.SyscallException;
import org.ksmlab.engine.mm.VmFlags;
import org.ksmlab.engine.scenario.Machine;
import org.ksmlab.engine.scenario.Step;

/**
 * What this kernel does where kernels differ by version, boot options or patches, found by
 * small real processes (each probe a few system calls on a {@link Machine}: the live kernel, or a
 * fake in tests), one value per {@code kernel.*} knob of the model, so the model runs as this
 * kernel behaves:
 *
 * <ul>
 *   <li>{@code kernel.read_fault_zero_page}: a read of untouched private anonymous memory maps
 *       the shared zero page (1) or allocates a zero-filled page (0). Probe: read 4 fresh pages,
 *       count pages on the zero page (KPF_ZERO_PAGE).</li>
 *   <li>{@code kernel.ksm_vma_merge_fix}: "mm: prevent KSM from breaking VMA merging for new
 *       VMAs" (6.17): under merge-any two adjacent anonymous mmaps merge into one VMA (1) or not
 *       (0). Probe: both cases, with a control without merge-any that must merge.</li>
 *   <li>{@code kernel.process_madvise_ksm}: process_madvise(MADV_MERGEABLE) on another process is
 *       accepted (1) or refused (0: EINVAL, or no process_madvise at all).</li>
 *   <li>{@code kernel.ksm_enabled_procfs}: /proc/PID/ksm_enabled (the 2022 proposal) exists (1)
 *       or not (0: ENOENT). Probe: write "madvise" (the proposal's default) for a probe process.</li>
 *   <li>{@code kernel.mremap_unmerge}: moving a merged page with mremap unmerges it at once (1)
 *       or leaves it merged (0). Probe: merge two equal pages (two full scans), move them.</li>
 *   <li>{@code kernel.process_vm_mmap} and {@code kernel.mremap_relocate_anon}: proposals never
 *       merged (2019, 2025); no system call or flag to probe: 0.</li>
 * </ul>
 */
public final class KernelFeatures {
    private static final long PAGE = 4096;
    private static final int RW = VmFlags.PROT_READ | VmFlags.PROT_WRITE;

    /** Every knob {@link #detect} reports, in its order. */
    public static final List<String> KNOBS = List.of("kernel.read_fault_zero_page", "kernel.ksm_vma_merge_fix", "kernel.process_madvise_ksm",
            "kernel.ksm_enabled_procfs", "kernel.mremap_unmerge", "kernel.process_vm_mmap", "kernel.mremap_relocate_anon");

    /** One finding: the knob, this kernel's value, and what the probe saw. */
    public record Finding(String knob, String value, String evidence) {
    }

    private KernelFeatures() {
    }

    /**
     * Runs every probe on {@code m} (processes it spawns; the caller ends them by closing the
     * machine). The machine must let ksmd run (the mremap probe waits for two full scans).
     *
     * @throws IllegalStateException when a probe is inconclusive (says which and why)
     */
    public static List<Finding> detect(Machine m) {
        List<Finding> out = new ArrayList<>();
        // kernel.read_fault_zero_page
        int p = m.spawn();
        long a = m.mmap(p, 0, 4 * PAGE, RW, false, null, 0);
        m.read(p, new long[] {a, a + PAGE, a + 2 * PAGE, a + 3 * PAGE});
        Map<String, Long> rc = m.regionCounters(p, a, 4 * PAGE);
        long zero = rc.get("zero_pages");
        if (rc.get("present_pages") != 4 || (zero != 0 && zero != 4)) {
            throw new IllegalStateException("kernel.read_fault_zero_page: inconclusive: after reading 4 untouched pages " + rc);
        }
        out.add(new Finding("kernel.read_fault_zero_page", zero == 4 ? "1" : "0",
                "a read of 4 untouched anonymous pages mapped " + (zero == 4 ? "the shared zero page (KPF_ZERO_PAGE) for all 4" : "4 frames, none the zero page")));

        // kernel.ksm_vma_merge_fix (with a control: without merge-any adjacent mmaps must merge)
        int r = m.spawn();
        long control = adjacentVmas(m, r);
        m.exit(r);
        if (control != 1) {
            throw new IllegalStateException("kernel.ksm_vma_merge_fix: inconclusive: two adjacent anonymous mmaps make " + control
                    + " VMAs even without merge-any");
        }
        int q = m.spawn();
        m.prctlMergeAny(q, true);
        long vmas = adjacentVmas(m, q);
        out.add(new Finding("kernel.ksm_vma_merge_fix", vmas == 1 ? "1" : "0",
                "under merge-any two adjacent anonymous mmaps make " + vmas + " VMA" + (vmas == 1 ? "" : "s") + " (1 without merge-any)"));

        // kernel.process_madvise_ksm
        int c = m.spawn();
        String pm;
        String pmWhy;
        try {
            m.processMadvise(c, p, a, PAGE, Step.Advice.MERGEABLE);
            pm = "1";
            pmWhy = "process_madvise(MADV_MERGEABLE) on another process succeeded";
        } catch (SyscallException e) {
            pm = "0";
            pmWhy = "process_madvise(MADV_MERGEABLE) on another process failed with " + e.errno();
        }
        out.add(new Finding("kernel.process_madvise_ksm", pm, pmWhy));

        // kernel.ksm_enabled_procfs
        String pe;
        String peWhy;
        try {
            m.ksmEnabled(c, "madvise");
            pe = "1";
            peWhy = "/proc/PID/ksm_enabled accepted \"madvise\"";
        } catch (SyscallException e) {
            if (e.errno() != Errno.ENOENT) {
                throw new IllegalStateException("kernel.ksm_enabled_procfs: inconclusive: writing /proc/PID/ksm_enabled failed with " + e.errno());
            }
            pe = "0";
            peWhy = "/proc/PID/ksm_enabled does not exist (ENOENT)";
        }
        out.add(new Finding("kernel.ksm_enabled_procfs", pe, peWhy));

        // kernel.mremap_unmerge
        int s = m.spawn();
        long x = m.mmap(s, 0, 2 * PAGE, RW, false, null, 0);
        m.write(s, new long[] {x, x + PAGE}, new long[] {7, 7});
        m.madvise(s, x, 2 * PAGE, Step.Advice.MERGEABLE);
        m.runFullScans(2);
        long merged = m.regionCounters(s, x, 2 * PAGE).get("ksm_pages");
        if (merged != 2) {
            throw new IllegalStateException("kernel.mremap_unmerge: inconclusive: two equal mergeable pages were not merged after 2 full scans ("
                    + merged + " KSM pages)");
        }
        long hole = m.mmap(s, 0, 2 * PAGE, RW, false, null, 0);
        m.munmap(s, hole, 2 * PAGE);
        long moved = m.mremap(s, x, 2 * PAGE, 2 * PAGE, true, hole);
        long after = m.regionCounters(s, moved, 2 * PAGE).get("ksm_pages");
        if (after != 0 && after != 2) {
            throw new IllegalStateException("kernel.mremap_unmerge: inconclusive: " + after + " of 2 moved pages are KSM pages");
        }
        out.add(new Finding("kernel.mremap_unmerge", after == 0 ? "1" : "0",
                "2 merged pages moved by mremap(MREMAP_MAYMOVE|MREMAP_FIXED) are " + (after == 0 ? "unmerged at once (no KSM page)" : "still KSM pages")));

        out.add(new Finding("kernel.process_vm_mmap", "0", "process_vm_mmap (2019 proposal) was never merged: no system call to probe"));
        out.add(new Finding("kernel.mremap_relocate_anon", "0", "MREMAP_RELOCATE_ANON (2025 proposal) was never merged: no flag to probe"));
        for (int pid : new int[] {p, q, c, s}) m.exit(pid);
        return out;
    }

    /** VMAs over two adjacent one-page anonymous mmaps in {@code pid} (the second placed right after the first, or before it). */
    private static long adjacentVmas(Machine m, int pid) {
        long a = m.mmap(pid, 0, PAGE, RW, false, null, 0);
        long b = m.mmap(pid, a + PAGE, PAGE, RW, false, null, 0);
        if (b != a + PAGE) {
            m.munmap(pid, b, PAGE);
            b = m.mmap(pid, a - PAGE, PAGE, RW, false, null, 0);
            if (b != a - PAGE) {
                throw new IllegalStateException("kernel.ksm_vma_merge_fix: inconclusive: no free page next to 0x" + Long.toHexString(a));
            }
        }
        return m.regionCounters(pid, Math.min(a, b), 2 * PAGE).get("vmas");
    }

    /** The findings as knobs for the model. */
    public static Map<String, String> knobs(List<Finding> findings) {
        Map<String, String> m = new LinkedHashMap<>();
        for (Finding f : findings) m.put(f.knob(), f.value());
        return m;
    }

    /** One {@code kernel.X: value} line per finding, for env.txt. */
    public static String envLines(List<Finding> findings) {
        StringBuilder b = new StringBuilder();
        for (Finding f : findings) b.append(f.knob()).append(": ").append(f.value()).append('\n');
        return b.toString();
    }
}
