package org.ksmlab.livekernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.ksmlab.cli.Ksmlab;

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

    @Test
    void aWorkloadOverTheMemoryBoundShouldBeRefusedBeforeAnythingRuns() {
        // 3 x 200000 pages = 2.3 GiB > 2 GiB: refused as bad input (checked before knobs are saved).
        int code = Ksmlab.execute("kernel-check", "--ksm-dir", "/nonexistent/ksm", "--workload", "dup:pages=200000,procs=3");
        assertEquals(KernelCheck.EXIT_UNAVAILABLE, code); // no KSM wins: nothing is looked at further
    }
}
