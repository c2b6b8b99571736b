package org.ksmlab.engine.workload;

import java.util.SplittableRandom;

/** Seeded permutations, the one shuffle every workload and benchmark uses (so layouts agree everywhere). */
public final class Shuffle {
    private Shuffle() {
    }

    /** A permutation of {@code 0..n-1}: Fisher-Yates from the end, {@code rng.nextInt(i + 1)}. */
    public static int[] permutation(int n, SplittableRandom rng) {
        return permutation(new int[n], rng);
    }

    /** {@link #permutation(int, SplittableRandom)} of {@code 0..a.length-1} written into {@code a} (the same draws). */
    public static int[] permutation(int[] a, SplittableRandom rng) {
        int n = a.length;
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }
}
