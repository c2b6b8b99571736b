package org.ksmlab.engine.ksm;

import static org.ksmlab.engine.ksm.RmapItems.NONE;
import static org.ksmlab.engine.ksm.RmapItems.NO_ITEM;

import java.util.function.Consumer;
import org.ksmlab.engine.cost.WorkCounts;
import org.ksmlab.engine.memory.PageStore;
import org.ksmlab.engine.mm.PageTable;
import org.ksmlab.engine.mm.Process;
import org.ksmlab.engine.mm.Vma;

/**
 * ksmd's walk (struct ksm_scan) over the list of registered mms (ksm_mm_head, a circular list of
 * {@link MmSlot}s): the cursor (mm_slot, address, position in that mm's rmap_list, and seqnr,
 * the completed full scans), and the rmap_items' life along it. Each call of
 * {@link #nextRmapItem} moves the cursor to the next present anonymous page of a VM_MERGEABLE
 * VMA and returns its rmap_item, creating it on the first visit and freeing the items of
 * addresses that are no longer mergeable as it passes them. A newly registered mm goes just
 * behind the cursor ({@link #enter}), so it is normally first scanned in the next pass.
 */
final class KsmScan {
    private final RmapItems items;
    private final StableTree stable;
    private final UnstableTree unstable;
    private final KsmCounters counters;
    private final KsmKnobs knobs;
    private final Ksmd ksmd;
    private final PageStore store;
    private final WorkCounts work;

    /** ksm_mm_head: the sentinel of the circular mm_slot list (its links are null until the first mm registers). */
    private final MmSlot head = new MmSlot(-1, null);
    /** ksm_scan.mm_slot: the mm being scanned, or the head between passes. */
    private MmSlot mmSlot = head;
    /** ksm_scan.address, as a virtual page number: the next page to look at. */
    private long address;
    /**
     * ksm_scan.rmap_list: the cursor's place in the mm's address-ordered rmap_list, as the vpn of
     * the item it follows (-1: the list's head).
     */
    private long rmapListPrev = -1;
    /** ksm_scan.seqnr: completed full scans. */
    private long seqnr;

    KsmScan(RmapItems items, StableTree stable, UnstableTree unstable, KsmCounters counters, KsmKnobs knobs, Ksmd ksmd,
            PageStore store, WorkCounts work) {
        this.items = items;
        this.stable = stable;
        this.unstable = unstable;
        this.counters = counters;
        this.knobs = knobs;
        this.ksmd = ksmd;
        this.store = store;
        this.work = work;
    }

    /** Completed full scans (full_scans). */
    long seqnr() {
        return seqnr;
    }

    /** Whether any mm is registered (ksmd has something to scan). */
    boolean hasMms() {
        return head.next != null && head.next != head;
    }

    /**
     * Registers {@code mm}: just behind the cursor, so the current pass does not see it (at the
     * tail while run=2 unmerges).
     * @see "mm/ksm.c: __ksm_enter"
     */
    void enter(KsmMm mm) {
        if (mm.slot != null) {
            return;
        }
        MmSlot slot = items.addMmSlot(mm);
        mm.slot = slot;
        if (head.next == null) {
            head.next = head;
            head.prev = head;
        }
        MmSlot before = knobs.run == 2 ? head : mmSlot;
        // list_add_tail(new, &before->mm_node): insert just before `before`.
        slot.prev = before.prev;
        slot.next = before;
        before.prev.next = slot;
        before.prev = slot;
    }

    /**
     * The mm's process exits: a slot without items leaves at once; otherwise it is marked and
     * moved just after the cursor, so ksmd frees its rmap_items soon.
     * @see "mm/ksm.c: __ksm_exit"
     */
    void exit(KsmMm mm) {
        MmSlot slot = mm.slot;
        if (mmSlot != slot && !items.hasItems(slot)) {
            unlink(slot);
            return;
        }
        slot.exiting = true;
        if (mmSlot != slot) {
            // list_move to just after the cursor.
            slot.prev.next = slot.next;
            slot.next.prev = slot.prev;
            slot.prev = mmSlot;
            slot.next = mmSlot.next;
            mmSlot.next.prev = slot;
            mmSlot.next = slot;
        }
    }

    private void unlink(MmSlot slot) {
        slot.prev.next = slot.next;
        slot.next.prev = slot.prev;
        slot.mm.slot = null;
    }

