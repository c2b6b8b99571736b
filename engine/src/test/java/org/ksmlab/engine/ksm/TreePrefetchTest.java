package org.ksmlab.engine.ksm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ksmlab.engine.memory.PageStore.PAGE_SIZE;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.ksmlab.engine.memory.PageMode;
import org.ksmlab.engine.workload.PageContents;

/**
 * {@link TreePrefetch} walks the trees ahead of the scan and must change nothing: the same run
 * with it and without it gives the same counters after every full scan, over a run that
 * exercises what the walks read (unique pages in the unstable tree, duplicates merging through
 * both trees, chains past max_page_sharing, pages rewritten, KSM pages freed so their stable
 * nodes go stale). The mixes and scenarios compare symbolic mode (with it) against byte mode
 * (without) in PageModesAgreeTest too.
 */
class TreePrefetchTest {
    private static final int PAGES = 600;

    private record Outcome(List<Map<String, Long>> passes, long prefetched) { }

    private static Outcome run(boolean prefetch) {
        boolean was = Ksm.TREE_PREFETCH;
        Ksm.TREE_PREFETCH = prefetch;
        try (KsmHarness h = new KsmHarness(PageMode.SYMBOLIC, MergePolicy.UNRESTRICTED, "pages_to_scan=64", "max_page_sharing=4")) {
            long[] bases = new long[3];
            int[] pids = new int[3];
            for (int p = 0; p < 3; p++) {
                int pid = h.kernel.spawn();
                pids[p] = pid;
                long[] contents = new long[PAGES];
                for (int i = 0; i < PAGES; i++) {
                    // A third duplicated across processes (40 contents, so chains form at 4 per
                    // KSM page), a third in pairs within this process (so unmapping half of it
                    // frees KSM pages that are not in chains), the rest unique to this page.
                    contents[i] = switch (i % 3) {
                        case 0 -> 1 + i % 40;
                        case 1 -> 100_000L * (p + 1) + i / 6; // pairs: i and i + 3
                        default -> 1000L * (p + 1) + i;
                    };
                }
                bases[p] = h.mapFilled(pid, contents);
                h.mergeable(pid, bases[p], PAGES);
            }
            List<Map<String, Long>> passes = new ArrayList<>();
            for (int pass = 0; pass < 12; pass++) {
                h.scans(1);
                passes.add(new TreeMap<>(h.kernel.counters()));
                if (pass == 3) {
                    rewrite(h, pids[0], bases[0], 100, 160, 7_000_000L);
                }
                if (pass == 5) {
                    // Process 3 lets go of half its memory: KSM pages mapped only there are freed
                    // and their stable nodes go stale, to be met in the next pass by the walks of
                    // process 1's pages (scanned first), rewritten so that they search the trees
                    // again, before the scan reaches process 3's items and drops the stale nodes.
                    rewrite(h, pids[0], bases[0], 0, PAGES, 8_000_000L);
                    h.kernel.munmap(pids[2], bases[2], (long) PAGES / 2 * PAGE_SIZE);
                }
            }
            return new Outcome(passes, h.ksm.prefetchedPages());
        } finally {
            Ksm.TREE_PREFETCH = was;
        }
    }

    /** Pages [from, to) of {@code pid} get new contents, unique to each page (merged and unmerged pages alike). */
    private static void rewrite(KsmHarness h, int pid, long base, int from, int to, long keys) {
        for (int i = from; i < to; i++) {
            long key = keys + i;
            h.kernel.writePage(pid, base + (long) i * PAGE_SIZE, (store, frame) -> PageContents.fill(store, frame, key));
        }
    }

    @Test
    void walkingTheTreesAheadShouldChangeNoCounterOfAnyPass() {
        Outcome without = run(false);
        Outcome with = run(true);
        assertEquals(0, without.prefetched());
        assertTrue(with.prefetched() > PAGES, "the walks ahead ran for " + with.prefetched() + " pages");
        Map<String, Long> last = without.passes().get(without.passes().size() - 1);
        assertTrue(last.get("pages_sharing") > 0 && last.get("stable_node_chains") > 0, "the run merges, into chains: " + last);
        assertTrue(without.passes().stream().anyMatch(c -> c.get("pages_unshared") > 0), "unique pages wait in the unstable tree");
        for (int i = 0; i < without.passes().size(); i++) {
            assertEquals(without.passes().get(i), with.passes().get(i), "counters after full scan " + (i + 1));
        }
    }
}
