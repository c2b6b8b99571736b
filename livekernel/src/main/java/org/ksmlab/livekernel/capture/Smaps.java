package org.ksmlab.livekernel.capture;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.ksmlab.datasets.memory.MemoryDataset;

/**
 * /proc/PID/smaps, reduced to what a capture records per VMA: the range, the permissions, the
 * name, and the kernel's VmFlags line, from which it tells whether KSM could scan the VMA.
 *
 * @see "fs/proc/task_mmu.c: show_smap_vma_flags (the two-letter VmFlags names)"
 * @see "mm/ksm.c: vma_ksm_compatible"
 */
final class Smaps {
    /** VmFlags that keep KSM out (vma_ksm_compatible): shared, may-share, PFN map, I/O, don't-expand, hugetlb, mixed map, droppable. */
    static final Set<String> NOT_KSM = Set.of("sh", "ms", "pf", "io", "de", "ht", "mm", "dp");
    /** User space ends here on x86-64; [vsyscall] lies above and is no VMA of the mm. */
    static final long USER_END = 0x8000_0000_0000L;

    /** One VMA: {@code vmFlags} as smaps prints them (e.g. "rd wr mr mw me ac sd"). */
    record Vma(long start, long end, String perms, long inode, String path, String vmFlags) {
        Set<String> flags() {
            return new HashSet<>(Arrays.asList(vmFlags.trim().split("\\s+")));
        }

        /** The dataset's flag bits ({@link MemoryDataset.VmaFlags}). */
        int datasetFlags() {
            Set<String> f = flags();
            int bits = 0;
            if (perms.charAt(0) == 'r') bits |= MemoryDataset.VmaFlags.READ;
            if (perms.charAt(1) == 'w') bits |= MemoryDataset.VmaFlags.WRITE;
            if (perms.charAt(2) == 'x') bits |= MemoryDataset.VmaFlags.EXEC;
            if (f.contains("sh") || f.contains("ms") || perms.charAt(3) == 's') bits |= MemoryDataset.VmaFlags.SHARED;
            if (f.contains("mg")) bits |= MemoryDataset.VmaFlags.MERGEABLE;
            if (f.stream().noneMatch(NOT_KSM::contains) && perms.charAt(3) == 'p') bits |= MemoryDataset.VmaFlags.KSM_COMPATIBLE;
            if (inode == 0 && (path.isEmpty() || path.startsWith("["))) bits |= MemoryDataset.VmaFlags.ANONYMOUS;
            return bits;
        }
    }

    private Smaps() {
    }

    /** The VMAs of a smaps text, in address order; those above user space ([vsyscall]) are left out. */
    static List<Vma> parse(String text) {
        List<Vma> out = new ArrayList<>();
        long start = 0, end = 0, inode = 0;
        boolean inVma = false;
        String perms = null, path = null;
        for (String line : text.split("\n")) {
            if (line.isEmpty()) continue;
            int dash = line.indexOf('-');
            int space = line.indexOf(' ');
            if (dash > 0 && space > dash && isHex(line, 0, dash) && isHex(line, dash + 1, space)) {
                String[] f = line.strip().split("\\s+", 6);
                if (f.length < 5) throw new IllegalArgumentException("not a smaps VMA line: '" + line + "'");
                start = Long.parseUnsignedLong(f[0].substring(0, dash), 16);
                end = Long.parseUnsignedLong(f[0].substring(dash + 1), 16);
                perms = f[1];
                inode = Long.parseLong(f[4]);
                path = f.length == 6 ? f[5].strip() : "";
                inVma = true;
            } else if (line.startsWith("VmFlags:")) {
                if (!inVma) throw new IllegalArgumentException("smaps: VmFlags before any VMA line");
                // unsigned: [vsyscall] lies at 0xffffffffff600000, above user space
                if (Long.compareUnsigned(end, USER_END) <= 0) out.add(new Vma(start, end, perms, inode, path, line.substring("VmFlags:".length()).strip()));
                inVma = false;
            }
        }
        return out;
    }

    private static boolean isHex(String s, int from, int to) {
        if (to <= from) return false;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) return false;
        }
        return true;
    }
}
