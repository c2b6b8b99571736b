package org.ksmlab.datasets.memory;

import java.util.ArrayList;
import java.util.List;
import org.ksmlab.engine.workload.MemoryImage;

/**
 * What a memory dataset holds for a merger, before any merger runs: over the pages KSM could scan
 * once the processes opt in (the {@code dataset} workload's mergeable areas, zero-page mappings
 * left out), how many copies each content has (zero-filled pages are one content), and the ideal
 * saving: every copy beyond the first of each non-zero content plus every zero-filled page (the
 * shared zero page can stand in for them all, as KSM's use_zero_pages and SKSM do), as a merger
 * with no sharing limit and no cost would reach.
 *
 * @param buckets pages (and contents) whose content has 1, 2, 3-10, 11-256, more than 256 copies
 */
public record DatasetSummary(String name, List<String> processes, long anonPages, long zeroFilledPages, long mergeablePages,
                             long distinctContents, List<Bucket> buckets, long idealSavingPages) {
    /** The histogram's buckets: copies from {@code min} to {@code max} (inclusive). */
    public static final long[][] RANGES = {{1, 1}, {2, 2}, {3, 10}, {11, 256}, {257, Long.MAX_VALUE}};

    /** One histogram bucket: its label, the contents with that many copies, and their pages. */
    public record Bucket(String copies, long contents, long pages) {
    }

    public static DatasetSummary of(DatasetSource src) {
        MemoryImage img = DatasetImages.load(src, true, 0);
        LongIntMap copies = new LongIntMap(-1);
        long anon = 0, zero = 0, mergeable = 0;
        List<String> procs = new ArrayList<>();
        for (MemoryImage.Proc p : img.processes()) {
            procs.add(p.label());
            for (MemoryImage.Area a : p.areas()) {
                for (long c : a.content()) {
                    if (c == MemoryImage.ZERO_PAGE) continue;
                    anon++;
                    if (c == MemoryImage.ZERO_FILLED) zero++;
                    if (!a.mergeable()) continue;
                    mergeable++;
                    copies.add(c, 1);
                }
            }
        }
        int[] counts = copies.values();
        List<Bucket> buckets = new ArrayList<>();
        for (long[] r : RANGES) {
            long contents = 0, pages = 0;
            for (int n : counts) {
                if (n >= r[0] && n <= r[1]) {
                    contents++;
                    pages += n;
                }
            }
            buckets.add(new Bucket(r[0] == r[1] ? Long.toString(r[0]) : r[1] == Long.MAX_VALUE ? ">" + (r[0] - 1) : r[0] + "-" + r[1], contents, pages));
        }
        long zeroContent = copies.get(MemoryImage.ZERO_FILLED) > 0 ? 1 : 0;
        return new DatasetSummary(img.name(), List.copyOf(procs), anon, zero, mergeable, counts.length, List.copyOf(buckets),
                mergeable - counts.length + zeroContent);
    }
}
