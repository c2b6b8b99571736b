package org.ksmlab.livekernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A small kernel-check on the live kernel: two scenarios of 1000 pages, bounded to 8 full scans
 * each. Runs only as root with /sys/kernel/mm/ksm; skipped with the reason otherwise. Knobs are
 * checked to be back as they were. The model side runs when the engine has a "ksm" algorithm.
 */
class KernelCheckLiveTest {
    @Test
    @Timeout(90)
    void kernelShouldMergeDuplicatesInPassTwoAndRestoreEveryKnob() throws Exception {
        KernelCheck check = new KernelCheck(new KsmSysfs(KsmSysfs.DEFAULT_DIR), java.nio.file.Path.of("/proc"),
                new KernelRunner.Limits(8, 30_000, 2));
        Optional<String> why = check.precondition();
        Assumptions.assumeTrue(why.isEmpty(), () -> "live kernel-check skipped: " + why.orElse(""));
        KsmSysfs sysfs = new KsmSysfs(KsmSysfs.DEFAULT_DIR);
        Map<String, String> before = sysfs.knobs();
        List<Scenario> scenarios = List.of(
                new Scenario("dup", "dup:pages=1000,distinct=10", Map.of("pages_to_scan", "1000")),
                new Scenario("chains", "dup:pages=1000,distinct=1", Map.of("pages_to_scan", "1000", "max_page_sharing", "100")));
        StringWriter log = new StringWriter();
        List<KernelCheck.Outcome> out;
        try {
            out = check.run(scenarios, new PrintWriter(log, true), false);
        } catch (KernelCheck.Busy e) {
            Assumptions.abort("live kernel-check skipped: " + e.getMessage());
            return;
        }
        assertEquals(before, sysfs.knobs(), "every knob should be restored; log:\n" + log);

        SideResult dup = out.get(0).kernel();
        assertEquals(10L, dup.finalCounters().get("pages_shared"), log::toString);
        assertEquals(990L, dup.finalCounters().get("pages_sharing"));
        assertEquals(1000L, dup.finalCounters().get("proc_ksm_merging_pages"));
        assertEquals(2, dup.convergedFullScans(), "fresh pages merge in the second pass");

        SideResult chains = out.get(1).kernel();
        // n=1000, m=100: n % m == 0 -> shared n/m, sharing shared*(m-1); one chain of 10 dups.
        assertEquals(10L, chains.finalCounters().get("pages_shared"));
        assertEquals(990L, chains.finalCounters().get("pages_sharing"));
        assertEquals(1L, chains.finalCounters().get("stable_node_chains"));
        assertEquals(10L, chains.finalCounters().get("stable_node_dups"));

        for (KernelCheck.Outcome o : out) {
            if (ModelRunner.available()) {
                assertTrue(o.model().available(), () -> String.valueOf(o.model().unavailable()));
            } else {
                assertTrue(o.model().unavailable().contains("model unavailable"));
            }
        }
    }
}
