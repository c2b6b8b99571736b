package org.ksmlab.engine.mm;

import org.ksmlab.engine.memory.PageStore;

/**
 * Which ptes map a frame, as counts: a pte that starts mapping a frame takes a mapping
 * ({@link #mapFrame}), one that stops drops the mapping and the reference it held
 * ({@link #unmapFrame}); zapping a range does that for every present pte in it. The global
 * {@code nr_anon_pages} (NR_ANON_MAPPED) moves here and only here: an anonymous frame counts
 * from its first mapping to its last.
 *
 * <p>Frames taken by a new pte get their reference from the caller ({@code store.get}, or the
 * allocation); the zero page is never counted or referenced.
 *
 * @see "mm/rmap.c: folio_add_anon_rmap_pte, folio_remove_rmap_pte; mm/memory.c: zap_pte_range"
 */
final class Rmap {
    private final PageStore store;
    private final Merger merger;
    /** NR_ANON_MAPPED: anonymous frames (KSM pages included) with at least one mapping. */
    private long nrAnonPages;

    Rmap(PageStore store, Merger merger) {
        this.store = store;
        this.merger = merger;
    }

    long nrAnonPages() {
        return nrAnonPages;
    }

    /** A new pte maps {@code frame}: mapcount++, nr_anon_pages on 0→1. */
    void mapFrame(int frame) {
        store.incMapcount(frame);
        if (store.mapcount(frame) == 1 && store.hasFlag(frame, PageStore.F_ANON)) {
            nrAnonPages++;
        }
    }

    /** A pte stops mapping {@code frame}: mapcount--, nr_anon_pages on 1→0, put_page. */
    void unmapFrame(int frame) {
        store.decMapcount(frame);
        if (store.mapcount(frame) == 0 && store.hasFlag(frame, PageStore.F_ANON)) {
            nrAnonPages--;
        }
        store.put(frame);
    }

    /** Clears every present pte of {@code [start, end)} (byte addresses) in {@code p}. */
    void zapRange(Process p, long start, long end) {
        PageTable pt = p.pageTable;
        pt.forEachPresent(start >>> PageStore.PAGE_SHIFT, end >>> PageStore.PAGE_SHIFT, vpn -> zapPte(p, vpn, pt.get(vpn)));
    }

    private void zapPte(Process p, long vpn, long pte) {
        p.pageTable.set(vpn, 0);
        int frame = PageTable.frame(pte);
        if (frame != PageStore.ZERO_FRAME) {
            unmapFrame(frame);
        } else if ((pte & PageTable.KSM_ZERO) != 0) {
            merger.ksmZeroPteRemoved(p, vpn);
        }
    }
}
