package org.ksmlab.livekernel.capture;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.ksmlab.livekernel.Libc;

/**
 * The process {@link CaptureLiveTest} captures: a JVM that maps {@link #PAGES} anonymous pages
 * and writes known duplicates into them, prints {@code ready 0xADDRESS}, and sleeps until it is
 * killed. Page i (i < 64) holds content i % 16 (four copies of 16 contents); pages 64..71 are
 * written and then zeroed (zero-filled anonymous pages); pages 72..75 are only read (the zero
 * page); pages 76..79 are never touched.
 */
public final class DupWriterChild {
    static final int PAGES = 80;

    private DupWriterChild() {
    }

    /** Word j of content c: what the test hashes to know what the capture must find. */
    static long word(int c, int j) {
        return 0x5EED_0000_0000L + c * 0x1_0000L + j;
    }

    public static void main(String[] args) throws InterruptedException {
        MemorySegment m = Libc.mmapAnonymous(PAGES * 4096L);
        Libc.madvise(m, Libc.MADV_NOHUGEPAGE);
        for (int i = 0; i < 64; i++) {
            for (int j = 0; j < 512; j++) m.set(ValueLayout.JAVA_LONG, i * 4096L + j * 8L, word(i % 16, j));
        }
        for (int i = 64; i < 72; i++) {
            m.set(ValueLayout.JAVA_LONG, i * 4096L, 1);
            m.set(ValueLayout.JAVA_LONG, i * 4096L, 0);
        }
        long sum = 0;
        for (int i = 72; i < 76; i++) sum += m.get(ValueLayout.JAVA_LONG, i * 4096L);
        System.out.println("ready 0x" + Long.toHexString(m.address()) + " " + sum);
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
