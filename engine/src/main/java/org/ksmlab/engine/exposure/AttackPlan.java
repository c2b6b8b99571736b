package org.ksmlab.engine.exposure;

import java.util.List;

/**
 * How the attacker probes, and how many seeded trials measure it.
 *
 * <p>Each trial, at a start time drawn from {@code [startFromMs, startToMs]}, the attacker writes
 * {@code 2 × probesPerWait} probe pages for each wait in {@code waitsMs}: {@code probesPerWait}
 * guesses the victim holds and as many it does not, in a shuffled order; it offers each page for
 * merging with its own madvise(MADV_MERGEABLE), times that call, and after the group's wait times
 * one store to each page of the group. One probe is one decision.
 *
 * @param waitsMs       how long the attacker waits before timing a group's stores, virtual ms,
 *                      ascending, each at least 1
 * @param probesPerWait guesses the victim holds per wait (and as many it does not), at least 1
 * @param startFromMs   earliest attack start, virtual ms after the workload started
 * @param startToMs     latest attack start (the start is drawn uniformly in between, per trial)
 * @param trials        seeded trials per merger, at least 1
 * @param seed          seed of every trial's draws (the victim's secrets, the guesses, the order,
 *                      the start)
 */
public record AttackPlan(List<Long> waitsMs, int probesPerWait, long startFromMs, long startToMs, int trials, long seed) {
    /** The waits of the default plan, virtual ms: a quarter second to half a minute. */
    public static final List<Long> DEFAULT_WAITS_MS = List.of(250L, 500L, 1000L, 2000L, 4000L, 8000L, 16000L, 32000L);

    public AttackPlan {
        waitsMs = List.copyOf(waitsMs);
        if (waitsMs.isEmpty()) {
            throw new IllegalArgumentException("attack waits: none given; expected at least one wait in virtual ms, e.g. 250,1000,4000");
        }
        long previous = 0;
        for (long w : waitsMs) {
            if (w <= previous) {
                throw new IllegalArgumentException("attack wait " + w + " ms: expected waits >= 1 ms in ascending order, got " + waitsMs);
            }
            previous = w;
        }
        if (probesPerWait < 1) {
            throw new IllegalArgumentException("probes_per_wait=" + probesPerWait + ": expected >= 1");
        }
        if (startFromMs < 0 || startToMs < startFromMs) {
            throw new IllegalArgumentException("attack start window [" + startFromMs + ", " + startToMs
                    + "] ms: expected 0 <= from <= to");
        }
        if (trials < 1) {
            throw new IllegalArgumentException("trials=" + trials + ": expected >= 1");
        }
    }

    /** The longest wait, virtual ms. */
    public long longestWaitMs() {
        return waitsMs.get(waitsMs.size() - 1);
    }

    /** Probe pages per trial: two per guess pair, for every wait. */
    public int probePages() {
        return 2 * probesPerWait * waitsMs.size();
    }

    /** Pages the victim holds as its secrets: one per guess it holds. */
    public int secretPages() {
        return probesPerWait * waitsMs.size();
    }
}
