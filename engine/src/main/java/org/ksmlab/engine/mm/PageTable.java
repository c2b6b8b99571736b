package org.ksmlab.engine.mm;

import java.util.function.LongConsumer;

/**
 * A process's page table: virtual page number → pte. Two levels like the hardware's last two:
 * leaves of {@link #PTES_PER_TABLE} ptes (one PTE page, from the kernel's pool of leaves,
 * {@link PteLeaves}), found through an open-addressing table of leaf numbers.
 *
 * <p>A pte as callers see it is a {@code long}: bits 0-31 frame id, {@link #PRESENT},
 * {@link #WRITE} (hardware writable), {@link #SOFT_DIRTY}, {@link #KSM_ZERO} (a zero-page mapping
 * made by KSM's use_zero_pages); 0 is pte_none, and every other pte is present. A leaf stores it
 * packed in an int: bits 0-28 the frame id + 1 (0: none), bit 29 WRITE, bit 30 SOFT_DIRTY, bit 31
 * KSM_ZERO, so frame ids stay below 2^29 - 1 ({@code PageStore.MAX_FRAMES}).
 */
public final class PageTable {
    public static final long PRESENT = 1L << 32;
    public static final long WRITE = 1L << 33;
    /** Set on every write; cleared by the soft-dirty tracker (Documentation/admin-guide/mm/soft-dirty.rst). */
    public static final long SOFT_DIRTY = 1L << 34;
    /** Zero page mapped by KSM (is_ksm_zero_pte): counted in ksm_zero_pages. */
    public static final long KSM_ZERO = 1L << 35;
    public static final int PTES_PER_TABLE = 512;
    private static final int LEAF_SHIFT = 9;
    private static final int P_FRAME = (1 << 29) - 1;
    private static final int P_WRITE = 1 << 29;
    private static final int P_SOFT_DIRTY = 1 << 30;
    private static final int P_KSM_ZERO = 1 << 31;
    private static final int NO_LEAF = -1;
    private static final long EMPTY = -1L;
    /** Leaf numbers fit the high half of a slot: vpns below 2^41 (user addresses are below 2^47 bytes, 2^35 pages). */
    private static final long MAX_KEY = (1L << 32) - 2;

    private final PteLeaves pool;
    /**
     * Open-addressing table of leaves: each slot holds a leaf number (vpn / 512) in its high
     * 32 bits and its leaf in the low 32, or {@link #EMPTY}; one array, so a lookup that misses
     * the cache misses it once, not once for the key and again for the leaf (the unstable-tree
     * walk looks up a page of another mm at every step: a quarter of a large run's time).
     */
    private long[] slots = newSlots(64);
    private int leafCount;
    /** Present ptes (the process's rss in pages, zero-page mappings included). */
    private long present;
    // One-entry cache of the last leaf looked up: most accesses are sequential.
    private long lastKey = -1;
    private int lastLeaf = NO_LEAF;

    PageTable(PteLeaves pool) {
        this.pool = pool;
    }

    private static long[] newSlots(int n) {
        long[] a = new long[n];
        java.util.Arrays.fill(a, EMPTY);
        return a;
    }

    private static long slot(long key, int leaf) {
        return (key << 32) | (leaf & 0xffffffffL);
    }

    public static int frame(long pte) {
        return (int) pte;
    }

    public static boolean present(long pte) {
        return (pte & PRESENT) != 0;
    }

    public static boolean writable(long pte) {
        return (pte & WRITE) != 0;
    }

    public static long make(int frame, boolean writable) {
        return (frame & 0xffffffffL) | PRESENT | (writable ? WRITE : 0);
    }

    private static long unpack(int p) {
        if (p == 0) {
            return 0;
        }
        return ((p & P_FRAME) - 1L) | PRESENT | ((p & P_WRITE) != 0 ? WRITE : 0)
                | ((p & P_SOFT_DIRTY) != 0 ? SOFT_DIRTY : 0) | ((p & P_KSM_ZERO) != 0 ? KSM_ZERO : 0);
    }

