package org.ksmlab.engine.mm;

import org.ksmlab.engine.memory.PageStore;

/**
 * A virtual memory area: {@code [start, end)} with one set of flags and one backing
 * (anonymous when {@link #file} is null). Bounds are byte addresses, page aligned.
 *
 * @see "include/linux/mm_types.h: struct vm_area_struct"
 */
public final class Vma {
    long start;
    long end;
    long flags;
    /** Backing file, or null for private anonymous memory. */
    final MappedFile file;
    /**
     * Page offset mapped at {@link #start}: the file page for a file mapping; for anonymous
     * memory the linear index {@code start >> PAGE_SHIFT} it was created at (vm_pgoff), which a
     * move keeps, so a moved range does not merge with a neighbour at its new place unless the
     * offsets line up.
     */
    long pgoff;
    /**
     * The VMA's anon_vma, by id (0: none yet). It is set on the first anonymous fault
     * ({@code anon_vma_prepare}, which reuses a mergeable neighbour's); fork copies page tables
     * only for VMAs that have one or are anonymous ({@code vma_needs_copy}); two VMAs with
     * different anon_vmas never merge ({@code is_mergeable_anon_vma}).
     */
    long anonVma;

    Vma(long start, long end, long flags, MappedFile file, long pgoff) {
        this.start = start;
        this.end = end;
        this.flags = flags;
        this.file = file;
        this.pgoff = pgoff;
    }

    Vma copy() {
        Vma v = new Vma(start, end, flags, file, pgoff);
        v.anonVma = anonVma;
        return v;
    }

    public long start() { return start; }
    public long end() { return end; }
    public long flags() { return flags; }
    public MappedFile file() { return file; }
    public long pgoff() { return pgoff; }
    public boolean isAnonymous() { return file == null; }
    /** Whether anonymous pages may exist here (the kernel's vma->anon_vma is set). */
    public boolean hasAnonVma() { return anonVma != 0; }
    public boolean isMergeable() { return (flags & VmFlags.VM_MERGEABLE) != 0; }
    public long pages() { return (end - start) >>> PageStore.PAGE_SHIFT; }

    /** The file page index backing virtual address {@code addr}. */
    long filePageIndex(long addr) {
        return pgoff + ((addr - start) >>> PageStore.PAGE_SHIFT);
    }

    /**
     * Whether {@code next} can be merged into this VMA (this VMA ends where next starts): same
     * flags, same backing, contiguous page offsets (file pages, or the anonymous linear index),
     * and compatible anon_vmas (the same one, or one of them has none).
     * Departure: the kernel also refuses a VMA whose anon_vma was cloned at fork
     * ({@code list_is_singular} on its anon_vma_chain); the model does not track that chain.
     * @see "mm/vma.c: is_mergeable_vma, is_mergeable_anon_vma, can_vma_merge_after"
     */
    boolean canMergeWith(Vma next) {
        if (end != next.start || flags != next.flags || file != next.file) {
            return false;
        }
        if (pgoff + pages() != next.pgoff) {
            return false;
        }
        return anonVma == 0 || next.anonVma == 0 || anonVma == next.anonVma;
    }

    @Override
    public String toString() {
        return String.format("%012x-%012x %s%s", start, end, VmFlags.describe(flags),
                file == null ? "" : " " + file.name() + "@" + pgoff);
    }
}
