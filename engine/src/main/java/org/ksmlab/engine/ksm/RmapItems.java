package org.ksmlab.engine.ksm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import org.agrona.collections.Long2LongHashMap;
import org.ksmlab.engine.memory.OffHeapArray;

/**
 * The rmap_items, one per (mm, virtual page) KSM has visited, with no object per page and no
 * field that names what its position already says.
 *
 * <h2>Where an item lives</h2>
 * Items of one mm_slot are kept in <em>leaves</em> of {@value #PER_LEAF} consecutive virtual
 * pages, as page tables keep ptes: an item's id is {@code leaf << 9 | (vpn & 511)}, so its mm
 * (the kernel's {@code rmap_item->mm}) and address ({@code ->address}) are its leaf's
 * ({@link #mmSlot}, {@link #vpn}) and the mm's address-ordered rmap_list (the kernel's
 * {@code ->rmap_list} link) is the order of ids in the slot's leaves ({@link MmSlot#leaves}).
 *
 * <h2>What an item holds: 12 bytes (the kernel's struct rmap_item: 64)</h2>
 * Three ints per id, off the heap ({@link OffHeapArray}):
 * <ul>
 * <li>{@code state}: the kernel's flags (UNSTABLE_FLAG, STABLE_FLAG and the low 8 bits of the
 *     scan sequence number it packs into {@code address}), whether the item exists, and smart
 *     scan's {@code age} and {@code remaining_skips};</li>
 * <li>{@code link}: the kernel's union of tree links. While STABLE, the stable node
 *     ({@code ->head}); while UNSTABLE, its node in the pass's unstable tree
 *     ({@link UnstableTree}, whose nodes are handed out per pass, not one per item);</li>
 * <li>{@code word}: {@code oldchecksum} while the item is not STABLE; while STABLE, the next
 *     item of its stable node's hlist ({@code ->hlist}, singly linked). A STABLE item's
 *     oldchecksum is the checksum of its KSM page's contents, which the stable node keeps
 *     ({@link StableNodes}), except when the page was merged without that checksum (a fork's
 *     page over max_page_sharing, a tree partner rewritten since its visit): then it waits in
 *     {@link #stableChecksums}. Leaving the stable tree puts it back, so every oldchecksum the
 *     kernel would read is the kernel's.</li>
 * </ul>
 *
 * <p>Two functions of mm/ksm.c hand back an rmap_item together with its page
 * ({@code scan_get_next_rmap_item} and {@code unstable_tree_search_insert}, the page through a
 * {@code struct page **} argument). Here they return both in one {@code long}, made by
 * {@link #itemAndPage} and read by {@link #itemOf} and {@link #pageOf}, or {@link #NO_ITEM}.
 */
final class RmapItems implements AutoCloseable {
    static final int NONE = -1;
    /** No (rmap_item, page) pair: what {@link #itemAndPage} results are compared with. */
    static final long NO_ITEM = -1L;
    static final int UNSTABLE_FLAG = 0x100;
    static final int STABLE_FLAG = 0x200;
    static final int SEQNR_MASK = 0xff;
    static final int PER_LEAF = 512;
    static final int LEAF_SHIFT = 9;
    /** Bytes per item: the three ints. */
    static final int BYTES_PER_ITEM = 3 * Integer.BYTES;

    private static final int FLAGS_MASK = 0x3ff;
    private static final int EXISTS = 1 << 10;
    private static final int AGE_SHIFT = 16;
    private static final int SKIPS_SHIFT = 24;

    private final OffHeapArray state = OffHeapArray.ints();
    private final OffHeapArray link = OffHeapArray.ints();
    private final OffHeapArray word = OffHeapArray.ints();
    /** oldchecksum of STABLE items whose KSM page's checksum differs from it (see the class comment). */
    private final Long2LongHashMap stableChecksums = new Long2LongHashMap(Long.MIN_VALUE);

    /** Per leaf: its mm_slot id, its first vpn, its live items. */
    private int[] leafSlot = new int[64];
    private long[] leafVpn = new long[64];
    private int[] leafLive = new int[64];
    private int leafLimit;
    private int[] freeLeaves = new int[64];
    private int freeLeafCount;
    /** Live items: the kernel's ksm_rmap_items. */
    long count;
    /** Every mm_slot ever registered, by id (ids are not reused: an exited mm's items keep theirs until ksmd frees them). */
    private final List<MmSlot> mmSlots = new ArrayList<>();

    /** An rmap_item and its page in one long (item in the high 32 bits, frame in the low 32). */
    static long itemAndPage(int item, int frame) {
        return ((long) item << 32) | (frame & 0xffffffffL);
    }

    /** The rmap_item of an {@link #itemAndPage} pair. */
    static int itemOf(long itemAndPage) {
        return (int) (itemAndPage >>> 32);
    }

