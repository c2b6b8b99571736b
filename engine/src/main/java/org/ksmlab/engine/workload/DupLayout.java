package org.ksmlab.engine.workload;

import java.util.Map;
import java.util.SplittableRandom;

/**
 * What the {@code dup} workload puts in each page of each process: {@link DupWorkload} builds
 * the model's memory from it and the live-kernel driver builds real memory from it, so both
 * have the same equality structure: one {@link SplittableRandom} seeded {@code seed} draws one permutation per process
 * in process order; its first {@code round(zero*pages)} entries are zero pages, the next
 * {@code round(volatile*pages)} volatile pages; every other page {@code i} (and every volatile
 * page before its first rewrite) holds content {@code i % distinct}, key
 * {@link PageContents#key}{@code (seed, i % distinct)}.
 *
 * <p>Volatile rewrites use fresh content ids above {@link #VOLATILE_ID_BASE} (the model's base),
 * disjoint per process, so every rewrite is unique as in the model.
 */
public final class DupLayout {
    /** Page kinds. */
    public static final byte NORMAL = 0, ZERO = 1, VOLATILE = 2;
    /** Content ids of volatile rewrites start here (as in the model). */
    public static final long VOLATILE_ID_BASE = 1L << 40;

    /** Effective parameters of the spec (defaults filled in by the engine's definition). */
    public final int pages;
    public final long distinct;
    public final int procs;
    public final double zero;
    public final double volatileFraction;
    public final long periodMs;
    public final boolean mergeable;
    public final long seed;

    DupLayout(Map<String, Number> p) {
        this.pages = p.get("pages").intValue();
        long d = p.get("distinct").longValue();
        this.distinct = d == 0 ? pages : d;
        this.procs = p.get("procs").intValue();
        this.zero = p.get("zero").doubleValue();
        this.volatileFraction = p.get("volatile").doubleValue();
        this.periodMs = p.get("period_ms").longValue();
        this.mergeable = p.get("mergeable").longValue() == 1;
        this.seed = p.get("seed").longValue();
    }

    /** Parses and checks {@code specText} with the workload's definition; only {@code dup} has a layout. */
    public static DupLayout of(String specText) {
        Workload w = Workloads.create(specText);
        if (!w.spec().name().equals("dup")) {
            throw new IllegalArgumentException("only the 'dup' workload has a page layout (kernel-check runs dup), not '" + w.spec().name() + "'");
        }
        return new DupLayout(w.params());
    }

    public long totalPages() {
        return (long) pages * procs;
    }

    public int zeroCount() {
        return (int) Math.round(zero * pages);
    }

    public int volatileCount() {
        return (int) Math.round(volatileFraction * pages);
    }

    // The permutations are drawn one per process, in process order, from one generator: keep
    // the generator so that visiting processes in order costs one permutation each.
    private SplittableRandom drawRng;
    private int drawnProc = -1;
    private int[] drawnOrder;

    private int[] orderOf(int proc) {
        if (proc < 0 || proc >= procs) {
            throw new IllegalArgumentException("process " + proc + " of " + procs);
        }
        if (drawRng == null || proc < drawnProc) {
            drawRng = new SplittableRandom(seed);
            drawnProc = -1;
        }
        while (drawnProc < proc) {
            drawnOrder = Shuffle.permutation(pages, drawRng);
            drawnProc++;
        }
        return drawnOrder;
    }

    /** Page kinds of process {@code proc} (0-based). */
    public byte[] kinds(int proc) {
        int[] order = orderOf(proc);
        byte[] kind = new byte[pages];
        int zc = zeroCount();
        int vc = volatileCount();
        for (int i = 0; i < zc; i++) kind[order[i]] = ZERO;
        for (int i = 0; i < vc; i++) kind[order[zc + i]] = VOLATILE;
        return kind;
    }

    /** Volatile pages of process {@code proc} in the model's rewrite order. */
    public int[] volatilePages(int proc) {
        int[] order = orderOf(proc);
        int zc = zeroCount();
        int[] v = new int[volatileCount()];
        System.arraycopy(order, zc, v, 0, v.length);
        return v;
    }

    /** Content id of page {@code i} at start (not for zero pages). */
    public long initialId(int i) {
        return i % distinct;
    }

    /** Content key of page {@code i} at start (not for zero pages). */
    public long initialKey(int i) {
        return PageContents.key(seed, initialId(i));
    }

    /** Key of the {@code n}-th volatile rewrite of process {@code proc}: unique across processes and rewrites. */
    public long volatileKey(int proc, long n) {
        return PageContents.key(seed, VOLATILE_ID_BASE + ((long) proc << 34) + n);
    }
}
