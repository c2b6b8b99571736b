package org.ksmlab.engine.ksm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The rmap_items, one per (mm, virtual page) KSM has visited, as struct-of-arrays indexed by
 * item id (no object per page).
 *
 * <p>Layout per item: {@code slot} (int, the mm_slot: an index into the slots registered here,
 * {@link #mmSlot}, standing for the kernel's {@code rmap_item->mm}), {@code vpn} (long), {@code oldChecksum}
 * (int), {@code age} and {@code remainingSkips} (bytes, smart scan), {@code flags} (short: the
 * UNSTABLE/STABLE state and the low 8 bits of the scan sequence number, as the kernel packs
 * them into the low bits of {@code address}), {@code next} (int, the mm_slot's address-ordered
 * rmap_list) and, like the kernel's union, one set of link slots that is either the unstable
 * tree's node (left, right, parent, colour) while UNSTABLE, or the stable node's hlist
 * (next, prev, head) while STABLE. {@link #bytesPerItem()} is the figure reported as tracking
 * memory; the kernel's struct rmap_item is 64 bytes.
 *
 * <p>Two functions of mm/ksm.c hand back an rmap_item together with its page
 * ({@code scan_get_next_rmap_item} and {@code unstable_tree_search_insert}, the page through a
 * {@code struct page **} argument). Here they return both in one {@code long}, made by
 * {@link #itemAndPage} and read by {@link #itemOf} and {@link #pageOf}, or {@link #NO_ITEM}:
 * no object per scanned page, and no field carrying the page from one method to the next.
 */
final class RmapItems {
    static final int NONE = -1;
    /** No (rmap_item, page) pair: what {@link #itemAndPage} results are compared with. */
    static final long NO_ITEM = -1L;
    static final short UNSTABLE_FLAG = 0x100;
    static final short STABLE_FLAG = 0x200;
    static final short SEQNR_MASK = 0xff;

    int[] slot = new int[0];
    long[] vpn = new long[0];
    int[] oldChecksum = new int[0];
    byte[] age = new byte[0];
    byte[] remainingSkips = new byte[0];
    short[] flags = new short[0];
    int[] next = new int[0];
    /** The unstable tree; its link arrays double as the stable hlist links (see class doc). */
    final RbTree unstable = new RbTree();

    private int[] freeList = new int[64];
    private int freeCount;
    private int limit;
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
        return mmSlots.get(slot[item]);
    }

    /** Bytes per item of the arrays above (the model's tracking memory per page). */
    static int bytesPerItem() {
        return Integer.BYTES + Long.BYTES + Integer.BYTES + 1 + 1 + Short.BYTES + Integer.BYTES + RbTree.bytesPerNode();
    }

    /** Allocated item slots (capacity high-water mark), for the memory figure. */
    int capacity() {
        return slot.length;
    }

    int allocate(int slotId, long vpnValue) {
        int i;
        if (freeCount > 0) {
            i = freeList[--freeCount];
        } else {
            i = limit++;
            if (i >= slot.length) {
                int cap = Math.max(64, slot.length * 2);
                slot = Arrays.copyOf(slot, cap);
                vpn = Arrays.copyOf(vpn, cap);
                oldChecksum = Arrays.copyOf(oldChecksum, cap);
                age = Arrays.copyOf(age, cap);
                remainingSkips = Arrays.copyOf(remainingSkips, cap);
                flags = Arrays.copyOf(flags, cap);
                next = Arrays.copyOf(next, cap);
            }
            unstable.ensure(i);
        }
        slot[i] = slotId;
        vpn[i] = vpnValue;
        oldChecksum[i] = 0; // kmem_cache_zalloc
        age[i] = 0;
        remainingSkips[i] = 0;
        flags[i] = 0;
        next[i] = NONE;
        count++;
        return i;
    }

    void free(int i) {
        slot[i] = NONE;
        count--;
        if (freeCount == freeList.length) {
            freeList = Arrays.copyOf(freeList, freeCount * 2);
        }
        freeList[freeCount++] = i;
    }

    boolean isStable(int i) { return (flags[i] & STABLE_FLAG) != 0; }
    boolean isUnstable(int i) { return (flags[i] & UNSTABLE_FLAG) != 0; }

    // The stable-tree view of the shared link slots.
    int head(int i) { return unstable.parent[i]; }
    void setHead(int i, int node) { unstable.parent[i] = node; }
    int hlistNext(int i) { return unstable.left[i]; }
    void setHlistNext(int i, int n) { unstable.left[i] = n; }
    int hlistPrev(int i) { return unstable.right[i]; }
    void setHlistPrev(int i, int n) { unstable.right[i] = n; }

    /** Age as an unsigned byte (rmap_age_t). */
    int ageOf(int i) { return Byte.toUnsignedInt(age[i]); }
}
