package org.ksmlab.livekernel.capture;

/**
 * The bits a capture reads. /proc/PID/pagemap: one 64-bit entry per virtual page (bit 63
 * present, 62 swapped, 55 soft-dirty, 0-54 the frame number, shown to root only).
 * /proc/kpageflags: one 64-bit word per frame.
 *
 * @see "Documentation/admin-guide/mm/pagemap.rst"
 */
final class PageFlags {
    static final long PM_PRESENT = 1L << 63;
    static final long PM_SWAP = 1L << 62;
    static final long PM_SOFT_DIRTY = 1L << 55;
    static final long PM_PFN_MASK = (1L << 55) - 1;
    static final int KPF_ANON = 12;
    static final int KPF_KSM = 21;
    static final int KPF_THP = 22;
    static final int KPF_ZERO_PAGE = 24;

    private PageFlags() {
    }

    static boolean has(long flags, int bit) {
        return (flags >>> bit & 1) != 0;
    }
}
