package org.ksmlab.datasets.memory;

/**
 * A map from long keys to int values (open addressing, linear probing, parallel arrays, a
 * {@code missing} sentinel instead of null; Agrona's Long2IntHashMap shape): the hash → content
 * id and hash → copies tables of a dataset, about 24 bytes per distinct page hash.
 */
public final class LongIntMap {
    private long[] keys = new long[1024];
    private int[] values = new int[1024];
    private boolean[] used = new boolean[1024];
    private int size;
    private final int missing;

    public LongIntMap(int missing) {
        this.missing = missing;
    }

    public int get(long key) {
        int mask = keys.length - 1;
        for (int i = (int) LongSet.mix(key) & mask; used[i]; i = (i + 1) & mask) {
            if (keys[i] == key) return values[i];
        }
        return missing;
    }

    public void put(long key, int value) {
        if (2 * (size + 1) > keys.length) grow();
        int mask = keys.length - 1;
        int i = (int) LongSet.mix(key) & mask;
        while (used[i]) {
            if (keys[i] == key) {
                values[i] = value;
                return;
            }
            i = (i + 1) & mask;
        }
        used[i] = true;
        keys[i] = key;
        values[i] = value;
        size++;
    }

    /** Adds {@code delta} to the value of {@code key} (missing counts as 0); returns the new value. */
    public int add(long key, int delta) {
        int v = get(key);
        int n = (v == missing ? 0 : v) + delta;
        put(key, n);
        return n;
    }

    public int size() {
        return size;
    }

    /** Every value, in no particular order. */
    public int[] values() {
        int[] out = new int[size];
        int k = 0;
        for (int i = 0; i < keys.length; i++) if (used[i]) out[k++] = values[i];
        return out;
    }

    private void grow() {
        long[] ok = keys;
        int[] ov = values;
        boolean[] ou = used;
        keys = new long[ok.length * 2];
        values = new int[ok.length * 2];
        used = new boolean[ok.length * 2];
        size = 0;
        for (int i = 0; i < ok.length; i++) if (ou[i]) put(ok[i], ov[i]);
    }
}
