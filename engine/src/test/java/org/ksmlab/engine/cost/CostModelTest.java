package org.ksmlab.engine.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CostModelTest {
    @Test
    void cpuTimeIsTheSumOfWorkTimesCost() {
        CostModel m = new CostModel(500, 0.5, 10, 100, 50, 1000, 20, 3, 7, 2, 9000, 100000, 300);
        WorkCounts w = new WorkCounts();
        w.pagesChecksummed = 2;
        w.bytesCompared = 100;
        w.treeSteps = 3;
        w.merges = 1;
        w.writeProtects = 1;
        w.cowCopies = 1;
        w.pagesVisited = 4;
        w.tableUpdates = 5;
        w.lruDrains = 1;
        w.stableSteps = 6;
        w.wakeups = 2;
        w.passes = 1;
        w.volatilePages = 3;
        assertEquals(1000 + 50 + 30 + 100 + 50 + 1000 + 80 + 15 + 7 + 12 + 18000 + 100000 + 900, m.cpuNanos(w));
    }

    @Test
    void settingsOverrideOneCostAndACalibrationFileSeveral(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("calibration.properties");
        Files.writeString(f, "page_visit_ns=210\nchecksum_page_ns=610\n");
        CostModel m = CostModel.fromSettings(Map.of("cost.file", f.toString(), "cost.checksum_page_ns", "700", "pages_to_scan", "5"));
        assertEquals(210, m.pageVisitNs());
        assertEquals(700, m.checksumPageNs(), "an explicit cost.NAME wins over the file");
        assertEquals(CostModel.defaults().treeStepNs(), m.treeStepNs());
    }

    @Test
    void badCostsAreRejectedWithTheAcceptedNames() {
        assertEquals("unknown cost 'checksum_ns'; accepted: checksum_page_ns, compare_byte_ns, tree_step_ns, merge_ns, write_protect_ns, cow_copy_ns, page_visit_ns, table_update_ns, lru_drain_ns, stable_step_ns, wakeup_ns, pass_ns, volatile_page_ns",
                assertThrows(IllegalArgumentException.class, () -> CostModel.fromSettings(Map.of("cost.checksum_ns", "1"))).getMessage());
        assertEquals("cost merge_ns=-1: expected nanoseconds >= 0",
                assertThrows(IllegalArgumentException.class, () -> CostModel.fromSettings(Map.of("cost.merge_ns", "-1"))).getMessage());
    }
}
