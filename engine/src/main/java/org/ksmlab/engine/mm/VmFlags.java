package org.ksmlab.engine.mm;

/**
 * VMA flags, named and valued as in include/linux/mm.h (the subset the model needs), plus the
 * mmap/madvise/prctl constants of the uapi headers.
 */
public final class VmFlags {
    private VmFlags() {
    }

    public static final long VM_READ = 0x1;
    public static final long VM_WRITE = 0x2;
    public static final long VM_EXEC = 0x4;
    public static final long VM_SHARED = 0x8;
    public static final long VM_MAYREAD = 0x10;
    public static final long VM_MAYWRITE = 0x20;
    public static final long VM_MAYEXEC = 0x40;
    public static final long VM_MAYSHARE = 0x80;
    public static final long VM_PFNMAP = 0x400;
    public static final long VM_LOCKED = 0x2000;
    public static final long VM_IO = 0x4000;
    public static final long VM_DONTCOPY = 0x20000;
    public static final long VM_DONTEXPAND = 0x40000;
    public static final long VM_HUGETLB = 0x400000;
    public static final long VM_MIXEDMAP = 0x10000000;
    public static final long VM_MERGEABLE = 0x80000000L;

    /** Flags under which KSM (and SKSM) leave a VMA alone: mm/ksm.c vma_ksm_compatible(). */
    public static final long KSM_INCOMPATIBLE = VM_SHARED | VM_MAYSHARE | VM_PFNMAP | VM_IO
            | VM_DONTEXPAND | VM_HUGETLB | VM_MIXEDMAP;

    // mmap prot and flags (uapi/asm-generic/mman-common.h)
    public static final int PROT_READ = 0x1;
    public static final int PROT_WRITE = 0x2;
    public static final int PROT_EXEC = 0x4;
    public static final int MAP_SHARED = 0x01;
    public static final int MAP_PRIVATE = 0x02;
    public static final int MAP_FIXED = 0x10;
    public static final int MAP_ANONYMOUS = 0x20;
    public static final int MAP_HUGETLB = 0x40000;

    // madvise advice
    public static final int MADV_NORMAL = 0;
    public static final int MADV_DONTNEED = 4;
    public static final int MADV_MERGEABLE = 12;
    public static final int MADV_UNMERGEABLE = 13;
    public static final int MADV_HUGEPAGE = 14;
    public static final int MADV_NOHUGEPAGE = 15;
    /** SKSM's synchronous merge (RFC 2025-02-28), not upstream. */
    public static final int MADV_MERGE = 26;

    // mremap flags
    public static final int MREMAP_MAYMOVE = 1;
    public static final int MREMAP_FIXED = 2;

    // prctl
    public static final int PR_SET_MEMORY_MERGE = 67;
    public static final int PR_GET_MEMORY_MERGE = 68;

    /** Whether KSM may merge pages of a VMA with these flags and this backing. */
    public static boolean ksmCompatible(long flags) {
        return (flags & KSM_INCOMPATIBLE) == 0;
    }

    /** A private writable mapping: its pages are copied on write after fork (is_cow_mapping). */
    public static boolean isCowMapping(long flags) {
        return (flags & (VM_SHARED | VM_MAYWRITE)) == VM_MAYWRITE;
    }

    /** Short text like "rw-p" plus named extra flags, for messages and dumps. */
    public static String describe(long flags) {
        StringBuilder sb = new StringBuilder();
        sb.append((flags & VM_READ) != 0 ? 'r' : '-');
        sb.append((flags & VM_WRITE) != 0 ? 'w' : '-');
        sb.append((flags & VM_EXEC) != 0 ? 'x' : '-');
        sb.append((flags & VM_MAYSHARE) != 0 ? 's' : 'p');
        if ((flags & VM_MERGEABLE) != 0) sb.append(" mg");
        if ((flags & VM_HUGETLB) != 0) sb.append(" ht");
        if ((flags & VM_LOCKED) != 0) sb.append(" lo");
        return sb.toString();
    }
}