    /** The page (frame) of an {@link #itemAndPage} pair. */
    static int pageOf(long itemAndPage) {
        return (int) itemAndPage;
    }

    /** A new mm_slot for {@code mm}, with the next id. */
    MmSlot addMmSlot(KsmMm mm) {
        MmSlot s = new MmSlot(mmSlots.size(), mm);
        mmSlots.add(s);
        return s;
    }

    /** The mm_slot of {@code item} (rmap_item->mm). */
    MmSlot mmSlot(int item) {
        return mmSlots.get(leafSlot[item >>> LEAF_SHIFT]);
    }

    /** The virtual page of {@code item} (rmap_item->address >> PAGE_SHIFT). */
    long vpn(int item) {
        return leafVpn[item >>> LEAF_SHIFT] + (item & (PER_LEAF - 1));
    }

    /** Bytes of tracking memory per item (the model's; the kernel's struct rmap_item is 64). */
    static int bytesPerItem() {
        return BYTES_PER_ITEM;
    }

    // ------------------------------------------------------------------ life and place

    /** The leaf of {@code slot} holding {@code vpn}, or NONE; the slot remembers the last one (scans go in address order). */
    private int leafOf(MmSlot slot, long vpn) {
        long key = vpn >>> LEAF_SHIFT;
        if (key == slot.lastLeafKey) {
            return slot.lastLeaf;
        }
        Integer leaf = slot.leaves.get(key);
        if (leaf == null) {
            return NONE;
        }
        slot.lastLeafKey = key;
        slot.lastLeaf = leaf;
        return leaf;
    }

    /** The item of {@code vpn} in {@code slot}, or NONE. */
    int itemAt(MmSlot slot, long vpn) {
        int leaf = leafOf(slot, vpn);
        if (leaf == NONE) return NONE;
        int item = (leaf << LEAF_SHIFT) | (int) (vpn & (PER_LEAF - 1));
        return exists(item) ? item : NONE;
    }

    /** A new item for {@code vpn} of {@code slot} (none there yet), with oldchecksum 0 as kmem_cache_zalloc gives. */
    int allocate(MmSlot slot, long vpn) {
        long key = vpn >>> LEAF_SHIFT;
        int leaf = leafOf(slot, vpn);
        if (leaf == NONE) {
            leaf = newLeaf(slot.id, key << LEAF_SHIFT);
            slot.leaves.put(key, leaf);
            slot.lastLeafKey = key;
            slot.lastLeaf = leaf;
        }
        int item = (leaf << LEAF_SHIFT) | (int) (vpn & (PER_LEAF - 1));
        state.setInt(item, EXISTS);
        link.setInt(item, NONE);
        word.setInt(item, 0);
        leafLive[leaf]++;
        count++;
        return item;
    }

    private int newLeaf(int slotId, long firstVpn) {
        int leaf;
        if (freeLeafCount > 0) {
            leaf = freeLeaves[--freeLeafCount];
        } else {
            leaf = leafLimit++;
            if (leaf >= leafSlot.length) {
                int cap = leafSlot.length * 2;
                leafSlot = Arrays.copyOf(leafSlot, cap);
                leafVpn = Arrays.copyOf(leafVpn, cap);
                leafLive = Arrays.copyOf(leafLive, cap);
            }
            long items = (long) leafLimit << LEAF_SHIFT;
            state.ensure(items);
            link.ensure(items);
            word.ensure(items);
        }
        leafSlot[leaf] = slotId;
        leafVpn[leaf] = firstVpn;
        leafLive[leaf] = 0;
        return leaf;
    }

    void free(int item) {
        state.setInt(item, 0);
        stableChecksums.remove(item);
        count--;
        int leaf = item >>> LEAF_SHIFT;
        if (--leafLive[leaf] == 0) {
            MmSlot slot = mmSlots.get(leafSlot[leaf]);
            slot.leaves.remove(leafVpn[leaf] >>> LEAF_SHIFT);
            if (slot.lastLeaf == leaf) {
                slot.lastLeafKey = -1;
                slot.lastLeaf = NONE;
            }
            if (freeLeafCount == freeLeaves.length) {
                freeLeaves = Arrays.copyOf(freeLeaves, freeLeafCount * 2);
            }
            freeLeaves[freeLeafCount++] = leaf;
        }
    }

