package org.ksmlab.engine.mm;

import static org.ksmlab.engine.mm.VmFlags.MREMAP_FIXED;
import static org.ksmlab.engine.mm.VmFlags.MREMAP_MAYMOVE;

import java.util.ArrayList;
import java.util.List;
import org.ksmlab.engine.memory.PageStore;

/**
 * mremap (mm/mremap.c): shrink in place, grow in place where the space after the mapping is
 * free, or move the page-table entries to a new range (frames are not copied). Before a move,
 * KSM unmerges the range ({@code prep_move_vma} calls {@code ksm_madvise(MADV_UNMERGEABLE)};
 * the VMA keeps VM_MERGEABLE, so ksmd merges it again later), unless
 * {@code kernel.mremap_unmerge=0}. A moved anonymous range keeps its page offset, so it merges
 * with a neighbour at its new place only if the offsets line up, unless the
 * MREMAP_RELOCATE_ANON proposal is on ({@code kernel.mremap_relocate_anon=1}).
 */
final class Mremap {
    private static final int PAGE_SHIFT = PageStore.PAGE_SHIFT;
    private static final long PAGE_MASK = PageStore.PAGE_SIZE - 1;

    private final VmaTree vmas;
    private final Merger merger;
    private final KernelConfig config;

    Mremap(VmaTree vmas, Merger merger, KernelConfig config) {
        this.vmas = vmas;
        this.merger = merger;
        this.config = config;
    }

    /**
     * mremap(): shrink, grow in place, or move ({@link VmFlags#MREMAP_MAYMOVE}, with
     * {@link VmFlags#MREMAP_FIXED} to {@code newAddr}). Moving carries the page-table entries to
     * the new address; frames are not copied. Returns the new start.
     * @see "mm/mremap.c"
     */
    long mremap(Process p, long oldAddr, long oldLength, long newLength, int flags, long newAddr) {
        if ((oldAddr & PAGE_MASK) != 0) {
            throw new SyscallException(Errno.EINVAL, "mremap old address 0x" + Long.toHexString(oldAddr) + " is not page aligned");
        }
        if (newLength <= 0 || oldLength <= 0) {
            throw new SyscallException(Errno.EINVAL, "mremap lengths must be > 0 (old " + oldLength + ", new " + newLength + ")");
        }
        if ((flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED)) != 0 || ((flags & MREMAP_FIXED) != 0 && (flags & MREMAP_MAYMOVE) == 0)) {
            throw new SyscallException(Errno.EINVAL, "mremap flags " + flags + ": MREMAP_FIXED needs MREMAP_MAYMOVE");
        }
        long oldLen = pageAlign(oldLength);
        long newLen = pageAlign(newLength);
        boolean fixed = (flags & MREMAP_FIXED) != 0;
        if (fixed) {
            if ((newAddr & PAGE_MASK) != 0) {
                throw new SyscallException(Errno.EINVAL, "mremap new address 0x" + Long.toHexString(newAddr) + " is not page aligned");
            }
            if (newAddr < oldAddr + oldLen && oldAddr < newAddr + newLen) {
                throw new SyscallException(Errno.EINVAL, "mremap: old and new ranges overlap");
            }
        }
        Vma vma = p.findVma(oldAddr);
        if (vma == null || vma.end < oldAddr + Math.min(oldLen, newLen)) {
            throw new SyscallException(Errno.EFAULT, "mremap: [0x" + Long.toHexString(oldAddr) + ", +" + oldLen + ") is not inside one mapping");
        }
        if (!fixed) {
            if (newLen <= oldLen) {
                if (newLen < oldLen) {
                    vmas.unmapRange(p, oldAddr + newLen, oldAddr + oldLen);
                }
                return oldAddr;
            }
            if (vma.end == oldAddr + oldLen && vmas.isFree(p, vma.end, oldAddr + newLen)) {
                vma.end = oldAddr + newLen; // vma_expand
                vmas.mergeAround(p, vma.start, vma.end);
                return oldAddr;
            }
            if ((flags & MREMAP_MAYMOVE) == 0) {
                throw new SyscallException(Errno.ENOMEM, "mremap: cannot grow in place and MREMAP_MAYMOVE not given");
            }
        }
        if (newLen < oldLen) {
            vmas.unmapRange(p, oldAddr + newLen, oldAddr + oldLen);
            oldLen = newLen;
        }
        if (vma.end < oldAddr + oldLen) {
            throw new SyscallException(Errno.EFAULT, "mremap: old range crosses the end of its mapping");
        }
        long dest;
        if (fixed) {
            vmas.unmapRange(p, newAddr, newAddr + newLen);
            dest = newAddr;
        } else {
            dest = vmas.unmappedArea(p, newLen);
        }
        vmas.split(p, oldAddr);
        vmas.split(p, oldAddr + oldLen);
        Vma old = p.findVma(oldAddr);
        if (config.mremapUnmerge()) {
            merger.beforeMove(p, old, oldAddr, oldAddr + oldLen); // prep_move_vma: ksm_madvise(MADV_UNMERGEABLE)
        }
        Vma moved = new Vma(dest, dest + newLen, old.flags, old.file, old.pgoff);
        moved.anonVma = old.anonVma;
        if (config.mremapRelocateAnon() && old.file == null) {
            // The proposal: the moved anonymous memory looks as if it had been faulted in at its
            // new place (new offset; its anon_vma relocated), so it can merge with a neighbour.
            moved.pgoff = dest >>> PAGE_SHIFT;
            moved.anonVma = 0;
        }
        long delta = (dest >>> PAGE_SHIFT) - (oldAddr >>> PAGE_SHIFT);
        PageTable pt = p.pageTable;
        List<long[]> ptes = new ArrayList<>();
        pt.forEachPresent(oldAddr >>> PAGE_SHIFT, (oldAddr + oldLen) >>> PAGE_SHIFT, vpn -> ptes.add(new long[] {vpn, pt.get(vpn)}));
        for (long[] e : ptes) {
            pt.set(e[0], 0);
        }
        for (long[] e : ptes) {
            pt.set(e[0] + delta, e[1]);
        }
        vmas.replace(p, old, moved);
        vmas.mergeAround(p, dest, dest + newLen);
        Vma landed = p.findVma(dest);
        if (landed.anonVma == 0 && old.anonVma != 0) {
            landed.anonVma = vmas.newAnonVma(); // relocated and merged with no one
        }
        return dest;
    }


    private static long pageAlign(long length) {
        return (length + PAGE_MASK) & ~PAGE_MASK;
    }
}
