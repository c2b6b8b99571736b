package org.ksmlab.engine.mm;

/** An access the kernel would answer with SIGSEGV: no VMA at the address, or the VMA forbids it. */
public final class SegmentationFault extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SegmentationFault(int pid, long addr, String why) {
        super("SIGSEGV in pid " + pid + " at 0x" + Long.toHexString(addr) + ": " + why);
    }
}
