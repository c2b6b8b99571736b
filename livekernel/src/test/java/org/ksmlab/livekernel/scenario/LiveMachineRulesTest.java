package org.ksmlab.livekernel.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ksmlab.engine.mm.Errno;
import org.ksmlab.engine.mm.SyscallException;
import org.ksmlab.engine.scenario.Origin;
import org.ksmlab.engine.scenario.Scenario;
import org.ksmlab.engine.scenario.Step;
import org.ksmlab.livekernel.KsmSysfs;

/** What the live machine refuses before it touches anything, its stability rule, and its errno mapping. */
class LiveMachineRulesTest {
    private static final Map<String, String> THIS_KERNEL = Map.of("kernel.mremap_unmerge", "1", "kernel.ksm_vma_merge_fix", "1");

    private static KsmSysfs sample() throws URISyntaxException {
        return new KsmSysfs(Path.of(LiveMachineRulesTest.class.getResource("/org/ksmlab/livekernel/sysfs-sample").toURI()));
    }

    private static Scenario scenario(Map<String, String> knobs, Map<String, Map<String, String>> variants, List<Step> steps) {
        return new Scenario(1, "t", "test", 42, 0, List.of(), null, knobs, variants, Map.of(), steps, Origin.BUILT_IN);
    }

    @Test
    void aKernelKnobThisKernelDoesShouldBeAcceptedAndAnotherRefusedAsModelOnly() throws Exception {
        Scenario sc = scenario(Map.of("pages_to_scan", "4000"), Map.of("today", Map.of("kernel.mremap_unmerge", "1"),
                "keep", Map.of("kernel.mremap_unmerge", "0"), "relocate", Map.of("kernel.mremap_relocate_anon", "1")), List.of());
        PreRunCheck.check(sc, "today", sample(), THIS_KERNEL, LiveMachine.Limits.defaults());
        LiveMachine.ModelOnly e = assertThrows(LiveMachine.ModelOnly.class,
                () -> PreRunCheck.check(sc, "keep", sample(), THIS_KERNEL, LiveMachine.Limits.defaults()));
        assertTrue(e.getMessage().contains("this kernel does kernel.mremap_unmerge=1"), e.getMessage());
        e = assertThrows(LiveMachine.ModelOnly.class, () -> PreRunCheck.check(sc, "relocate", sample(), THIS_KERNEL, LiveMachine.Limits.defaults()));
        assertTrue(e.getMessage().contains("does not know what this kernel does for kernel.mremap_relocate_anon"), e.getMessage());
        // before the probes, kernel.* knobs are not judged
        PreRunCheck.checkWithoutFeatures(sc, "keep", sample(), LiveMachine.Limits.defaults());
    }

    @Test
    void aKnobTheKernelHasNotShouldBeBadInput() {
        Scenario sc = scenario(Map.of("cost.checksum_page_ns", "800"), Map.of(), List.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PreRunCheck.checkWithoutFeatures(sc, null, sample(), LiveMachine.Limits.defaults()));
        assertFalse(e instanceof LiveMachine.ModelOnly);
        assertTrue(e.getMessage().startsWith("knob 'cost.checksum_page_ns' is neither a KSM knob"), e.getMessage());
    }

    @Test
    void memoryShouldBeBoundedCountingForksAsCopies() throws Exception {
        Origin o = Origin.BUILT_IN;
        List<Step> steps = List.of(new Step.Spawn(o, "p"),
                new Step.Mmap(o, "p", "a", 1000, 3, false, null, 0, null, null),
                new Step.Brk(o, "p", 24),
                new Step.Brk(o, "p", -10),
                new Step.Fork(o, "p", "c"));
        assertEquals((1000 + 24) * 4096L * 2, PreRunCheck.estimatedBytes(scenario(Map.of(), Map.of(), steps)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PreRunCheck.checkWithoutFeatures(
                scenario(Map.of(), Map.of(), steps), null, sample(), new LiveMachine.Limits(1, 1, 1, 1L << 20)));
        assertTrue(e.getMessage().contains("may map up to 8 MiB"), e.getMessage());
    }

    @Test
    void stableShouldMeanTheSameCountersOverTwoFullScans() {
        Map<String, Long> a = Map.of("pages_shared", 10L, "pages_sharing", 990L);
        Map<String, Long> b = Map.of("pages_shared", 10L, "pages_sharing", 989L);
        assertFalse(LiveClock.stable(List.of(a, a)));
        assertTrue(LiveClock.stable(List.of(a, a, a)));
        assertFalse(LiveClock.stable(List.of(a, b, b)));
        assertTrue(LiveClock.stable(List.of(a, b, b, b)));
    }

    @Test
    void aKernelErrnoShouldBecomeTheEnginesSyscallException() {
        SyscallException e = assertInstanceOf(SyscallException.class, LiveMachine.error(-22, "process_madvise"));
        assertEquals(Errno.EINVAL, e.errno());
        assertEquals(Errno.ENOENT, ((SyscallException) LiveMachine.error(-2, "open")).errno());
        RuntimeException other = LiveMachine.error(-95, "x"); // EOPNOTSUPP: the engine has no name for it
        assertInstanceOf(IllegalStateException.class, other);
        assertTrue(other.getMessage().contains("errno 95"), other.getMessage());
    }
}
