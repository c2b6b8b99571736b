package org.ksmlab.livekernel.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ksmlab.datasets.scenario.Scenarios;
import org.ksmlab.engine.scenario.Scenario;
import org.ksmlab.livekernel.KernelCheck;
import org.ksmlab.livekernel.KernelRunner;
import org.ksmlab.livekernel.KsmSysfs;

/**
 * Every shipped selftest scenario (the kernel's own KSM selftests, with their expectations) on
 * this machine's kernel through {@link LiveMachine}: no expectation may fail and every page must
 * read back as written, in every variant this kernel can run. Runs only as root with
 * /sys/kernel/mm/ksm and a C compiler on x86_64; skipped with the reason otherwise, and when
 * another process drives KSM (the lock is taken without waiting). Every knob must be back after.
 */
class SelftestScenariosLiveTest {
    @Test
    @Timeout(900)
    void everySelftestScenarioShouldPassOnTheLiveKernel() throws Exception {
        KsmSysfs sysfs = new KsmSysfs(KsmSysfs.DEFAULT_DIR);
        Optional<String> why = new KernelCheck(sysfs, Path.of("/proc"), KernelRunner.Limits.defaults()).precondition();
        Assumptions.assumeTrue(why.isEmpty(), () -> "live scenarios skipped: " + why.orElse(""));
        Assumptions.assumeTrue(org.ksmlab.livekernel.CProgram.compiler(System.getenv()).isPresent() && System.getProperty("os.arch").equals("amd64"),
                "live scenarios skipped: no C compiler (cc or gcc) on x86_64");
        Map<String, String> before = sysfs.knobs();
        ScenarioCheck check = new ScenarioCheck(sysfs, Path.of("/proc"), LiveMachine.Limits.defaults());
        List<String> ran = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        StringWriter log = new StringWriter();
        for (String name : Scenarios.names()) {
            if (!name.startsWith("selftests/")) continue;
            Scenario sc = Scenarios.load(name);
            List<String> variants = sc.variants().isEmpty() ? java.util.Collections.singletonList(null) : new ArrayList<>(sc.variants().keySet());
            for (String v : variants) {
                ScenarioCheck.Outcome o;
                try {
                    o = check.run(sc, v, new PrintWriter(log, true), false);
                } catch (KernelCheck.Busy e) {
                    Assumptions.abort("live scenarios skipped: " + e.getMessage());
                    return;
                } catch (LiveMachine.ModelOnly e) {
                    continue; // a variant describing another kernel
                }
                String id = name + (v == null ? "" : " [" + v + "]");
                ScenarioCheck.Side k = o.kernel();
                if (k.error() != null || k.unavailable() != null) {
                    problems.add(id + ": " + (k.error() != null ? k.error() : k.unavailable()));
                } else if (!k.failures().isEmpty()) {
                    problems.add(id + ": " + k.failures());
                }
                ran.add(id + " (" + k.pagesVerified() + " pages verified)");
            }
        }
        assertEquals(before, sysfs.knobs(), "every knob should be restored; log:\n" + log);
        assertTrue(problems.isEmpty(), () -> "failed on the live kernel:\n" + String.join("\n", problems) + "\nran: " + ran);
        assertEquals(16, ran.size(), () -> "15 selftest scenarios, one of them in two variants: " + ran);
    }
}
