package org.ksmlab.livekernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parsers of /proc/PID/ksm_stat and /proc/PID/stat|schedstat on text captured from Linux 6.18. */
class ParsersTest {
    static String resource(String name) throws IOException {
        try (InputStream in = ParsersTest.class.getResourceAsStream(name)) {
            if (in == null) throw new IOException("missing test resource " + name);
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    @Test
    void ksmStatShouldParseNumbersAndYesNo() throws IOException {
        KsmStat s = KsmStat.parse(resource("ksm_stat-scanned.txt"));
        assertEquals(2000, s.get("ksm_rmap_items"));
        assertEquals(0, s.get("ksm_merging_pages"));
        assertEquals(-128000, s.get("ksm_process_profit"));
        assertEquals(1, s.get("ksm_mergeable"));
        assertEquals(0, s.get("ksm_merge_any"));
        assertEquals(6, s.values().size());
    }

    @Test
    void ksmStatSumShouldAddTheNumericFieldsOfEveryProcess() throws IOException {
        KsmStat idle = KsmStat.parse(resource("ksm_stat-idle.txt"));
        KsmStat scanned = KsmStat.parse(resource("ksm_stat-scanned.txt"));
        var sum = KsmStat.sum(List.of(idle, scanned, scanned));
        assertEquals(4000, sum.get("proc_ksm_rmap_items"));
        assertEquals(-256000, sum.get("proc_ksm_process_profit"));
        assertEquals(List.of("proc_ksm_rmap_items", "proc_ksm_zero_pages", "proc_ksm_merging_pages", "proc_ksm_process_profit"),
                List.copyOf(sum.keySet()));
    }

    @Test
    void ksmStatShouldRejectGarbage() {
        assertThrows(IllegalArgumentException.class, () -> KsmStat.parse("ksm_rmap_items lots\n"));
    }

    @Test
    void ksmStatOfAnExitedProcessShouldBeEmpty(@TempDir Path proc) {
        assertEquals(0, KsmStat.read(proc, 999999).values().size());
    }

    @Test
    void statShouldGiveUtimePlusStime() throws IOException {
        // Captured from ksmd: utime 7, stime 5174 (fields 14 and 15).
        assertEquals(7 + 5174, Ksmd.parseStatTicks(resource("ksmd-stat.txt")));
    }

    @Test
    void statShouldCopeWithSpacesAndParenthesesInComm() {
        String line = "123 (a (b) c) S 2 0 0 0 -1 2097216 0 0 0 0 11 22 0 0 25 5 1 0";
        assertEquals(33, Ksmd.parseStatTicks(line));
    }

    @Test
    void schedstatShouldGiveOnCpuNanoseconds() throws IOException {
        assertEquals(51825427350L, Ksmd.parseSchedstatNanos(resource("ksmd-schedstat.txt")));
    }

    @Test
    void ksmdShouldBeFoundByComm(@TempDir Path proc) throws IOException {
        Files.createDirectories(proc.resolve("12"));
        Files.writeString(proc.resolve("12/comm"), "bash\n");
        Files.createDirectories(proc.resolve("37"));
        Files.writeString(proc.resolve("37/comm"), "ksmd\n");
        Files.createDirectories(proc.resolve("self"));
        assertEquals(OptionalInt.of(37), Ksmd.findPid(proc));
        Files.writeString(proc.resolve("37/stat"), resource("ksmd-stat.txt"));
        Ksmd k = new Ksmd(proc, 37, 100);
        assertEquals(5181L * 10_000_000L, k.statCpuNanos());
        assertEquals(-1, k.schedstatNanos());
        assertEquals(k.statCpuNanos(), k.cpuNanos());
        assertTrue(k.cpuSource().endsWith("stat utime+stime"));
    }
}