    private static int pack(long pte) {
        if (pte == 0) {
            return 0;
        }
        if (!present(pte)) {
            throw new IllegalArgumentException("a pte is none (0) or present: 0x" + Long.toHexString(pte));
        }
        int frame = frame(pte);
        if (frame < 0 || frame >= P_FRAME) {
            throw new IllegalArgumentException("frame " + frame + " beyond what a pte holds");
        }
        return (frame + 1) | ((pte & WRITE) != 0 ? P_WRITE : 0) | ((pte & SOFT_DIRTY) != 0 ? P_SOFT_DIRTY : 0)
                | ((pte & KSM_ZERO) != 0 ? P_KSM_ZERO : 0);
    }

    public long get(long vpn) {
        int leaf = leaf(vpn >>> LEAF_SHIFT, false);
        return leaf == NO_LEAF ? 0 : unpack(pool.get(leaf, (int) (vpn & (PTES_PER_TABLE - 1))));
    }

    public void set(long vpn, long pte) {
        int p = pack(pte);
        int leaf = leaf(vpn >>> LEAF_SHIFT, p != 0);
        if (leaf == NO_LEAF) {
            return;
        }
        int i = (int) (vpn & (PTES_PER_TABLE - 1));
        int old = pool.get(leaf, i);
        if ((old != 0) != (p != 0)) {
            present += p != 0 ? 1 : -1;
        }
        pool.set(leaf, i, p);
    }

    /** Present ptes. */
    public long presentCount() {
        return present;
    }

    /** Calls {@code action} with each vpn in {@code [fromVpn, toVpn)} whose pte is not none, in order. */
    public void forEachPresent(long fromVpn, long toVpn, LongConsumer action) {
        long vpn = fromVpn;
        while (vpn < toVpn) {
            long key = vpn >>> LEAF_SHIFT;
            int leaf = leaf(key, false);
            long leafEnd = Math.min(toVpn, (key + 1) << LEAF_SHIFT);
            if (leaf != NO_LEAF) {
                for (long v = vpn; v < leafEnd; v++) {
                    if (pool.get(leaf, (int) (v & (PTES_PER_TABLE - 1))) != 0) {
                        action.accept(v);
                    }
                }
            }
            vpn = leafEnd;
        }
    }

    private int leaf(long key, boolean create) {
        if (key == lastKey) {
            return lastLeaf;
        }
        int mask = slots.length - 1;
        int i = (int) mix(key) & mask;
        long s;
        while ((s = slots[i]) != EMPTY) {
            if (s >>> 32 == key) {
                lastKey = key;
                lastLeaf = (int) s;
                return lastLeaf;
            }
            i = (i + 1) & mask;
        }
        if (!create) {
            return NO_LEAF;
        }
        if (key < 0 || key > MAX_KEY) {
            throw new IllegalArgumentException("vpn " + (key << LEAF_SHIFT) + " beyond what a page table holds");
        }
        if ((leafCount + 1) * 2 > slots.length) {
            grow();
            return leaf(key, true);
        }
        int leaf = pool.allocate();
        slots[i] = slot(key, leaf);
        leafCount++;
        lastKey = key;
        lastLeaf = leaf;
        return leaf;
    }

    private void grow() {
        long[] old = slots;
        slots = newSlots(old.length * 2);
        int mask = slots.length - 1;
        for (long s : old) {
            if (s != EMPTY) {
                int i = (int) mix(s >>> 32) & mask;
                while (slots[i] != EMPTY) {
                    i = (i + 1) & mask;
                }
                slots[i] = s;
            }
        }
        lastKey = -1;
    }

    /**
     * Gives every leaf back to the pool once the address space is torn down (every pte is
     * none by then); the table reads as empty after.
     */
    void release() {
        if (present != 0) {
            throw new IllegalStateException("page table released with " + present + " present ptes");
        }
        for (long s : slots) {
            if (s != EMPTY) {
                pool.free((int) s);
            }
        }
        slots = newSlots(64);
        leafCount = 0;
        lastKey = -1;
        lastLeaf = NO_LEAF;
    }

    private static long mix(long k) {
        k *= 0x9E3779B97F4A7C15L;
        return k ^ (k >>> 29);
    }

    /** Bytes of page-table memory this table would take in the kernel (one 4 KiB page per leaf). */
    public long kernelBytes() {
        return (long) leafCount * 4096;
    }

    @Override
    public String toString() {
        return "PageTable[leaves=" + leafCount + ", present=" + present + "]";
    }

}
