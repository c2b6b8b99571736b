package org.ksmlab.datasets.memory;

/**
 * A set of longs (open addressing, linear probing, no boxing; 0 is kept aside): 8 bytes a slot,
 * at most half full, so about 16 bytes per element. What bounds a capture's heap when contents
 * are stored, and the reader's hash → content id map's sibling.
 */
final class LongSet {
    private long[] slots = new long[1024];
    private int size;
    private boolean hasZero;

    /** Adds {@code v}; false when it was there already. */
    boolean add(long v) {
        if (v == 0) {
            boolean was = hasZero;
            hasZero = true;
            return !was;
        }
        if (2 * (size + 1) > slots.length) grow();
        int mask = slots.length - 1;
        int i = (int) mix(v) & mask;
        while (slots[i] != 0) {
            if (slots[i] == v) return false;
            i = (i + 1) & mask;
        }
        slots[i] = v;
        size++;
        return true;
    }

    int size() {
        return size + (hasZero ? 1 : 0);
    }

    private void grow() {
        long[] old = slots;
        slots = new long[old.length * 2];
        int mask = slots.length - 1;
        for (long v : old) {
            if (v == 0) continue;
            int i = (int) mix(v) & mask;
            while (slots[i] != 0) i = (i + 1) & mask;
            slots[i] = v;
        }
    }

    static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        return z ^ (z >>> 33);
    }
}
