package org.ksmlab.engine.mm;

import java.util.function.LongConsumer;

/**
 * A process's page table: virtual page number → pte. Two levels like the hardware's last two:
 * leaves of {@link #PTES_PER_TABLE} ptes (one PTE page), found through an open-addressing
 * table of leaf numbers. A pte is a {@code long}:
 * bits 0-31 frame id, {@link #PRESENT}, {@link #WRITE} (hardware writable), {@link #SOFT_DIRTY},
 * {@link #KSM_ZERO} (a zero-page mapping made by KSM's use_zero_pages). 0 is pte_none.
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

    private long[] keys = new long[64];
    private long[][] leaves = new long[64][];
    private int leafCount;
    /** Present ptes (the process's rss in pages, zero-page mappings included). */
    private long present;
    // One-entry cache of the last leaf looked up: most accesses are sequential.
    private long lastKey = -1;
    private long[] lastLeaf;

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

    public long get(long vpn) {
        long[] leaf = leaf(vpn >>> LEAF_SHIFT, false);
        return leaf == null ? 0 : leaf[(int) (vpn & (PTES_PER_TABLE - 1))];
    }

    public void set(long vpn, long pte) {
        long[] leaf = leaf(vpn >>> LEAF_SHIFT, pte != 0);
        if (leaf == null) {
            return;
        }
        int i = (int) (vpn & (PTES_PER_TABLE - 1));
        long old = leaf[i];
        if (present(old) != present(pte)) {
            present += present(pte) ? 1 : -1;
        }
        leaf[i] = pte;
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
            long[] leaf = leaf(key, false);
            long leafEnd = Math.min(toVpn, (key + 1) << LEAF_SHIFT);
            if (leaf != null) {
                for (long v = vpn; v < leafEnd; v++) {
                    if (leaf[(int) (v & (PTES_PER_TABLE - 1))] != 0) {
                        action.accept(v);
                    }
                }
            }
            vpn = leafEnd;
        }
    }

    private long[] leaf(long key, boolean create) {
        if (key == lastKey) {
            return lastLeaf;
        }
        int mask = keys.length - 1;
        int i = (int) mix(key) & mask;
        while (leaves[i] != null) {
            if (keys[i] == key) {
                lastKey = key;
                lastLeaf = leaves[i];
                return lastLeaf;
            }
            i = (i + 1) & mask;
        }
        if (!create) {
            return null;
        }
        if ((leafCount + 1) * 2 > keys.length) {
            grow();
            return leaf(key, true);
        }
        keys[i] = key;
        leaves[i] = new long[PTES_PER_TABLE];
        leafCount++;
        lastKey = key;
        lastLeaf = leaves[i];
        return lastLeaf;
    }

    private void grow() {
        long[] oldKeys = keys;
        long[][] oldLeaves = leaves;
        keys = new long[oldKeys.length * 2];
        leaves = new long[oldKeys.length * 2][];
        int mask = keys.length - 1;
        for (int j = 0; j < oldKeys.length; j++) {
            if (oldLeaves[j] != null) {
                int i = (int) mix(oldKeys[j]) & mask;
                while (leaves[i] != null) {
                    i = (i + 1) & mask;
                }
                keys[i] = oldKeys[j];
                leaves[i] = oldLeaves[j];
            }
        }
        lastKey = -1;
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
