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
    /** File page index mapped at {@link #start}. */
    long pgoff;
    /**
     * Whether anonymous pages may exist in this VMA (the kernel's {@code anon_vma} is set on
     * the first anonymous fault); fork copies page tables only for such VMAs or anonymous
     * ones ({@code vma_needs_copy}).
     */
    boolean anonVma;

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
    public boolean hasAnonVma() { return anonVma; }
    public boolean isMergeable() { return (flags & VmFlags.VM_MERGEABLE) != 0; }
    public long pages() { return (end - start) >>> PageStore.PAGE_SHIFT; }

    /** The file page index backing virtual address {@code addr}. */
    long filePageIndex(long addr) {
        return pgoff + ((addr - start) >>> PageStore.PAGE_SHIFT);
    }

    /**
     * Whether {@code next} can be merged into this VMA (this VMA ends where next starts):
     * same flags, same backing and, for files, contiguous offsets.
     * @see "mm/vma.c: is_mergeable_vma, can_vma_merge_after"
     */
    boolean canMergeWith(Vma next) {
        if (end != next.start || flags != next.flags || file != next.file) {
            return false;
        }
        return file == null || pgoff + pages() == next.pgoff;
    }

    @Override
    public String toString() {
        return String.format("%012x-%012x %s%s", start, end, VmFlags.describe(flags),
                file == null ? "" : " " + file.name() + "@" + pgoff);
    }
}
