package org.ksmlab.engine.sksm;

import org.ksmlab.engine.memory.PageChecksum;
import org.ksmlab.engine.memory.PageStore;

/**
 * The 64-bit hash SKSM computes of a page. The static table keeps its low 32 bits (the RFC's
 * {@code u32} checksum), the resizable table all 64. Injectable so a test can force checksum
 * collisions between pages with different contents and watch the chain walk compare them.
 */
@FunctionalInterface
interface PageHasher {
    /** xxh64 with seed 0 of the page, as the kernel's {@code calc_checksum} before truncation. */
    PageHasher XXH64 = (store, frame) -> store.hash64(frame, PageChecksum.XXH64);

    long hash64(PageStore store, int frame);
}
