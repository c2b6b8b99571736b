package org.ksmlab.livekernel.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ksmlab.datasets.memory.MemoryDataset;

/** The parts of capture that need no root: smaps parsing, the VMA flags, command lookup. */
class CaptureUnitTest {
    static final String SMAPS = """
            55d0c6a00000-55d0c6a21000 rw-p 00000000 00:00 0                          [heap]
            Size:                132 kB
            Anonymous:           132 kB
            VmFlags: rd wr mr mw me ac mg
            7f3e1c000000-7f3e1c021000 rw-s 00000000 00:01 1234                       /dev/shm/x (deleted)
            Size:                132 kB
            VmFlags: rd wr sh mr mw me ms sd
            7f3e1d000000-7f3e1d002000 r--p 00000000 fe:00 260131                     /usr/lib/x86_64-linux-gnu/libc.so.6
            Size:                  8 kB
            VmFlags: rd mr mw me sd
            7ffd3a4bd000-7ffd3a4c1000 r--p 00000000 00:00 0                          [vvar]
            VmFlags: rd mr pf io de dd sd
            7ffc1d2f0000-7ffc1d311000 rw-p 00000000 00:00 0                          [stack]
            VmFlags: rd wr mr mw me gd ac
            ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]
            VmFlags: ex
            """;

    @Test
    void smapsShouldGiveEveryUserVmaWithItsKsmFlags() {
        List<Smaps.Vma> v = Smaps.parse(SMAPS);
        assertEquals(5, v.size(), "[vsyscall] lies above user space and is no VMA of the mm");
        int rw = MemoryDataset.VmaFlags.READ | MemoryDataset.VmaFlags.WRITE;
        assertEquals(rw | MemoryDataset.VmaFlags.MERGEABLE | MemoryDataset.VmaFlags.KSM_COMPATIBLE | MemoryDataset.VmaFlags.ANONYMOUS, v.get(0).datasetFlags());
        assertEquals(rw | MemoryDataset.VmaFlags.SHARED, v.get(1).datasetFlags(), "shared: never KSM's");
        assertEquals(MemoryDataset.VmaFlags.READ | MemoryDataset.VmaFlags.KSM_COMPATIBLE, v.get(2).datasetFlags(), "a private file mapping KSM may scan (its COW copies)");
        assertEquals(MemoryDataset.VmaFlags.READ | MemoryDataset.VmaFlags.ANONYMOUS, v.get(3).datasetFlags(), "VM_PFNMAP/VM_IO: not KSM's");
        assertEquals(rw | MemoryDataset.VmaFlags.KSM_COMPATIBLE | MemoryDataset.VmaFlags.ANONYMOUS, v.get(4).datasetFlags());
        assertEquals(new Smaps.Vma(0x55d0c6a00000L, 0x55d0c6a21000L, "rw-p", 0, "[heap]", "rd wr mr mw me ac mg"), v.get(0));
        assertEquals("/dev/shm/x (deleted)", v.get(1).path());
    }

    @Test
    void aBrokenSmapsShouldBeAnError() {
        assertEquals("smaps: VmFlags before any VMA line", assertThrows(IllegalArgumentException.class, () -> Smaps.parse("VmFlags: rd\n")).getMessage());
    }

    @Test
    void aCommandShouldBeFoundOnPathOrByItsPath() {
        assertEquals("/bin/sh", Launcher.resolve("/bin/sh", Map.of()));
        assertEquals("/bin/sh", Launcher.resolve("sh", Map.of("PATH", "/nonexistent:/bin")));
        assertEquals("command 'no-such-program-x': not found on PATH",
                assertThrows(IllegalArgumentException.class, () -> Launcher.resolve("no-such-program-x", Map.of("PATH", "/bin"))).getMessage());
        assertEquals("command '/nonexistent/x': no such executable",
                assertThrows(IllegalArgumentException.class, () -> Launcher.resolve("/nonexistent/x", Map.of())).getMessage());
    }

    @Test
    void aZeroPageShouldHashToTheZeroHash() {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocateDirect(8192);
        assertEquals(true, Capture.isZero(b, 4096));
        b.put(4096 + 4095, (byte) 1);
        assertEquals(false, Capture.isZero(b, 4096));
    }
}
