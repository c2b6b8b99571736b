package org.ksmlab.engine.mm;

import static org.ksmlab.engine.mm.VmFlags.PR_SET_MEMORY_MERGE;
import static org.ksmlab.engine.mm.VmFlags.isCowMapping;

import org.ksmlab.engine.memory.PageStore;

/**
 * Interfaces that were proposed on the mailing lists and never merged, modelled so a design
 * review can compare them with what landed. {@link Kernel} reaches them only when its
 * {@link KernelConfig} turns them on; otherwise the kernel answers as Linux does (ENOENT, ENOSYS).
 */
final class Proposals {
    private final Kernel kernel;
    private final VmaTree vmas;
    private final Rmap rmap;
    private final PageStore store;
    private final Merger merger;

    Proposals(Kernel kernel, VmaTree vmas, Rmap rmap, PageStore store, Merger merger) {
        this.kernel = kernel;
        this.vmas = vmas;
        this.rmap = rmap;
        this.store = store;
        this.merger = merger;
    }

    /**
     * /proc/PID/ksm_enabled (2022, "mm: add new api to enable ksm per process", which became
     * prctl(PR_SET_MEMORY_MERGE) in 6.4): a controller writes {@code always} (every compatible
     * VMA of the process, present and future, is mergeable: the same as merge-any) or
     * {@code madvise} (back to the default: only what the process madvises; like clearing
     * merge-any, which unmerges). Departure: {@code never}, which in the proposal also refused
     * the process's own MADV_MERGEABLE, is modelled as {@code madvise}.
     */
    void ksmEnabled(Process p, String mode) {
        switch (mode) {
            case "always" -> kernel.prctl(p.pid, PR_SET_MEMORY_MERGE, 1);
            case "madvise", "never" -> kernel.prctl(p.pid, PR_SET_MEMORY_MERGE, 0);
            default -> throw new SyscallException(Errno.EINVAL, "ksm_enabled: '" + mode + "' is not always, madvise or never");
        }
    }

    /**
     * process_vm_mmap (2019, Kirill Tkhai's RFC): maps {@code [sourceAddr, +length)} of
     * {@code source} into {@code p} at a free address, one new VMA with the source's flags,
     * sharing every present page copy-on-write as fork does (both sides write-protected). When
     * {@code source} is {@code p}, one anonymous page is then mapped twice in one mm, which no
     * merged interface allows. The range must lie in one private mapping (EINVAL otherwise).
     */
    long cloneRange(Process p, Process source, long sourceAddr, long length) {
        Vma from = source.findVma(sourceAddr);
        if (from == null || from.end < sourceAddr + length || !isCowMapping(from.flags)) {
            throw new SyscallException(Errno.EINVAL, "process_vm_mmap: [0x" + Long.toHexString(sourceAddr) + ", +" + length
                    + ") is not inside one private mapping");
        }
        long dest = vmas.unmappedArea(p, length);
        Vma v = new Vma(dest, dest + length, from.flags, from.file, from.filePageIndex(sourceAddr));
        v.anonVma = from.anonVma;
        vmas.insert(p, v);
        long delta = (dest >>> PageStore.PAGE_SHIFT) - (sourceAddr >>> PageStore.PAGE_SHIFT);
        PageTable spt = source.pageTable;
        spt.forEachPresent(sourceAddr >>> PageStore.PAGE_SHIFT, (sourceAddr + length) >>> PageStore.PAGE_SHIFT, vpn -> {
            long pte = spt.get(vpn) & ~PageTable.WRITE;
            spt.set(vpn, pte);
            int frame = PageTable.frame(pte);
            if (frame != PageStore.ZERO_FRAME) {
                store.get(frame);
                rmap.mapFrame(frame);
            }
            p.pageTable.set(vpn + delta, pte & ~PageTable.KSM_ZERO); // the zero-page count stays with the source
        });
        if (v.isMergeable()) {
            merger.vmaAdded(p, v);
        }
        vmas.mergeAround(p, dest, dest + length);
        return dest;
    }
}
