package org.ksmlab.engine.mm;

import java.util.Collection;
import org.ksmlab.engine.memory.PageStore;

/**
 * The frame accounting check (the kernel's VM_BUG_ON, run on demand): the counts kept
 * incrementally are recounted from the page tables and the page caches.
 * <ul>
 * <li>every frame's mapcount equals the ptes mapping it, and no pte maps a free frame;</li>
 * <li>its refcount equals those mappings plus the page cache's reference plus what the merger
 *     holds;</li>
 * <li>nr_anon_pages equals the mapped anonymous frames;</li>
 * <li>no pte maps the zero page or a merged (KSM, SKSM) frame writable.</li>
 * </ul>
 */
final class Invariants {
    private Invariants() {
    }

    /** @throws IllegalStateException naming the first frame or pte that disagrees */
    static void check(Collection<Process> processes, PageStore store, Collection<MappedFile> files, Merger merger, long nrAnonPages) {
        int limit = store.frameLimit();
        int[] maps = new int[limit];
        for (Process p : processes) {
            for (Vma v : p.vmaView()) {
                PageTable pt = p.pageTable;
                pt.forEachPresent(v.start >>> PageStore.PAGE_SHIFT, v.end >>> PageStore.PAGE_SHIFT, vpn -> {
                    long pte = pt.get(vpn);
                    int frame = PageTable.frame(pte);
                    if (store.isFree(frame)) {
                        throw new IllegalStateException(p + " vpn 0x" + Long.toHexString(vpn) + " maps free frame " + frame);
                    }
                    if (PageTable.writable(pte) && (frame == PageStore.ZERO_FRAME
                            || store.hasFlag(frame, PageStore.F_KSM | PageStore.F_SKSM))) {
                        throw new IllegalStateException(p + " vpn 0x" + Long.toHexString(vpn) + " maps shared frame " + frame + " writable");
                    }
                    maps[frame]++;
                });
            }
        }
        int[] cached = new int[limit];
        for (MappedFile f : files) {
            f.forEachCached(frame -> cached[frame]++);
        }
        long anon = 0;
        for (int frame = 1; frame < limit; frame++) {
            if (store.isFree(frame)) {
                if (maps[frame] != 0) {
                    throw new IllegalStateException("free frame " + frame + " is mapped " + maps[frame] + " times");
                }
                continue;
            }
            if (store.mapcount(frame) != maps[frame]) {
                throw new IllegalStateException("frame " + frame + " mapcount " + store.mapcount(frame) + " but " + maps[frame] + " ptes map it");
            }
            int expected = maps[frame] + cached[frame] + merger.referencesHeld(frame);
            if (store.refcount(frame) != expected) {
                throw new IllegalStateException("frame " + frame + " refcount " + store.refcount(frame) + " but expected " + expected
                        + " (ptes " + maps[frame] + ", page cache " + cached[frame] + ", merger " + merger.referencesHeld(frame) + ")");
            }
            if (maps[frame] > 0 && store.hasFlag(frame, PageStore.F_ANON)) {
                anon++;
            }
        }
        if (anon != nrAnonPages) {
            throw new IllegalStateException("nr_anon_pages " + nrAnonPages + " but " + anon + " mapped anonymous frames");
        }
    }
}
