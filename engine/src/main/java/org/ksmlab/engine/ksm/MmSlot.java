package org.ksmlab.engine.ksm;

import org.ksmlab.engine.memory.PageStore;
import org.ksmlab.engine.mm.Vma;

/**
 * struct ksm_mm_slot: one registered mm on ksmd's circular list ({@link KsmScan}), with the
 * head of its address-ordered rmap_list.
 */
final class MmSlot {
    /** Index of this slot among {@link RmapItems}' slots (what an rmap_item stores for its mm). */
    final int id;
    /** The mm; null for the list head (ksm_mm_head). */
    final KsmMm mm;
    /**
     * This mm's rmap_items, as leaves of {@link RmapItems#PER_LEAF} consecutive pages by
     * {@code vpn >>> 9}: iterated in key order they are the kernel's address-ordered rmap_list.
     */
    final java.util.TreeMap<Long, Integer> leaves = new java.util.TreeMap<>();
    /** The leaf last looked up ({@link RmapItems#leafOf}) and its key: ksmd visits pages in address order. */
    long lastLeafKey = -1;
    int lastLeaf = -1;
    MmSlot prev;
    MmSlot next;
    /** The process exited: ksmd frees its rmap_items and the slot on its next visit. */
    boolean exiting;

    MmSlot(int id, KsmMm mm) {
        this.id = id;
        this.mm = mm;
    }

    /**
     * The VMA at virtual page {@code vpn} if KSM may still merge there (VM_MERGEABLE, with
     * anonymous pages), else null; always null once the mm is exiting.
     * @see "mm/ksm.c: find_mergeable_vma"
     */
    Vma findMergeableVma(long vpn) {
        if (exiting) {
            return null;
        }
        Vma vma = mm.process.findVma(vpn << PageStore.PAGE_SHIFT);
        if (vma == null || !vma.isMergeable() || !vma.hasAnonVma()) {
            return null;
        }
        return vma;
    }
}
