package org.ksmlab.livekernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The speed probe's arithmetic and its model side (the kernel side needs root: kernel-check). */
class KsmdSpeedTest {
    @Test
    void theModelsReferenceIsTheShippedCostsOfItsFourPassesAndTheSameEveryTime() {
        long a = KsmdSpeed.modelReference();
        assertEquals(a, KsmdSpeed.modelReference());
        // 4096 pages: a checksum pass, a merging pass and two steady ones; microseconds per page at most
        assertTrue(a > 4 * 4096L * 100 && a < 4 * 4096L * 10_000, a + " ns");
        // the factor scales the model's CPU for the same work, and nothing else
        SideResult slow = ModelRunner.run(KsmdSpeed.REFERENCE, Map.of("kernel.ksmd_cpu_cost_permille", "2000"));
        long cpu = KsmdSpeed.cpuAtPass(slow, "model");
        assertTrue(Math.abs(cpu - 2 * a) <= 64, cpu + " against 2 x " + a); // rounded per batch
        assertEquals(ModelRunner.run(KsmdSpeed.REFERENCE).atPass(4).get("pages_sharing"), slow.atPass(4).get("pages_sharing"));
    }

    @Test
    void theFactorIsTheKernelsMeanProbeOverTheModelsPerMille() {
        KsmdSpeed.Speed s = KsmdSpeed.Speed.combine(new KsmdSpeed.Speed(15_000_000, 1, 10_000_000),
                new KsmdSpeed.Speed(13_000_000, 1, 10_000_000));
        assertEquals(1400, s.permille());
        assertEquals(2, s.probes());
        assertEquals(1, new KsmdSpeed.Speed(1, 1, 10_000_000).permille()); // never 0: the knob's floor
        assertThrows(IllegalArgumentException.class, () -> KsmdSpeed.Speed.combine(new KsmdSpeed.Speed(1, 1, 2), new KsmdSpeed.Speed(1, 1, 3)));
    }

    @Test
    void aSideThatStoppedBeforeTheFourthFullScanIsAnErrorNotAFactor() {
        SideResult short3 = KernelRunner.result(new java.util.ArrayList<>(List.of(KernelRunnerTest.s(0, 0, 0, 0, 0, 0, 0),
                KernelRunnerTest.s(1, 24, 1, 9, 0, 10, 900_000))), false, 1);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> KsmdSpeed.cpuAtPass(short3, "kernel"));
        assertTrue(e.getMessage().contains("no ksmd CPU at full scan 4"), e.getMessage());
        IllegalStateException u = assertThrows(IllegalStateException.class,
                () -> KsmdSpeed.cpuAtPass(SideResult.unavailable("no ksm here"), "model"));
        assertTrue(u.getMessage().contains("no ksm here"), u.getMessage());
    }
}