    /**
     * Advances the cursor to the next present anonymous page of a VM_MERGEABLE VMA and returns
     * its rmap_item with the page ({@link RmapItems#itemAndPage}), or {@link RmapItems#NO_ITEM}
     * at the end of a full pass or when no mm is registered.
     * @see "mm/ksm.c: scan_get_next_rmap_item"
     */
    long nextRmapItem() {
        if (!hasMms()) {
            return NO_ITEM;
        }
        MmSlot slot = mmSlot;
        if (slot == head) {
            // A new pass: the unstable tree is rebuilt from scratch every pass.
            ksmd.fullScanStarted(knobs);
            work.passes++; // lru_add_drain_all() and the other fixed costs of a pass
            unstable.reset();
            slot = head.next;
            mmSlot = slot;
            if (slot == head) {
                return NO_ITEM;
            }
            address = 0;
            rmapListPrev = -1;
        }
        while (true) {
            if (!slot.exiting) {
                Process p = slot.mm.process;
                PageTable pt = p.pageTable();
                for (Vma vma = p.vmaAtOrAfter(address << PageStore.PAGE_SHIFT); vma != null; vma = p.nextVma(vma)) {
                    if (!vma.isMergeable()) {
                        continue;
                    }
                    long startVpn = vma.start() >>> PageStore.PAGE_SHIFT;
                    long endVpn = vma.end() >>> PageStore.PAGE_SHIFT;
                    if (address < startVpn) {
                        address = startVpn;
                    }
                    if (!vma.hasAnonVma()) {
                        address = endVpn;
                    }
                    while (address < endVpn) {
                        work.pagesVisited++;
                        long pte = pt.get(address);
                        if (PageTable.present(pte) && store.hasFlag(PageTable.frame(pte), PageStore.F_ANON)) {
                            int frame = PageTable.frame(pte);
                            int item = getNextRmapItem(slot, address);
                            rmapListPrev = address;
                            address++;
                            if (shouldSkipRmapItem(frame, item)) {
                                continue;
                            }
                            return RmapItems.itemAndPage(item, frame);
                        }
                        address++;
                    }
                }
            } else {
                address = 0; // no_vmas
                rmapListPrev = -1;
            }
            // Nuke the rmap_items above the cursor: no VM_MERGEABLE VMA has such addresses.
            removeTrailingRmapItems(slot, rmapListPrev);
            MmSlot nextSlot = slot.next;
            mmSlot = nextSlot;
            if (address == 0) {
                // No VM_MERGEABLE VMA (or the mm exited): drop the mm from KSM, as __ksm_exit would.
                // Only MMF_VM_MERGEABLE goes: merge-any stays, so a merge-any process that maps
                // memory later is entered again (ksm_add_vma), as 6.18 does (measured: the
                // "exec/fork inheritance support for prctl" fix).
                unlink(slot);
            }
            if (nextSlot != head) {
                slot = nextSlot;
                address = 0;
                rmapListPrev = -1;
                continue;
            }
            ksmd.fullScanCompleted(knobs);
            seqnr++;
            return NO_ITEM;
        }
    }

    /** Where the last {@link #upcomingPages} stopped looking: its mm_slot and the vpn after its last pte. */
    private MmSlot lookSlot;
    private long lookEnd;

    /** Whether the cursor has passed what {@link #upcomingPages} last looked at. */
    boolean pastLookAhead() {
        return mmSlot != lookSlot || address >= lookEnd;
    }

    /**
     * Not a kernel path ({@link TreePrefetch}): the frames of up to {@code frames.length} pages
     * that the cursor will next hand to cmp_and_merge_page for a tree search, as far as a look
     * that changes nothing can tell: present anonymous pages of the cursor's mm that are not KSM
     * pages and that smart scan will not skip, found among at most {@code maxVisits} ptes. The
     * guess may be wrong (a page can change before the cursor gets there); it only decides which
     * cache lines are warmed.
     */
    int upcomingPages(int[] frames, int maxVisits) {
        MmSlot slot = mmSlot;
        lookSlot = slot;
        lookEnd = Long.MAX_VALUE;
        if (slot == head || slot.exiting) {
            return 0;
        }
        Process p = slot.mm.process;
        PageTable pt = p.pageTable();
        long a = address;
        int n = 0;
        int visits = 0;
        for (Vma vma = p.vmaAtOrAfter(a << PageStore.PAGE_SHIFT); vma != null; vma = p.nextVma(vma)) {
            if (!vma.isMergeable() || !vma.hasAnonVma()) {
                continue;
            }
            long endVpn = vma.end() >>> PageStore.PAGE_SHIFT;
            a = Math.max(a, vma.start() >>> PageStore.PAGE_SHIFT);
            for (; a < endVpn; a++) {
                if (n == frames.length || visits == maxVisits) {
                    lookEnd = a;
                    return n;
                }
                visits++;
                long pte = pt.get(a);
                if (!PageTable.present(pte)) {
                    continue;
                }
                int frame = PageTable.frame(pte);
                int flags = store.flags(frame);
                if ((flags & PageStore.F_ANON) == 0 || (flags & PageStore.F_KSM) != 0) {
                    continue;
                }
                int item = items.itemAt(slot, a);
                if (knobs.smartScan && item != NONE && items.ageOf(item) >= 3 && items.remainingSkips(item) > 0) {
                    continue;
                }
                frames[n++] = frame;
            }
        }
        return n;
    }

