package org.ksmlab.engine.mm;

import static org.ksmlab.engine.mm.VmFlags.VM_READ;
import static org.ksmlab.engine.mm.VmFlags.VM_SHARED;
import static org.ksmlab.engine.mm.VmFlags.VM_WRITE;

import org.ksmlab.engine.memory.PageStore;

/**
 * Page faults (mm/memory.c): what an access does when its pte is missing or write-protected.
 * <ul>
 * <li>First touch of private anonymous memory: a read maps the shared zero page read-only, a
 *     write allocates a zeroed anonymous frame ({@code do_anonymous_page}).</li>
 * <li>First touch of a file mapping maps the page-cache frame (read-only when private); a
 *     write to a private file mapping copies it into a new anonymous frame
 *     ({@code do_cow_fault}): how code patching turns libc text into anonymous memory.</li>
 * <li>A write to a present, write-protected pte ({@code do_wp_page}): a shared mapping is made
 *     writable; the zero page, a KSM or SKSM page, a page-cache page or an anonymous frame
 *     with other references is copied ({@code wp_page_copy}); an anonymous frame whose only
 *     reference is this mapping and that is not a KSM page is reused in place
 *     ({@code wp_can_reuse_anon_folio}).</li>
 * </ul>
 * The counters {@code cow_faults} (faults that copied a page: every {@code wp_page_copy} and
 * {@code do_cow_fault}) and {@code minor_faults} (every fault handled, pgfault) move here only.
 */
final class Faults {
    private final PageStore store;
    private final Merger merger;
    private final Rmap rmap;
    private final VmaTree vmas;
    private final KernelConfig config;
    private long cowFaults;
    private long minorFaults;

    Faults(PageStore store, Merger merger, Rmap rmap, VmaTree vmas, KernelConfig config) {
        this.store = store;
        this.merger = merger;
        this.rmap = rmap;
        this.vmas = vmas;
        this.config = config;
    }

    long cowFaults() {
        return cowFaults;
    }

    long minorFaults() {
        return minorFaults;
    }

    /**
     * Handles the fault an access would take and returns the (now valid) pte; a write sets the
     * pte's soft-dirty bit.
     * @throws SegmentationFault when no VMA maps {@code addr} or the VMA forbids the access
     * @see "mm/memory.c: handle_mm_fault"
     */
    long access(Process p, long addr, boolean write) {
        Vma vma = p.findVma(addr);
        if (vma == null) {
            throw new SegmentationFault(p.pid, addr, "no mapping");
        }
        if ((vma.flags & (write ? VM_WRITE : VM_READ)) == 0) {
            throw new SegmentationFault(p.pid, addr, (write ? "write to " : "read of ") + vma);
        }
        long vpn = addr >>> PageStore.PAGE_SHIFT;
        long pte = p.pageTable.get(vpn);
        if (!PageTable.present(pte)) {
            minorFaults++;
            pte = doFault(p, vma, vpn, write);
        } else if (write && !PageTable.writable(pte)) {
            minorFaults++;
            pte = doWpPage(p, vma, vpn, pte);
        }
        if (write && (pte & PageTable.SOFT_DIRTY) == 0) {
            pte |= PageTable.SOFT_DIRTY;
            p.pageTable.set(vpn, pte);
        }
        return pte;
    }

    /**
     * A write fault that unshares the present page at {@code vpn} (a COW copy; the contents are
     * unchanged), as KSM's unmerge takes one; nothing when the pte or its VMA is gone.
     * @see "mm/ksm.c: break_ksm (handle_mm_fault with FAULT_FLAG_UNSHARE)"
     */
    void unshare(Process p, long vpn) {
        Vma vma = p.findVma(vpn << PageStore.PAGE_SHIFT);
        long pte = p.pageTable.get(vpn);
        if (vma == null || !PageTable.present(pte)) {
            return;
        }
        minorFaults++;
        doWpPage(p, vma, vpn, pte);
    }

    /** A fault on a pte_none entry. @see "mm/memory.c: do_pte_missing" */
    private long doFault(Process p, Vma vma, long vpn, boolean write) {
        long pte;
        if (vma.file == null) {
            if (!write && config.readFaultZeroPage()) {
                pte = PageTable.make(PageStore.ZERO_FRAME, false); // do_anonymous_page: zero page
            } else {
                int frame = store.allocate(PageStore.F_ANON);
                rmap.mapFrame(frame);
                vmas.prepareAnonVma(p, vma);
                pte = PageTable.make(frame, (vma.flags & VmFlags.VM_WRITE) != 0);
            }
        } else {
            long index = vma.filePageIndex(vpn << PageStore.PAGE_SHIFT);
            if (index >= vma.file.sizePages()) {
                throw new SegmentationFault(p.pid, vpn << PageStore.PAGE_SHIFT, "SIGBUS: beyond the end of " + vma.file);
            }
            int pc = vma.file.pageCacheFrame(store, index);
            if ((vma.flags & VM_SHARED) != 0) {
                store.get(pc);
                rmap.mapFrame(pc);
                pte = PageTable.make(pc, (vma.flags & VM_WRITE) != 0);
            } else if (!write) {
                store.get(pc);
                rmap.mapFrame(pc);
                pte = PageTable.make(pc, false);
            } else {
                int frame = store.allocateCopy(pc, PageStore.F_ANON); // do_cow_fault
                rmap.mapFrame(frame);
                vmas.prepareAnonVma(p, vma);
                cowFaults++;
                pte = PageTable.make(frame, true);
            }
        }
        p.pageTable.set(vpn, pte);
        return pte;
    }

    /** A write to a present, write-protected pte. @see "mm/memory.c: do_wp_page" */
    private long doWpPage(Process p, Vma vma, long vpn, long pte) {
        int frame = PageTable.frame(pte);
        if ((vma.flags & VM_SHARED) != 0) {
            pte |= PageTable.WRITE; // wp_page_shared
            p.pageTable.set(vpn, pte);
            return pte;
        }
        int f = store.flags(frame);
        boolean merged = (f & (PageStore.F_KSM | PageStore.F_SKSM)) != 0;
        if (frame != PageStore.ZERO_FRAME && !merged && (f & PageStore.F_ANON) != 0
                && store.refcount(frame) == 1) {
            // wp_can_reuse_anon_folio: we hold the only reference and it is not a KSM page.
            pte |= PageTable.WRITE;
            p.pageTable.set(vpn, pte);
            return pte;
        }
        // wp_page_copy
        int copy = frame == PageStore.ZERO_FRAME ? store.allocate(PageStore.F_ANON) : store.allocateCopy(frame, PageStore.F_ANON);
        rmap.mapFrame(copy);
        vmas.prepareAnonVma(p, vma);
        cowFaults++;
        long newPte = PageTable.make(copy, true) | (pte & PageTable.SOFT_DIRTY);
        p.pageTable.set(vpn, newPte);
        if (frame == PageStore.ZERO_FRAME) {
            if ((pte & PageTable.KSM_ZERO) != 0) {
                merger.ksmZeroPteRemoved(p, vpn);
            }
        } else {
            if (merged) {
                merger.mergedPageCopied(p, vpn, frame); // before the old frame may be freed
            }
            rmap.unmapFrame(frame);
        }
        return newPte;
    }
}
