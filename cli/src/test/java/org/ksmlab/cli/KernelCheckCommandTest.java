package org.ksmlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.ksmlab.livekernel.KernelCheck;

/** The command's refusals: they happen before anything on the machine is touched. */
class KernelCheckCommandTest {
    @Test
    void withoutKsmTheCommandShouldExit77() {
        assertEquals(KernelCheck.EXIT_UNAVAILABLE, Ksmlab.execute("kernel-check", "--ksm-dir", "/nonexistent/ksm"));
    }

    @Test
    void aModelOnlyScenarioShouldBeSkippedWithItsReasonHavingTouchedNothing() {
        java.io.StringWriter err = new java.io.StringWriter();
        java.io.StringWriter out = new java.io.StringWriter();
        assertEquals(KernelCheck.EXIT_UNAVAILABLE, Ksmlab.execute(new java.io.PrintWriter(out), new java.io.PrintWriter(err),
                "kernel-check", "--scenario", "vma-cloning", "--ksm-dir", "/nonexistent/ksm", "--json"));
        org.junit.jupiter.api.Assertions.assertTrue(err.toString().contains("model only: process_vm_mmap was never merged"), err.toString());
        assertEquals("{\"scenario\":\"vma-cloning\",\"file\":\"datasets/scenarios/vma-cloning.yaml\",\"variant\":null,"
                + "\"skipped\":\"model only: process_vm_mmap was never merged; no kernel can map one private anonymous page twice in one mm\"}",
                out.toString().strip());
    }

    @Test
    void aScenarioWithoutKsmShouldExit77() {
        assertEquals(KernelCheck.EXIT_UNAVAILABLE, Ksmlab.execute("kernel-check", "--scenario", "selftests/unmerge", "--ksm-dir", "/nonexistent/ksm"));
    }

    @Test
    void badScenarioInputShouldExit2() {
        assertEquals(Ksmlab.EXIT_USAGE, Ksmlab.execute("kernel-check", "--scenario", "no-such-scenario"));
        assertEquals(Ksmlab.EXIT_USAGE, Ksmlab.execute("kernel-check", "--scenario", "mremap-merged", "--variant", "no-such-variant"));
        assertEquals(Ksmlab.EXIT_USAGE, Ksmlab.execute("kernel-check", "--variant", "today"));
        assertEquals(Ksmlab.EXIT_USAGE, Ksmlab.execute("kernel-check", "--scenario", "fork-after-merge", "--set", "pages_to_scan=10"));
    }

    @Test
    void calibrationWithoutOutShouldBeBadInput() {
        assertEquals(Ksmlab.EXIT_USAGE, Ksmlab.execute("kernel-check", "--write-calibration"));
    }
    /** --page-mode is checked before anything runs, and refused where the model side has no choice. */
    @Test
    void aBadPageModeShouldBeOneLineAndExit2() {
        CliRun bad = CliRun.of("kernel-check", "--page-mode", "bits", "--ksm-dir", "/nonexistent/ksm");
        assertEquals(Ksmlab.EXIT_USAGE, bad.exit());
        assertEquals("kernel-check: error: page mode 'bits': expected byte or symbolic", bad.err().strip());
        CliRun scenario = CliRun.of("kernel-check", "--scenario", "fork-after-merge", "--page-mode", "symbolic");
        assertEquals(Ksmlab.EXIT_USAGE, scenario.exit());
        assertEquals("kernel-check: error: --page-mode symbolic: applies to workload checks; kernel-check --scenario runs the model"
                + " in byte pages", scenario.err().strip());
        // a good mode gets as far as the machine's precondition
        assertEquals(KernelCheck.EXIT_UNAVAILABLE, Ksmlab.execute("kernel-check", "--page-mode", "symbolic", "--ksm-dir", "/nonexistent/ksm"));
    }

    /** A results folder kernel-check starts says it is complete (the report would call it "not recorded"); run.sh's keeps its own status. */
    @org.junit.jupiter.api.Test
    void envTxtOfItsOwnFolderSaysCompleteAndAnotherKeepsItsStatus(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path fresh = dir.resolve("env.txt");
        KernelCheckCommand.replaceKernelLines(fresh, "started: x\n", "kernel.hz: 250\n");
        org.junit.jupiter.api.Assertions.assertEquals("started: x\nstatus: complete\nkernel.hz: 250\n", java.nio.file.Files.readString(fresh));
        java.nio.file.Path main = dir.resolve("main-env.txt");
        java.nio.file.Files.writeString(main, "started: y\nstatus: partial (running)\nkernel.hz: 100\n");
        KernelCheckCommand.replaceKernelLines(main, "started: x\n", "kernel.hz: 250\n");
        org.junit.jupiter.api.Assertions.assertEquals("started: y\nstatus: partial (running)\nkernel.hz: 250\n", java.nio.file.Files.readString(main));
    }
}
