package org.ksmlab.livekernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * /sys/kernel/mm/ksm as captured from Linux 6.18 (24 files, test resource sysfs-sample/), copied
 * to a temporary directory so writes land in plain files.
 */
class KsmSysfsTest {
    @TempDir
    Path dir;
    KsmSysfs sysfs;

    @BeforeEach
    void copySample() throws IOException {
        for (String f : List.of("advisor_max_cpu", "advisor_max_pages_to_scan", "advisor_min_pages_to_scan", "advisor_mode",
                "advisor_target_scan_time", "full_scans", "general_profit", "ksm_zero_pages", "max_page_sharing",
                "merge_across_nodes", "pages_scanned", "pages_shared", "pages_sharing", "pages_skipped", "pages_to_scan",
                "pages_unshared", "pages_volatile", "run", "sleep_millisecs", "smart_scan", "stable_node_chains",
                "stable_node_chains_prune_millisecs", "stable_node_dups", "use_zero_pages")) {
            Files.writeString(dir.resolve(f), ParsersTest.resource("sysfs-sample/" + f));
        }
        sysfs = new KsmSysfs(dir);
    }

    @Test
    void countersShouldReadEveryCounter() {
        Map<String, Long> c = sysfs.counters();
        assertEquals(KsmSysfs.COUNTERS, List.copyOf(c.keySet()));
        assertEquals(18445699L, c.get("pages_scanned"));
        assertEquals(5417739L, c.get("pages_skipped"));
        assertEquals(0L, c.get("general_profit"));
    }

    @Test
    void choiceKnobsShouldReadAsTheSelectedWord() {
        assertEquals("none", sysfs.readKnob("advisor_mode"));
        assertEquals("[none] scan-time", sysfs.readRaw("advisor_mode"));
        assertEquals("scan-time", KsmSysfs.parseKnob("none [scan-time]"));
    }

    @Test
    void knobsShouldComeInRestoreOrder() {
        assertEquals(KsmSysfs.KNOBS, List.copyOf(sysfs.knobs().keySet()));
        assertEquals("advisor_mode", KsmSysfs.KNOBS.get(0));
        assertEquals("run", KsmSysfs.KNOBS.get(KsmSysfs.KNOBS.size() - 1));
    }

    @Test
    void writeShouldReplaceTheValue() {
        sysfs.write("pages_to_scan", "5");
        assertEquals("5", sysfs.readKnob("pages_to_scan"));
    }

    @Test
    void writeShouldRefuseCountersAndUnknownNames() {
        assertThrows(IllegalArgumentException.class, () -> sysfs.write("pages_shared", "1"));
        assertThrows(IllegalArgumentException.class, () -> sysfs.write("nosuch", "1"));
    }

    @Test
    void kernelErrorsShouldBeExplained() {
        assertTrue(KsmSysfs.explain("max_page_sharing", Libc.EBUSY).contains("pages_shared == 0"));
        assertTrue(KsmSysfs.explain("pages_to_scan", Libc.EINVAL).contains("advisor_mode"));
        assertTrue(KsmSysfs.explain("max_page_sharing", Libc.EINVAL).contains("minimum 2"));
    }

    @Test
    void restoreShouldPutEveryKnobBackWithRunLast() {
        SavedKnobs saved = SavedKnobs.save(sysfs);
        sysfs.write("pages_to_scan", "1000");
        sysfs.write("max_page_sharing", "64");
        sysfs.write("use_zero_pages", "1");
        sysfs.write("run", "1");
        assertEquals(List.of(), saved.restore());
        assertEquals(saved.values(), sysfs.knobs());
        assertEquals("0", sysfs.readKnob("run"));
    }

    @Test
    void restoreOrderShouldPutAdvisorModeFirstAndRunLast() {
        List<String> order = SavedKnobs.order(List.of("run", "pages_to_scan", "max_page_sharing", "advisor_mode", "smart_scan"));
        assertEquals(List.of("advisor_mode", "max_page_sharing", "pages_to_scan", "smart_scan", "run"), order);
    }
}
