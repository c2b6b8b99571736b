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
    void calibrationWithoutOutShouldBeBadInput() {
        assertEquals(Ksmlab.EXIT_USAGE, Ksmlab.execute("kernel-check", "--write-calibration"));
    }
}
