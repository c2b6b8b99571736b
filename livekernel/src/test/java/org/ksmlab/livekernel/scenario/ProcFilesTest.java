package org.ksmlab.livekernel.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /proc/PID/maps, pagemap and kpageflags as the live machine reads them, on text captured from a runner on Linux 6.18.44. */
class ProcFilesTest {
    private static String resource(String name) throws IOException {
        try (InputStream in = ProcFilesTest.class.getResourceAsStream(name)) {
            StringBuilder b = new StringBuilder();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.startsWith("#")) b.append(line).append('\n');
            }
            return b.toString();
        }
    }

    @Test
    void mapsShouldParseEveryLineOfARunner() throws IOException {
        List<ProcMaps.Vma> all = ProcMaps.parse(resource("maps-runner.txt"));
        assertEquals(15, all.size());
        ProcMaps.Vma heap = all.get(3);
        assertEquals(0x37bf9000L, heap.start());
        assertEquals(0x37bfb000L, heap.end());
        assertEquals("rw-p", heap.perms());
        assertEquals("[heap]", heap.path());
        assertTrue(heap.anonymousPrivate());
        ProcMaps.Vma none = all.get(6);
        assertEquals("", none.path());
        assertFalse(none.readable());
        assertEquals("/memfd:ksmlab-runner-ceiling (deleted)", all.get(8).path());
        assertEquals(0xffffffffff600000L, all.get(14).start()); // above Long.MAX_VALUE as unsigned
    }

    @Test
    void scenarioVmasShouldLeaveOutTheRunnersOwn() throws IOException {
        List<ProcMaps.Vma> own = ProcMaps.scenarioVmas(ProcMaps.parse(resource("maps-runner.txt")), "/tmp/rt/runner");
        assertEquals(List.of("[heap]", "/tmp/rt/file", "/dev/zero (deleted)", "", ""), own.stream().map(ProcMaps.Vma::path).toList());
        assertEquals(2, ProcMaps.overlapping(own, 0x7f3d7a5fd000L - 4096, 0x7f3d7a5fd000L + 4096)); // the shared page and the PROT_NONE range
        assertEquals(0, ProcMaps.overlapping(own, 0x7f3d7a603000L, 0x7f3d7a604000L)); // the ceiling is the runner's
    }

    @Test
    void aBadMapsLineShouldBeNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ProcMaps.parseLine("hello world"));
        assertTrue(e.getMessage().contains("hello world"));
    }

    @Test
    void pagemapAndKpageflagsShouldGiveRegionCounters() throws IOException {
        long[] entries = new long[4];
        long[] flags = new long[4];
        int k = 0;
        for (String line : resource("pagemap-kpageflags.txt").split("\n")) {
            String[] f = line.split(" ");
            entries[k] = Long.parseUnsignedLong(f[0], 16);
            flags[k++] = Long.parseUnsignedLong(f[1], 16);
        }
        assertTrue(PageFrames.present(entries[0]));
        assertEquals(0x14b635L, PageFrames.pfn(entries[0]));
        assertTrue(PageFrames.flag(flags[0], PageFrames.KPF_ANON));
        assertTrue(PageFrames.flag(flags[1], PageFrames.KPF_ZERO_PAGE)); // a read of an untouched page maps the zero page
        assertFalse(PageFrames.flag(flags[1], PageFrames.KPF_ANON));
        assertFalse(PageFrames.present(entries[3]));
        assertEquals(Map.of("present_pages", 3L, "distinct_frames", 2L, "ksm_pages", 0L, "zero_pages", 2L),
                PageFrames.regionCounters(entries, flags));
        assertEquals(1, PageFrames.anonymousPfns(entries, flags).length);
    }

    @Test
    void pagemapAndKpageflagsShouldBeReadAtTheirOffsets(@TempDir Path proc) throws IOException {
        // a fake /proc: process 7 maps pages 0x100..0x103; frames 5 (anon, KSM) twice, 9 (zero page), one not present
        Files.createDirectories(proc.resolve("7"));
        ByteBuffer pm = ByteBuffer.allocate(0x104 * 8).order(ByteOrder.nativeOrder());
        pm.putLong(0x100 * 8, PageFrames.PM_PRESENT | 5).putLong(0x101 * 8, PageFrames.PM_PRESENT | 5)
                .putLong(0x102 * 8, PageFrames.PM_PRESENT | 9).putLong(0x103 * 8, 0);
        Files.write(proc.resolve("7/pagemap"), pm.array());
        ByteBuffer kf = ByteBuffer.allocate(10 * 8).order(ByteOrder.nativeOrder());
        kf.putLong(5 * 8, 1L << PageFrames.KPF_ANON | 1L << PageFrames.KPF_KSM).putLong(9 * 8, 1L << PageFrames.KPF_ZERO_PAGE);
        Files.write(proc.resolve("kpageflags"), kf.array());
        PageFrames frames = new PageFrames(proc);
        long[] e = frames.entries(7, 0x100 * 4096L, 4 * 4096L);
        assertEquals(Map.of("present_pages", 3L, "distinct_frames", 2L, "ksm_pages", 2L, "zero_pages", 1L),
                PageFrames.regionCounters(e, frames.flagsOf(e)));
    }
}
