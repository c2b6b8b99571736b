package org.ksmlab.engine.memory;

/**
 * An int → int hash map off the Java heap, for maps with an entry per page or per merged page
 * (KSM's frame → stable node): open addressing with linear probing over one
 * {@link OffHeapArray} of longs ({@code key << 32 | value}; keys are non-negative ids, an empty
 * slot is -1), doubling when 70 % full, removal by backward shift (no tombstones, so a probe
 * never crosses a hole). The layout follows Agrona's {@code Int2IntHashMap}, which keeps its
 * slots on the heap.
 */
public final class OffHeapIntMap implements AutoCloseable {
    private static final long EMPTY = -1L;
    private OffHeapArray slots;
    private long capacity;
    private long size;
    private final int missingValue;

    /** A map whose {@link #get} answers {@code missingValue} for absent keys. */
    public OffHeapIntMap(int missingValue) {
        this.missingValue = missingValue;
        this.slots = newSlots(1024);
        this.capacity = 1024;
    }

    private static OffHeapArray newSlots(long n) {
        OffHeapArray a = OffHeapArray.longs();
        a.ensure(n);
        for (long i = 0; i < n; i++) {
            a.setLong(i, EMPTY);
        }
        return a;
    }

    private long home(int key) {
        long h = (key & 0xffffffffL) * 0x9E3779B97F4A7C15L;
        return (h ^ (h >>> 32)) & (capacity - 1);
    }

    public int get(int key) {
        for (long i = home(key); ; i = (i + 1) & (capacity - 1)) {
            long e = slots.getLong(i);
            if (e == EMPTY) return missingValue;
            if ((int) (e >>> 32) == key) return (int) e;
        }
    }

    /** Maps {@code key} (>= 0) to {@code value}. */
    public void put(int key, int value) {
        if (key < 0) throw new IllegalArgumentException("key " + key + ": expected >= 0");
        long entry = ((long) key << 32) | (value & 0xffffffffL);
        for (long i = home(key); ; i = (i + 1) & (capacity - 1)) {
            long e = slots.getLong(i);
            if (e == EMPTY) {
                slots.setLong(i, entry);
                if (++size * 10 > capacity * 7) grow();
                return;
            }
            if ((int) (e >>> 32) == key) {
                slots.setLong(i, entry);
                return;
            }
        }
    }

    public void remove(int key) {
        long mask = capacity - 1;
        long i = home(key);
        while (true) {
            long e = slots.getLong(i);
            if (e == EMPTY) return;
            if ((int) (e >>> 32) == key) break;
            i = (i + 1) & mask;
        }
        // Backward shift: pull later entries of the run into the hole unless their home lies
        // cyclically in (hole, j], where they are already reachable.
        long j = i;
        while (true) {
            j = (j + 1) & mask;
            long e = slots.getLong(j);
            if (e == EMPTY) break;
            long k = home((int) (e >>> 32));
            boolean reachable = i <= j ? (i < k && k <= j) : (i < k || k <= j);
            if (!reachable) {
                slots.setLong(i, e);
                i = j;
            }
        }
        slots.setLong(i, EMPTY);
        size--;
    }

    public long size() {
        return size;
    }

    /** Bytes mapped for the slots. */
    public long reservedBytes() {
        return slots.reservedBytes();
    }

    private void grow() {
        OffHeapArray old = slots;
        long oldCapacity = capacity;
        capacity = oldCapacity * 2;
        slots = newSlots(capacity);
        for (long i = 0; i < oldCapacity; i++) {
            long e = old.getLong(i);
            if (e != EMPTY) {
                long j = home((int) (e >>> 32));
                while (slots.getLong(j) != EMPTY) j = (j + 1) & (capacity - 1);
                slots.setLong(j, e);
            }
        }
        old.close();
    }

    @Override
    public void close() {
        slots.close();
    }
}
