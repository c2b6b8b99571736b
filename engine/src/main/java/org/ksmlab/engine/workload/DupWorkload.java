package org.ksmlab.engine.workload;

import static org.ksmlab.engine.memory.PageStore.PAGE_SIZE;

import java.util.List;
import java.util.Map;
import org.ksmlab.engine.knobs.Param;
import org.ksmlab.engine.mm.Kernel;
import org.ksmlab.engine.mm.VmFlags;

/**
 * {@code dup}: {@code procs} processes, each with one anonymous private mapping of
 * {@code pages} pages, written once at start and made MADV_MERGEABLE (as the kernel
 * selftests and a VM host do). Page {@code i} holds content {@code i % distinct}, the same
 * content in every process; a {@code zero} fraction of each process's pages is written with
 * zeros; a {@code volatile} fraction is rewritten with fresh unique contents every
 * {@code period_ms}. Which pages are zero or volatile is drawn from {@code seed}, separately
 * for each process; the two sets are disjoint. Each process is a security domain of its own (a
 * guest is a tenant), as every spawned process is until told otherwise.
 */
final class DupWorkload implements Workload {
    static final WorkloadDefinition DEFINITION = new WorkloadDefinition("dup",
            "processes with anonymous memory of duplicated, zero and volatile pages",
            List.of(
                    Param.integer("pages", 1000, 1, 1L << 26, "pages per process"),
                    Param.integer("distinct", 0, 0, 1L << 26, "distinct contents; page i gets content i % distinct (0: every page distinct)"),
                    Param.integer("procs", 1, 1, 4096, "processes, each with the same contents"),
                    Param.fraction("zero", 0.0, "fraction of each process's pages written with zeros"),
                    Param.fraction("volatile", 0.0, "fraction of each process's pages rewritten every period_ms"),
                    Param.integer("period_ms", 100, 1, 1L << 40, "rewrite period of volatile pages, virtual ms"),
                    Param.integer("mergeable", 1, 0, 1, "1: madvise(MADV_MERGEABLE) the mapping after writing it"),
                    Param.integer("seed", 42, Long.MIN_VALUE, Long.MAX_VALUE, "seed of every random choice")),
            DupWorkload::new);


    private final WorkloadSpec spec;
    private final Map<String, Number> params;
    private final int pages;
    private final long distinct;
    private final int procs;
    private final double zero;
    private final double volatileFraction;
    private final long periodMs;
    private final boolean mergeable;
    private final long seed;
    private long nextVolatileId = DupLayout.VOLATILE_ID_BASE;

    private DupWorkload(WorkloadDefinition.Values v) {
        this.spec = v.spec();
        this.params = v.values();
        this.pages = v.getInt("pages");
        long d = v.getLong("distinct");
        this.distinct = d == 0 ? pages : d;
        this.procs = v.getInt("procs");
        this.zero = v.getDouble("zero");
        this.volatileFraction = v.getDouble("volatile");
        this.periodMs = v.getLong("period_ms");
        this.mergeable = v.getLong("mergeable") == 1;
        this.seed = v.getLong("seed");
        if (zero + volatileFraction > 1.0) {
            throw new IllegalArgumentException("workload 'dup': zero=" + zero + " plus volatile=" + volatileFraction + " exceeds 1");
        }
        if (d > pages) {
            throw new IllegalArgumentException("workload 'dup': distinct=" + d + " exceeds pages=" + pages
                    + ": page i holds content i % distinct, so at most " + pages + " contents occur (expected distinct <= pages, or 0 for all distinct)");
        }
        if ((long) pages * procs > 1L << 26) {
            throw new IllegalArgumentException("workload 'dup': pages*procs = " + (long) pages * procs + " exceeds the model's limit of 2^26 pages (256 GiB)");
        }
    }

    @Override public WorkloadSpec spec() { return spec; }
    @Override public long seed() { return seed; }
    @Override public Map<String, Number> params() { return params; }
    @Override public long framesAtMost() { return (long) pages * procs; }

    @Override
    public void start(Kernel kernel, Scheduler scheduler) {
        DupLayout layout = new DupLayout(params);
        for (int proc = 0; proc < procs; proc++) {
            int pid = kernel.spawn();
            long base = kernel.mmapAnonymous(pid, (long) pages * PAGE_SIZE);
            byte[] kind = layout.kinds(proc);
            int[] volatilePages = layout.volatilePages(proc);
            for (int i = 0; i < pages; i++) {
                long addr = base + (long) i * PAGE_SIZE;
                if (kind[i] == DupLayout.ZERO) {
                    kernel.writePage(pid, addr, (store, frame) -> store.fillZero(frame));
                } else {
                    long id = layout.initialId(i);
                    kernel.writePage(pid, addr, (store, frame) -> PageContents.fill(store, frame, seed, id));
                }
            }
            if (mergeable) {
                kernel.madvise(pid, base, (long) pages * PAGE_SIZE, VmFlags.MADV_MERGEABLE);
                scheduler.offeredForMerging();
            }
            if (volatilePages.length > 0) {
                long periodNanos = periodMs * 1_000_000L;
                scheduler.every(periodNanos, periodNanos, () -> {
                    for (int page : volatilePages) {
                        long id = nextVolatileId++;
                        kernel.writePage(pid, base + (long) page * PAGE_SIZE, (store, frame) -> PageContents.fill(store, frame, seed, id));
                    }
                });
            }
        }
    }
}
