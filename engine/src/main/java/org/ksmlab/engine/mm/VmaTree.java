package org.ksmlab.engine.mm;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ksmlab.engine.memory.PageStore;

/**
 * The operations on a process's VMAs (the mm's VMA tree, {@code mm->mm_mt} in the kernel,
 * {@code Process.vmas} here): insert, remove, split at an address, set flags on an exact range,
 * merge with identical neighbours, find overlapping VMAs and a free range. Every VMA keeps
 * {@code [start, end)} page aligned and no two overlap.
 *
 * <p>It also keeps what the files' {@code i_mmap} would say: how many VMAs map each file (a
 * shmem object's page cache is dropped with its last mapping) and every file whose page cache
 * may hold frames (regular files keep theirs after the last unmap).
 *
 * @see "mm/vma.c, mm/mmap.c"
 */
final class VmaTree {
    private final PageStore store;
    private final Rmap rmap;
    /** VMAs mapping each file. */
    private final Map<MappedFile, Integer> fileMappings = new IdentityHashMap<>();
    /** Every file whose page cache may hold frames. */
    private final Map<MappedFile, Boolean> knownFiles = new IdentityHashMap<>();
    /** The last anon_vma id handed out. */
    private long lastAnonVma;

    VmaTree(PageStore store, Rmap rmap) {
        this.store = store;
        this.rmap = rmap;
    }

    /** Files whose page cache may hold frames (for the accounting check). */
    Set<MappedFile> knownFiles() {
        return knownFiles.keySet();
    }

    /** Adds {@code v} (its range free) to {@code p}'s VMAs. */
    void insert(Process p, Vma v) {
        p.putVma(v);
        if (v.file != null) {
            fileMappings.merge(v.file, 1, Integer::sum);
            knownFiles.put(v.file, Boolean.TRUE);
        }
    }

    /** Removes a whole VMA, zapping its ptes; a shmem object goes with its last mapping. */
    void remove(Process p, Vma v) {
        rmap.zapRange(p, v.start, v.end);
        p.removeVma(v.start);
        if (v.file != null) {
            int left = fileMappings.merge(v.file, -1, Integer::sum);
            if (left == 0) {
                fileMappings.remove(v.file);
                if (v.file.isShmem()) {
                    v.file.evict(store);
                    knownFiles.remove(v.file);
                }
            }
        }
    }

    /** {@code moved} takes the place of {@code old} (mremap's move; the ptes were moved by the caller). */
    void replace(Process p, Vma old, Vma moved) {
        p.removeVma(old.start);
        insert(p, moved);
        if (old.file != null) {
            fileMappings.merge(old.file, -1, Integer::sum);
        }
    }

    /** Splits the VMA containing {@code addr} so that a VMA starts at {@code addr}. @see "mm/vma.c: split_vma" */
    void split(Process p, long addr) {
        Vma v = p.findVma(addr);
        if (v == null || v.start == addr) {
            return;
        }
        Vma tail = v.copy();
        tail.start = addr;
        tail.pgoff = v.filePageIndex(addr);
        if (v.file != null) {
            fileMappings.merge(v.file, 1, Integer::sum);
        }
        v.end = addr;
        p.putVma(tail);
    }

    /** Unmaps {@code [start, end)}: the VMAs there are split at its edges and removed. @see "mm/vma.c: do_vmi_munmap" */
    void unmapRange(Process p, long start, long end) {
        split(p, start);
        split(p, end);
        for (Vma v : overlapping(p, start, end)) {
            remove(p, v);
        }
    }

    /** Sets {@code flags} on exactly {@code [start, end)}, splitting and re-merging VMAs. @see "mm/vma.c: vma_modify_flags" */
    void updateFlags(Process p, long start, long end, long flags) {
        Vma v = p.findVma(start);
        if (v.flags == flags) {
            return;
        }
        split(p, start);
        split(p, end);
        p.findVma(start).flags = flags;
        mergeAround(p, start, end);
    }