    /**
     * Calls {@code action} with each item of {@code slot} whose vpn lies in {@code (after,
     * before)}, in address order (the order of the kernel's rmap_list); the action may free the
     * item it is given.
     */
    void forEachBetween(MmSlot slot, long after, long before, IntConsumer action) {
        if (before <= after + 1) {
            return;
        }
        long from = after + 1;
        // Leaves holding vpns from..before-1, in order; copied because the action may free a leaf.
        long firstKey = from >>> LEAF_SHIFT;
        long lastKey = (before - 1) >>> LEAF_SHIFT;
        if (firstKey == lastKey) { // within one leaf: no walk of the slot's leaves
            int leaf = leafOf(slot, from);
            if (leaf != NONE) {
                for (long v = from; v < before; v++) {
                    int item = (leaf << LEAF_SHIFT) | (int) (v & (PER_LEAF - 1));
                    if (exists(item)) {
                        action.accept(item);
                    }
                }
            }
            return;
        }
        List<Map.Entry<Long, Integer>> leaves = new ArrayList<>(slot.leaves.subMap(firstKey, true, lastKey, true).entrySet());
        for (Map.Entry<Long, Integer> e : leaves) {
            long leafFirst = e.getKey() << LEAF_SHIFT;
            int leaf = e.getValue();
            long lo = Math.max(from, leafFirst);
            long hi = Math.min(before, leafFirst + PER_LEAF);
            for (long v = lo; v < hi; v++) {
                int item = (leaf << LEAF_SHIFT) | (int) (v & (PER_LEAF - 1));
                if (exists(item)) {
                    action.accept(item);
                }
            }
        }
    }

    /** Whether {@code slot} has any item. */
    boolean hasItems(MmSlot slot) {
        return !slot.leaves.isEmpty();
    }

    // ------------------------------------------------------------------ fields

    boolean exists(int item) {
        return (state.getInt(item) & EXISTS) != 0;
    }

    /** The kernel's flags: UNSTABLE_FLAG or STABLE_FLAG, and the scan sequence number's low 8 bits. */
    int flags(int item) {
        return state.getInt(item) & FLAGS_MASK;
    }

    void setFlags(int item, int flags) {
        int s = state.getInt(item);
        state.setInt(item, (s & ~FLAGS_MASK) | (flags & FLAGS_MASK));
    }

    boolean isStable(int item) { return (flags(item) & STABLE_FLAG) != 0; }
    boolean isUnstable(int item) { return (flags(item) & UNSTABLE_FLAG) != 0; }

    /** Age as an unsigned byte (rmap_age_t). */
    int ageOf(int item) {
        return (state.getInt(item) >>> AGE_SHIFT) & 0xff;
    }

    void setAge(int item, int age) {
        int s = state.getInt(item);
        state.setInt(item, (s & ~(0xff << AGE_SHIFT)) | ((age & 0xff) << AGE_SHIFT));
    }

    /** remaining_skips (0..8). */
    int remainingSkips(int item) {
        return (state.getInt(item) >>> SKIPS_SHIFT) & 0xff;
    }

    void setRemainingSkips(int item, int skips) {
        int s = state.getInt(item);
        state.setInt(item, (s & ~(0xff << SKIPS_SHIFT)) | ((skips & 0xff) << SKIPS_SHIFT));
    }

    /** oldchecksum of an item that is not STABLE. */
    int oldChecksum(int item) {
        assert !isStable(item) : "a STABLE item's word is its hlist link";
        return word.getInt(item);
    }

    void setOldChecksum(int item, int checksum) {
        word.setInt(item, checksum);
    }

    /** The stable node of a STABLE item ({@code ->head}), or the unstable-tree node of an UNSTABLE one. */
    int link(int item) {
        return link.getInt(item);
    }

    void setLink(int item, int node) {
        link.setInt(item, node);
    }

    /**
     * The item joins a stable node: its word becomes its hlist link {@code next}, and its
     * oldchecksum is kept aside when it differs from {@code nodeChecksum}, the checksum of the
     * node's contents.
     */
    void enterStable(int item, int node, int next, int nodeChecksum) {
        int old = word.getInt(item);
        if (old != nodeChecksum) {
            stableChecksums.put(item, old);
        }
        link.setInt(item, node);
        word.setInt(item, next);
        setFlags(item, STABLE_FLAG);
    }

    /** The item leaves its stable node: its oldchecksum is back ({@code nodeChecksum} unless it was kept aside) and its flags clear. */
    void leaveStable(int item, int nodeChecksum) {
        long kept = stableChecksums.remove(item);
        int old = kept == Long.MIN_VALUE ? nodeChecksum : (int) kept;
        word.setInt(item, old);
        setFlags(item, 0);
    }

    /** The next item on a STABLE item's hlist, or NONE. */
    int hlistNext(int item) {
        return word.getInt(item);
    }

    void setHlistNext(int item, int next) {
        word.setInt(item, next);
    }

    /** Bytes mapped for the items' ints. */
    long reservedBytes() {
        return state.reservedBytes() + link.reservedBytes() + word.reservedBytes();
    }

    @Override
    public void close() {
        state.close();
        link.close();
        word.close();
    }
}
