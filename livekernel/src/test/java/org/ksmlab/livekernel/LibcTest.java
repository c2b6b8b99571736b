package org.ksmlab.livekernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** The downcalls work and failures carry the errno (these calls touch no KSM state). */
class LibcTest {
    @Test
    void madviseOnAnUnalignedAddressShouldFailWithEinval() {
        MemorySegment region = Libc.mmapAnonymous(4096);
        try {
            Libc.LibcException e = assertThrows(Libc.LibcException.class,
                    () -> Libc.madvise(region, 1, 4095, Libc.MADV_NOHUGEPAGE));
            assertEquals(Libc.EINVAL, e.errno());
            assertTrue(e.getMessage().contains("EINVAL"), e.getMessage());
        } finally {
            Libc.munmap(region);
        }
    }

    @Test
    void getpidShouldMatchJava() {
        assertEquals(ProcessHandle.current().pid(), Libc.getpid());
    }

    @Test
    void clockTicksShouldBePositive() {
        assertTrue(Libc.clockTicksPerSecond() > 0);
    }

    @Test
    void writingToAMissingFileShouldReportEnoent() {
        Libc.LibcException e = assertThrows(Libc.LibcException.class, () -> Libc.writeFile("/nonexistent-dir/x", "1"));
        assertEquals(Libc.ENOENT, e.errno());
    }
}
