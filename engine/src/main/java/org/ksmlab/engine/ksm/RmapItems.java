package org.ksmlab.engine.ksm;

import java.util.Arrays;

/**
 * The rmap_items, one per (mm, virtual page) KSM has visited, as struct-of-arrays indexed by
 * item id (no object per page).
 *
 * <p>Layout per item: {@code slot} (int, the mm_slot), {@code vpn} (long), {@code oldChecksum}
 * (int), {@code age} and {@code remainingSkips} (bytes, smart scan), {@code flags} (short: the
 * UNSTABLE/STABLE state and the low 8 bits of the scan sequence number, as the kernel packs
 * them into the low bits of {@code address}), {@code next} (int, the mm_slot's address-ordered
 * rmap_list) and, like the kernel's union, one set of link slots that is either the unstable
 * tree's node (left, right, parent, colour) while UNSTABLE, or the stable node's hlist
 * (next, prev, head) while STABLE. {@link #bytesPerItem()} is the figure reported as tracking
 * memory; the kernel's struct rmap_item is 64 bytes.
 */
final class RmapItems {
    static final int NONE = -1;
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
