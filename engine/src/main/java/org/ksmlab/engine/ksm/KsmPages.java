package org.ksmlab.engine.ksm;

import org.ksmlab.engine.cost.WorkCounts;
import org.ksmlab.engine.memory.PageCompare;
import org.ksmlab.engine.memory.PageStore;

/**
 * What KSM reads of page contents, each read charged to ksmd's work: the checksum of the
 * volatility filter, the ordering compare that walks both trees, and the full compare before a
 * merge. The store answers in its page mode (bytes, or symbolic identities giving the same
 * values), so the work charged is the same in both.
 */
final class KsmPages {
    private final PageStore store;
    private final WorkCounts work;
    /**
     * Whether pages have content identities ({@link org.ksmlab.engine.memory.PageMode#SYMBOLIC}):
     * then a stable node keeps its KSM page's identity and a stable-tree compare reads it there.
     */
    final boolean identities;
    /** The checksum of an all-zero page (zero_checksum), for use_zero_pages. */
    final int zeroChecksum;

    KsmPages(PageStore store, WorkCounts work) {
        this.store = store;
        this.work = work;
        this.identities = store.mode() == org.ksmlab.engine.memory.PageMode.SYMBOLIC;
        this.zeroChecksum = (int) store.hash64(PageStore.ZERO_FRAME);
    }

    /** The low 32 bits of xxh64 of the page, charged as one checksummed page. @see "mm/ksm.c: calc_checksum" */
    int calcChecksum(int frame) {
        int cs = (int) store.hash64(frame);
        work.pagesChecksummed++;
        return cs;
    }

    /**
     * The memcmp order of two pages (negative, 0, positive), charged as the bytes read up to and
     * including the first difference, in both pages.
     * @see "mm/ksm.c: memcmp_pages"
     */
    int memcmpPages(int a, int b) {
        int at = store.firstDifference(a, b);
        work.bytesCompared += PageCompare.bytesRead(at);
        return at < 0 ? 0 : Byte.toUnsignedInt(store.readByte(a, at)) - Byte.toUnsignedInt(store.readByte(b, at));
    }

    /**
     * {@link #memcmpPages} of page {@code a} and a KSM page known by the content identity
     * {@code identity} its stable node keeps (symbolic mode): the same answer and the same charge,
     * without reading the KSM page's frame.
     */
    int memcmpPageToIdentity(int a, int identity) {
        int at = store.firstDifferenceFromIdentity(a, identity);
        work.bytesCompared += PageCompare.bytesRead(at);
        return at < 0 ? 0 : Byte.toUnsignedInt(store.readByte(a, at)) - Byte.toUnsignedInt(store.readByteOfIdentity(identity, at));
    }

    /** Whether two pages are identical, charged as a full read of both. @see "mm/ksm.c: pages_identical" */
    boolean pagesIdentical(int a, int b) {
        work.bytesCompared += 2L * PageStore.PAGE_SIZE;
        return store.firstDifference(a, b) < 0;
    }
}