    /**
     * The item of {@code vpn} in the slot's rmap_list, made if missing; the stale items between
     * the cursor and it (their addresses are no longer mergeable) are freed on the way, in
     * address order.
     * @see "mm/ksm.c: get_next_rmap_item"
     */
    private int getNextRmapItem(MmSlot slot, long vpn) {
        if (vpn > rmapListPrev + 1) {
            items.forEachBetween(slot, rmapListPrev, vpn, this::removeAndFree);
        }
        int item = items.itemAt(slot, vpn);
        if (item != NONE) {
            return item;
        }
        item = items.allocate(slot, vpn);
        counters.rmapItemAllocated(slot.mm.counters);
        return item;
    }

    private void freeRmapItem(int item) {
        counters.rmapItemFreed(items.mmSlot(item).mm.counters);
        items.free(item);
    }

    /** Frees the slot's rmap_items after the vpn {@code prev} (-1: all of them). @see "mm/ksm.c: remove_trailing_rmap_items" */
    private void removeTrailingRmapItems(MmSlot slot, long prev) {
        items.forEachBetween(slot, prev, Long.MAX_VALUE, this::removeAndFree);
    }

    /** A stale rmap_item goes: out of its tree, then freed. */
    private void removeAndFree(int item) {
        removeRmapItemFromTree(item);
        freeRmapItem(item);
    }

    /**
     * Takes {@code item} out of whichever tree its flags say it is in, with the counters.
     * @see "mm/ksm.c: remove_rmap_item_from_tree"
     */
    void removeRmapItemFromTree(int item) {
        if (items.isStable(item)) {
            stable.removeRmapItem(item);
        } else if (items.isUnstable(item)) {
            unstable.remove(item, seqnr);
        }
    }

    /**
     * Smart scan: a page that has failed to merge on several visits is skipped for a growing
     * number of passes (1, 2, 4, then 8).
     * @see "mm/ksm.c: should_skip_rmap_item"
     */
    private boolean shouldSkipRmapItem(int frame, int item) {
        if (!knobs.smartScan) {
            return false;
        }
        // Never skip pages that are already KSM: cmp_and_merge_page must still account them.
        if (store.hasFlag(frame, PageStore.F_KSM)) {
            return false;
        }
        int age = items.ageOf(item);
        if (age != 255) {
            items.setAge(item, age + 1);
        }
        // Young pages are not skipped: they need their chance to go through the merge phases.
        if (age < 3) {
            return false;
        }
        if (items.remainingSkips(item) == 0) {
            items.setRemainingSkips(item, skipAge(age));
            return false;
        }
        counters.pageSkipped();
        items.setRemainingSkips(item, items.remainingSkips(item) - 1);
        removeRmapItemFromTree(item);
        return true;
    }

    /** @see "mm/ksm.c: skip_age" */
    static int skipAge(int age) {
        if (age <= 3) return 1;
        if (age <= 5) return 2;
        if (age <= 8) return 4;
        return 8;
    }

    /**
     * run=2: for every registered mm, {@code unmerge} breaks its KSM pages (skipped for exiting
     * mms), then its rmap_items are freed and an exiting mm leaves the list; the cursor ends at
     * the head and full_scans restarts from 0. The stable nodes left without mappings go too.
     * @see "mm/ksm.c: unmerge_and_remove_all_rmap_items"
     */
    void removeAllRmapItems(Consumer<Process> unmerge) {
        if (head.next == null) {
            return;
        }
        mmSlot = head.next;
        for (MmSlot slot = mmSlot; slot != head; slot = mmSlot) {
            if (!slot.exiting) {
                unmerge.accept(slot.mm.process);
            }
            removeTrailingRmapItems(slot, -1);
            mmSlot = slot.next;
            if (slot.exiting) {
                unlink(slot);
            }
        }
        stable.removeAllStableNodes();
        seqnr = 0;
    }
}
