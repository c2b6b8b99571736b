package org.ksmlab.engine.workload;

import static org.ksmlab.engine.memory.PageStore.PAGE_SIZE;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.ksmlab.engine.knobs.Param;
import org.ksmlab.engine.memory.PageStore;
import org.ksmlab.engine.mm.Kernel;
import org.ksmlab.engine.mm.VmFlags;

/**
 * {@code fleet}: a virtualisation host's guests booted from a few images. Guest {@code g} (a
 * process with one anonymous private mapping of {@code pages} pages, its RAM, made
 * MADV_MERGEABLE after it is written, as QEMU does) boots image {@code g % images}. A seeded
 * permutation per guest (drawn in guest order from one {@link SplittableRandom}) places its
 * pages: the first {@code round(zero·pages)} are zero pages, the next
 * {@code round(volatile·pages)} volatile pages (rewritten with fresh contents every
 * {@code period_ms}), the next {@code round(image·pages)} hold its image's contents (in address
 * order, image page 0, 1, ...: the same contents in every guest of that image, at different
 * addresses), and the rest contents no other page has (the guest's own data; volatile pages
 * start with such contents too).
 *
 * <p>Content ids are kept compact (image {@code m}'s page {@code j} is {@code m·K + j} with
 * {@code K} image pages; unique contents follow; rewrites after them), so with symbolic pages a
 * host of 2^28 pages needs no table entry for any content (see the memory package).
 */
final class FleetWorkload implements Workload {
    static final WorkloadDefinition DEFINITION = new WorkloadDefinition("fleet",
            "guests booted from a few images: each guest's RAM holds its image's contents, zero, unique and volatile pages",
            List.of(
                    Param.integer("guests", 4, 1, 65536, "guests (processes); guest g boots image g % images"),
                    Param.integer("pages", 1000, 1, PageStore.MAX_FRAMES - 1L, "pages per guest (its RAM)"),
                    Param.integer("images", 1, 1, 65536, "distinct images the guests boot"),
                    Param.fraction("image", 0.6, "fraction of a guest's pages holding its image's contents"),
                    Param.fraction("zero", 0.2, "fraction of a guest's pages that are zero"),
                    Param.fraction("volatile", 0.05, "fraction of a guest's pages rewritten every period_ms"),
                    Param.integer("period_ms", 1000, 1, 1L << 40, "rewrite period of volatile pages, virtual ms"),
                    Param.integer("seed", 42, Long.MIN_VALUE, Long.MAX_VALUE, "seed of every random choice")),
            FleetWorkload::new);

    /** Writes a zero page (one writer for all of them). */
    private static final Kernel.FrameWriter ZERO = (store, frame) -> store.fillZero(frame);

    private final WorkloadSpec spec;
    private final Map<String, Number> params;
    private final int guests;
    private final int pages;
    private final int images;
    private final int zeroPages;
    private final int volatilePages;
    private final int imagePages;
    private final long periodMs;
    private final long seed;
    /** Content id of the first unique content (after every image's). */
    private final long uniqueBase;
    /** Content id of the next volatile rewrite (after every unique content). */
    private long nextRewriteId;

    private FleetWorkload(WorkloadDefinition.Values v) {
        this.spec = v.spec();
        this.params = v.values();
        this.guests = v.getInt("guests");
        this.pages = v.getInt("pages");
        this.images = v.getInt("images");
        this.periodMs = v.getLong("period_ms");
        this.seed = v.getLong("seed");
        double image = v.getDouble("image");
        double zero = v.getDouble("zero");
        double vol = v.getDouble("volatile");
        if (image + zero + vol > 1.0) {
            throw new IllegalArgumentException("workload 'fleet': image=" + image + " plus zero=" + zero + " plus volatile=" + vol
                    + " exceeds 1 (the rest of a guest's pages are unique)");
        }
        if (images > guests) {
            throw new IllegalArgumentException("workload 'fleet': images=" + images + " exceeds guests=" + guests
                    + " (guest g boots image g % images; expected images <= guests)");
        }
        if ((long) guests * pages > PageStore.MAX_FRAMES - 1L) {
            throw new IllegalArgumentException("workload 'fleet': guests*pages = " + (long) guests * pages
                    + " exceeds the model's limit of " + (PageStore.MAX_FRAMES - 1L) + " pages");
        }
        this.zeroPages = (int) Math.round(zero * pages);
        this.volatilePages = (int) Math.round(vol * pages);
        this.imagePages = Math.min(pages - zeroPages - volatilePages, (int) Math.round(image * pages));
        this.uniqueBase = (long) images * imagePages;
        this.nextRewriteId = uniqueBase + (long) guests * pages;
    }

    @Override public WorkloadSpec spec() { return spec; }
    @Override public long seed() { return seed; }
    @Override public Map<String, Number> params() { return params; }
    @Override public long framesAtMost() { return (long) guests * pages; }

    @Override
    public void start(Kernel kernel, Scheduler scheduler) {
        SplittableRandom rng = new SplittableRandom(seed);
        // One permutation and one kind per page, reused by every guest (same size): a guest of
        // 2^22 pages would otherwise leave 20 MiB of garbage on the heap.
        int[] order = new int[pages];
        // kind of each page: 0 unique, 1 zero, 2 volatile, 3 image
        byte[] kind = new byte[pages];
        for (int g = 0; g < guests; g++) {
            int pid = kernel.spawn();
            long base = kernel.mmapAnonymous(pid, (long) pages * PAGE_SIZE);
            Shuffle.permutation(order, rng);
            Arrays.fill(kind, (byte) 0);
            int at = 0;
            for (int i = 0; i < zeroPages; i++) kind[order[at++]] = 1;
            int[] volatiles = new int[volatilePages];
            for (int i = 0; i < volatilePages; i++) {
                volatiles[i] = order[at];
                kind[order[at++]] = 2;
            }
            for (int i = 0; i < imagePages; i++) kind[order[at++]] = 3;
            long imageBase = (long) (g % images) * imagePages;
            long ownBase = uniqueBase + (long) g * pages;
            int nextImagePage = 0;
            for (int i = 0; i < pages; i++) {
                long addr = base + (long) i * PAGE_SIZE;
                switch (kind[i]) {
                    case 1 -> kernel.writePage(pid, addr, ZERO);
                    case 3 -> kernel.writePagePattern(pid, addr, seed, imageBase + nextImagePage++);
                    default -> kernel.writePagePattern(pid, addr, seed, ownBase + i);
                }
            }
            kernel.madvise(pid, base, (long) pages * PAGE_SIZE, VmFlags.MADV_MERGEABLE);
            scheduler.offeredForMerging();
            if (volatilePages > 0) {
                long periodNanos = periodMs * 1_000_000L;
                scheduler.every(periodNanos, periodNanos, () -> {
                    for (int page : volatiles) {
                        kernel.writePagePattern(pid, base + (long) page * PAGE_SIZE, seed, nextRewriteId++);
                    }
                });
            }
        }
    }
}