    /**
     * Merges the VMAs of {@code [start, end)} with identical neighbours: only pairs whose
     * boundary lies in {@code [start, end]}, as the kernel tries only the changed range's
     * previous and next VMA (two untouched VMAs elsewhere that could merge stay apart).
     * @see "mm/vma.c: vma_merge_new_range, vma_merge_existing_range"
     */
    void mergeAround(Process p, long start, long end) {
        Map.Entry<Long, Vma> e = p.vmas.lowerEntry(start);
        if (e == null) {
            e = p.vmas.ceilingEntry(start);
        }
        Vma cur = e == null ? null : e.getValue();
        while (cur != null && cur.start <= end) {
            Map.Entry<Long, Vma> n = p.vmas.higherEntry(cur.start);
            if (n == null) {
                return;
            }
            Vma next = n.getValue();
            boolean touches = next.start >= start && next.start <= end;
            if (touches && cur.canMergeWith(next)) {
                cur.end = next.end;
                if (cur.anonVma == 0) {
                    cur.anonVma = next.anonVma;
                }
                p.removeVma(next.start);
                if (next.file != null) {
                    fileMappings.merge(next.file, -1, Integer::sum);
                }
            } else {
                cur = next;
            }
        }
    }

    /**
     * Gives {@code v} an anon_vma on its first anonymous fault: a neighbour's when the two could
     * merge but for the anon_vma (find_mergeable_anon_vma), else a new one.
     * @see "mm/rmap.c: __anon_vma_prepare; mm/vma.c: find_mergeable_anon_vma"
     */
    void prepareAnonVma(Process p, Vma v) {
        if (v.anonVma != 0) {
            return;
        }
        Map.Entry<Long, Vma> before = p.vmas.lowerEntry(v.start);
        Map.Entry<Long, Vma> after = p.vmas.higherEntry(v.start);
        if (before != null && reusable(before.getValue(), v)) {
            v.anonVma = before.getValue().anonVma;
        } else if (after != null && reusable(v, after.getValue())) {
            v.anonVma = after.getValue().anonVma;
        } else {
            v.anonVma = ++lastAnonVma;
        }
    }

    private static boolean reusable(Vma a, Vma b) {
        Vma from = a.anonVma != 0 ? a : b;
        return from.anonVma != 0 && a.end == b.start && a.flags == b.flags && a.file == b.file && a.pgoff + a.pages() == b.pgoff;
    }

    /** A new anon_vma id (for a VMA that must not share its old one). */
    long newAnonVma() {
        return ++lastAnonVma;
    }

    /** The VMAs overlapping {@code [start, end)}, in address order. */
    List<Vma> overlapping(Process p, long start, long end) {
        List<Vma> out = new ArrayList<>();
        Map.Entry<Long, Vma> first = p.vmas.floorEntry(start);
        long from = first != null && first.getValue().end > start ? first.getKey() : start;
        for (Vma v : p.vmas.subMap(from, true, end, false).values()) {
            if (v.end > start) {
                out.add(v);
            }
        }
        return out;
    }

    /** Whether VMAs cover all of {@code [start, end)}. */
    boolean isFullyMapped(Process p, long start, long end) {
        long at = start;
        for (Vma v : overlapping(p, start, end)) {
            if (v.start > at) {
                return false;
            }
            at = v.end;
        }
        return at >= end;
    }

    /** Whether {@code [start, end)} is inside the mmap area and mapped by nothing. */
    boolean isFree(Process p, long start, long end) {
        return start >= Kernel.MMAP_MIN && end <= Kernel.MMAP_BASE && overlapping(p, start, end).isEmpty();
    }

    /** Top-down search for a gap of {@code len} bytes below {@link Kernel#MMAP_BASE}. @see "mm/mmap.c: unmapped_area_topdown" */
    long unmappedArea(Process p, long len) {
        long top = Kernel.MMAP_BASE;
        for (Vma v : p.vmas.descendingMap().values()) {
            if (v.start >= top) {
                continue;
            }
            if (top - v.end >= len) {
                return top - len;
            }
            top = v.start;
        }
        if (top - Kernel.MMAP_MIN >= len) {
            return top - len;
        }
        throw new SyscallException(Errno.ENOMEM, "no free virtual range of " + len + " bytes");
    }
}
