package org.ksmlab.engine.mm;

import java.util.Arrays;
import org.ksmlab.engine.memory.OffHeapArray;

/**
 * The last level of every process's page table, as the kernel's PTE pages: leaves of
 * {@link PageTable#PTES_PER_TABLE} packed ptes (an int each, see {@link PageTable}), off the Java
 * heap in one pool per kernel, with a free list so an exited process's leaves serve the next.
 */
final class PteLeaves implements AutoCloseable {
    private final OffHeapArray ptes = OffHeapArray.ints();
    /** Leaves ever handed out. */
    private int limit;
    private int[] free = new int[64];
    private int freeCount;

    /** A leaf of zero (none) ptes. */
    int allocate() {
        int leaf;
        if (freeCount > 0) {
            leaf = free[--freeCount];
            ptes.fillInts((long) leaf * PageTable.PTES_PER_TABLE, PageTable.PTES_PER_TABLE, 0);
        } else {
            leaf = limit++;
            ptes.ensure((long) limit * PageTable.PTES_PER_TABLE);
        }
        return leaf;
    }

    void free(int leaf) {
        if (freeCount == free.length) {
            free = Arrays.copyOf(free, freeCount * 2);
        }
        free[freeCount++] = leaf;
    }

    int get(int leaf, int index) {
        return ptes.getInt((long) leaf * PageTable.PTES_PER_TABLE + index);
    }

    void set(int leaf, int index, int packed) {
        ptes.setInt((long) leaf * PageTable.PTES_PER_TABLE + index, packed);
    }

    /** Bytes mapped for leaves. */
    long reservedBytes() {
        return ptes.reservedBytes();
    }

    @Override
    public void close() {
        ptes.close();
    }
}
