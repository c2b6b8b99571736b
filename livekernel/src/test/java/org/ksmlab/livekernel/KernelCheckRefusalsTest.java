package org.ksmlab.livekernel;

import org.junit.jupiter.api.Test;

/** kernel-check's refusals: they happen before anything on the machine is touched. */
class KernelCheckRefusalsTest {
    @Test
    void aWorkloadOverTheMemoryBoundShouldBeRefusedBeforeAnythingIsSaved(@org.junit.jupiter.api.io.TempDir java.nio.file.Path empty) {
        // 3 x 200000 pages = 2.3 GiB > 2 GiB. The sysfs directory is empty: reaching it would fail differently.
        KernelCheck check = new KernelCheck(new KsmSysfs(empty), empty, KernelRunner.Limits.defaults());
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> check.run(java.util.List.of(new Scenario("big", "dup:pages=200000,procs=3", java.util.Map.of())),
                        new java.io.PrintWriter(java.io.Writer.nullWriter())));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("2048 MiB"), e.getMessage());
    }

    @Test
    void anUnknownKnobShouldBeRefusedBeforeAnythingIsSaved(@org.junit.jupiter.api.io.TempDir java.nio.file.Path empty) {
        KernelCheck check = new KernelCheck(new KsmSysfs(empty), empty, KernelRunner.Limits.defaults());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> check.run(java.util.List.of(new Scenario("x", "dup:pages=10", java.util.Map.of("run", "1"))),
                        new java.io.PrintWriter(java.io.Writer.nullWriter())));
    }
}
