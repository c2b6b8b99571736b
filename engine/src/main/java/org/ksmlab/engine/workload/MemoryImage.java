package org.ksmlab.engine.workload;

import java.util.List;

/**
 * Captured memory as the model rebuilds it: processes, their areas (one per captured VMA that
 * holds anonymous pages), and for each such page a content id, so that equal ids are equal
 * pages and different ids different pages. The engine never reads a file: a reader (the
 * datasets module's memory-dataset reader) builds this from a capture, mapping each distinct
 * 64-bit page hash to one content id.
 *
 * <p>Page states: a content id {@code >= 0} (an anonymous page of that content),
 * {@link #ZERO_FILLED} (an anonymous page whose 4 KiB are all zero: KSM scans and merges it
 * like any content, or maps the zero page with use_zero_pages), {@link #ZERO_PAGE} (the shared
 * zero page is mapped there: a page that was only read, which KSM never visits). Pages not
 * listed were not present (or were page-cache pages of a file mapping, which KSM does not
 * merge either).
 *
 * @param name        what the image is called in results (the dataset's name)
 * @param processes   in capture order (the order their mms would have entered KSM)
 * @param activityMs  how long write activity was sampled (0: none was: every page stays as captured)
 */
public record MemoryImage(String name, List<Proc> processes, long activityMs) {
    /** An anonymous page whose contents are all zeros (the value {@code Content.ZERO_ID} has in scenarios). */
    public static final long ZERO_FILLED = -1;
    /** A page that maps the shared zero page (read, never written): replayed as a read fault. */
    public static final long ZERO_PAGE = -3;

    public MemoryImage {
        processes = List.copyOf(processes);
        if (activityMs < 0) throw new IllegalArgumentException("activityMs=" + activityMs + ": expected >= 0");
    }

    /** One captured process. */
    public record Proc(String label, List<Area> areas) {
        public Proc {
            areas = List.copyOf(areas);
        }
    }

    /**
     * One captured VMA: {@code [start, start + pages × 4096)}, its protection (PROT_* bits),
     * whether it is opted in to merging when replayed, and its listed pages: {@code page[k]}
     * (page index in the area, ascending) holds {@code content[k]} and was written
     * {@code writes[k]} times during the activity sampling (null: no activity recorded).
     *
     * @param mergeable whether the replay makes it mergeable (under merge-any: whether the kernel
     *                  would, i.e. the VMA is KSM-compatible)
     */
    public record Area(long start, long pages, int prot, boolean mergeable, String name, int[] page, long[] content, int[] writes) {
        public Area {
            if (page.length != content.length || (writes != null && writes.length != page.length)) {
                throw new IllegalArgumentException("area " + name + ": page, content and writes differ in length");
            }
            for (int k = 0; k < page.length; k++) {
                if (page[k] < 0 || page[k] >= pages || (k > 0 && page[k] <= page[k - 1])) {
                    throw new IllegalArgumentException("area " + name + ": page index " + page[k] + " out of order or outside its " + pages + " pages");
                }
            }
        }
    }

    /** Anonymous pages (content ids and zero-filled pages; not zero-page mappings) over all processes. */
    public long anonPages() {
        long n = 0;
        for (Proc p : processes) {
            for (Area a : p.areas()) {
                for (long c : a.content()) if (c != ZERO_PAGE) n++;
            }
        }
        return n;
    }
}
