package org.ksmlab.engine.workload;

import static org.ksmlab.engine.memory.PageStore.PAGE_SIZE;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.ksmlab.engine.mm.Kernel;
import org.ksmlab.engine.mm.VmFlags;

/**
 * Rebuilds a {@link MemoryImage} (captured real memory) in the model, deterministically: each
 * captured process becomes a process; each area an anonymous private mapping at the captured
 * address (MAP_FIXED, so the scan order inside an mm is the kernel's); each listed page is
 * written with the 4 KiB pattern of its content id ({@link PageContents#key}{@code (seed, id)}),
 * or zeros, or read (a zero-page mapping); the area then gets its captured protection. Then the
 * processes opt in: with {@code mergeAny} as the captured processes did, by prctl
 * PR_SET_MEMORY_MERGE (every area; an area the kernel would not make mergeable is advised
 * MADV_UNMERGEABLE, which the kernel honours under merge-any), and MADV_MERGEABLE on the others
 * (a no-op for ksm, and how SKSM's mergers are asked: it stands for the program's MADV_MERGE);
 * else MADV_MERGEABLE on the areas that were VM_MERGEABLE at capture.
 *
 * <p>Write activity: a page written in {@code w} of the sampling intervals over
 * {@link MemoryImage#activityMs()} is rewritten with a fresh content every
 * {@code activityMs / w} virtual ms from then on (the first time one period after opt-in), in
 * process, address order; the rewrites of one period are one event.
 *
 * <p>What this leaves out: page-cache pages of private file mappings (the area is anonymous in
 * the model; KSM never merges page-cache pages), VMAs without anonymous pages, and the
 * processes' other state; VMAs that were separate in the kernel may merge in the model (the
 * areas are all anonymous), which changes {@code vmas} but nothing KSM counts.
 */
public final class ImageWorkload implements Workload {
    /** Content ids of rewritten pages start here, far above any id a reader hands out. */
    static final long REWRITE_ID_BASE = 1L << 52;

    private final WorkloadSpec spec;
    private final Map<String, Number> params;
    private final MemoryImage image;
    private final long seed;
    private final boolean mergeAny;
    private final boolean activity;
    private long nextRewriteId = REWRITE_ID_BASE;

    /**
     * @param mergeAny opt in as merge-any processes (prctl) rather than by MADV_MERGEABLE per area
     * @param activity replay the recorded write activity (ignored when the image has none)
     */
    public ImageWorkload(WorkloadSpec spec, Map<String, Number> params, MemoryImage image, long seed, boolean mergeAny, boolean activity) {
        this.spec = spec;
        this.params = params;
        this.image = image;
        this.seed = seed;
        this.mergeAny = mergeAny;
        this.activity = activity && image.activityMs() > 0;
    }

    @Override public WorkloadSpec spec() { return spec; }
    @Override public long seed() { return seed; }
    @Override public Map<String, Number> params() { return params; }
    @Override public long framesAtMost() { return image.anonPages(); }

    public MemoryImage image() {
        return image;
    }

    @Override
    public void start(Kernel kernel, Scheduler scheduler) {
        // period (ms) -> {pid, address} pairs rewritten every period
        TreeMap<Long, List<long[]>> rewrites = new TreeMap<>();
        List<Integer> pids = new ArrayList<>();
        for (MemoryImage.Proc proc : image.processes()) {
            int pid = kernel.spawn();
            pids.add(pid);
            for (MemoryImage.Area a : proc.areas()) {
                kernel.mmap(pid, a.start(), a.pages() * PAGE_SIZE, VmFlags.PROT_READ | VmFlags.PROT_WRITE,
                        VmFlags.MAP_PRIVATE | VmFlags.MAP_ANONYMOUS | VmFlags.MAP_FIXED, null, 0);
                for (int k = 0; k < a.page().length; k++) {
                    long addr = a.start() + (long) a.page()[k] * PAGE_SIZE;
                    long id = a.content()[k];
                    if (id == MemoryImage.ZERO_PAGE) {
                        kernel.readLong(pid, addr);
                    } else if (id == MemoryImage.ZERO_FILLED) {
                        kernel.writePage(pid, addr, (store, frame) -> store.fillZero(frame));
                    } else {
                        long key = PageContents.key(seed, id);
                        kernel.writePage(pid, addr, (store, frame) -> PageContents.fill(store, frame, key));
                    }
                    if (activity && a.writes() != null && a.writes()[k] > 0 && id != MemoryImage.ZERO_PAGE) {
                        long period = Math.max(1, image.activityMs() / a.writes()[k]);
                        rewrites.computeIfAbsent(period, x -> new ArrayList<>()).add(new long[] {pid, addr});
                    }
                }
                if (a.prot() != (VmFlags.PROT_READ | VmFlags.PROT_WRITE)) {
                    kernel.mprotect(pid, a.start(), a.pages() * PAGE_SIZE, a.prot());
                }
            }
        }
        for (int i = 0; i < pids.size(); i++) {
            int pid = pids.get(i);
            List<MemoryImage.Area> areas = image.processes().get(i).areas();
            if (mergeAny) {
                kernel.prctl(pid, VmFlags.PR_SET_MEMORY_MERGE, 1);
                for (MemoryImage.Area a : areas) {
                    // MADV_MERGEABLE on a VMA merge-any made mergeable is a no-op for ksm (ksm_madvise returns at once);
                    // for the SKSM mergers it is the program's own MADV_MERGE call, their only way in
                    kernel.madvise(pid, a.start(), a.pages() * PAGE_SIZE, a.mergeable() ? VmFlags.MADV_MERGEABLE : VmFlags.MADV_UNMERGEABLE);
                }
            } else {
                for (MemoryImage.Area a : areas) {
                    if (a.mergeable()) kernel.madvise(pid, a.start(), a.pages() * PAGE_SIZE, VmFlags.MADV_MERGEABLE);
                }
            }
        }
        scheduler.offeredForMerging();
        rewrites.forEach((periodMs, pages) -> {
            long periodNanos = periodMs * 1_000_000L;
            scheduler.every(periodNanos, periodNanos, () -> {
                for (long[] pa : pages) {
                    long key = PageContents.key(seed, nextRewriteId++);
                    kernel.writePage((int) pa[0], pa[1], (store, frame) -> PageContents.fill(store, frame, key));
                }
            });
        });
    }
}
