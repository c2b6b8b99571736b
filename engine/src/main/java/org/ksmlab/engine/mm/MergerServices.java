package org.ksmlab.engine.mm;

import org.ksmlab.engine.memory.PageStore;

/**
 * What a merger may do to a process's page table: write-protect a pte, replace the page a pte
 * maps by an identical one, and break a merged mapping with an unsharing fault. The kernel
 * model's frame accounting ({@code Rmap}) follows each change, so mergers never touch mapcounts
 * or references themselves. A merger gets these from {@link Kernel#mergerServices()}.
 */
public final class MergerServices {
    private final PageStore store;
    private final Merger merger;
    private final Rmap rmap;
    private final Faults faults;

    MergerServices(PageStore store, Merger merger, Rmap rmap, Faults faults) {
        this.store = store;
        this.merger = merger;
        this.rmap = rmap;
        this.faults = faults;
    }

    /** Clears the write bit of the pte at {@code vpn}. @see "mm/ksm.c: write_protect_page" */
    public void writeProtect(Process p, long vpn) {
        long pte = p.pageTable.get(vpn);
        if (PageTable.writable(pte)) {
            p.pageTable.set(vpn, pte & ~PageTable.WRITE);
        }
    }

    /**
     * Replaces the pte at {@code vpn} with a read-only mapping of {@code newFrame} (taking a
     * reference and a mapping on it) and drops the old frame's mapping and reference.
     * {@code extraPteBits} may carry {@link PageTable#KSM_ZERO}.
     * @see "mm/ksm.c: replace_page"
     */
    public void replacePage(Process p, long vpn, int newFrame, long extraPteBits) {
        long old = p.pageTable.get(vpn);
        if (!PageTable.present(old)) {
            throw new IllegalStateException("replacePage on a non-present pte at vpn 0x" + Long.toHexString(vpn));
        }
        if (newFrame != PageStore.ZERO_FRAME) {
            store.get(newFrame);
            rmap.mapFrame(newFrame);
        }
        p.pageTable.set(vpn, PageTable.make(newFrame, false) | (old & PageTable.SOFT_DIRTY) | extraPteBits);
        int oldFrame = PageTable.frame(old);
        if (oldFrame != PageStore.ZERO_FRAME) {
            rmap.unmapFrame(oldFrame);
        } else if ((old & PageTable.KSM_ZERO) != 0) {
            merger.ksmZeroPteRemoved(p, vpn);
        }
    }

    /**
     * Breaks the sharing of a merged page at {@code vpn} by faulting it writable (a COW copy),
     * as KSM's unmerge does; the contents are unchanged.
     * @see "mm/ksm.c: break_ksm"
     */
    public void breakCow(Process p, long vpn) {
        faults.unshare(p, vpn);
    }
}
