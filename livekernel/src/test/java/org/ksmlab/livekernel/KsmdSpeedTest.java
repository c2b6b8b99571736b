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
        for (KsmdSpeed.Reference r : KsmdSpeed.REFERENCES) {
            KsmdSpeed.Price price = KsmdSpeed.price(r);
            long a = price.cpuNanos();
            assertEquals(price, KsmdSpeed.price(r));
            // a checksum pass, a merging pass and two steady ones; microseconds per page at most
            assertTrue(a > 4 * r.pages() * 100 && a < 4 * r.pages() * 10_000, a + " ns");
            assertEquals(4 * r.pages(), price.work().get("pages_visited"), r.name()); // smart scan off: every page every pass
            // the factor scales the model's CPU for the same work, and nothing else
            SideResult slow = ModelRunner.run(r.scenario(), Map.of("kernel.ksmd_cpu_cost_permille", "2000"));
            long cpu = KsmdSpeed.cpuAtPass(slow, "model");
            assertTrue(Math.abs(cpu - 2 * a) <= 64, cpu + " against 2 x " + a); // rounded per batch
            assertEquals(ModelRunner.run(r.scenario()).atPass(4).get("pages_sharing"), slow.atPass(4).get("pages_sharing"));
        }
        assertEquals(List.of(4096L, 65536L, 4096L, 65536L), KsmdSpeed.REFERENCES.stream().map(KsmdSpeed.Reference::pages).toList());
    }

    /** Each workload is probed with the reference nearest its size (pages over all its processes, on a log scale). */
    @Test
    void aWorkloadIsProbedWithTheReferenceNearestItsSize() {
        for (Scenario g : Scenario.grid()) { // the grid's sleep-0 points take the references that do not sleep either
            assertEquals("0".equals(g.kernelKnobs().get("sleep_millisecs")) ? KsmdSpeed.LARGE_NO_SLEEP : KsmdSpeed.LARGE,
                    KsmdSpeed.referenceFor(g), g.knobs().toString());
        }
        assertEquals(KsmdSpeed.SMALL_NO_SLEEP, KsmdSpeed.referenceFor(new Scenario("s", "dup:pages=4000", Map.of("sleep_millisecs", "0"))));
        assertEquals(KsmdSpeed.LARGE, KsmdSpeed.referenceFor(new Scenario("t", "dup:pages=65536", Map.of("sleep_millisecs", "100"))));
        for (Scenario sc : Scenario.builtIn()) {
            assertEquals(KsmdSpeed.SMALL, KsmdSpeed.referenceFor(sc), sc.workload()); // 4,000 to 6,000 pages
        }
        assertEquals(KsmdSpeed.SMALL, KsmdSpeed.referenceFor(new Scenario("a", "dup:pages=16383", Map.of())));
        assertEquals(KsmdSpeed.LARGE, KsmdSpeed.referenceFor(new Scenario("b", "dup:pages=16384", Map.of())));
        assertEquals(KsmdSpeed.LARGE, KsmdSpeed.referenceFor(new Scenario("c", "dup:pages=8192,procs=2", Map.of())));
        assertEquals(KsmdSpeed.LARGE, KsmdSpeed.referenceFor(new Scenario("d", "dup:pages=500000", Map.of())));
        assertEquals(KsmdSpeed.SMALL, KsmdSpeed.referenceFor(new Scenario("e", "dup:pages=10", Map.of())));
    }

    @Test
    void theFactorIsTheKernelsMedianProbeOverTheModelsPerMille() {
        KsmdSpeed.Speed s = KsmdSpeed.Speed.combine(List.of(new KsmdSpeed.Speed(KsmdSpeed.SMALL, List.of(15_000_000L), 10_000_000),
                new KsmdSpeed.Speed(KsmdSpeed.SMALL, List.of(13_000_000L, 14_000_000L), 10_000_000)));
        assertEquals(1400, s.permille());
        assertEquals(3, s.probeNanos().size());
        assertEquals(1350, new KsmdSpeed.Speed(KsmdSpeed.SMALL, List.of(13_000_000L, 14_000_000L), 10_000_000).permille()); // even: the middle two's mean
        assertEquals(1, new KsmdSpeed.Speed(KsmdSpeed.SMALL, List.of(1L), 10_000_000).permille()); // never 0: the knob's floor
        assertTrue(!s.describe().contains("changed speed"), s.describe());
        KsmdSpeed.Speed moved = new KsmdSpeed.Speed(KsmdSpeed.SMALL, List.of(10_000_000L, 13_000_000L), 10_000_000);
        assertTrue(moved.describe().contains("the probes spread by 1.30 times: the machine changed speed"), moved.describe());
        assertThrows(IllegalArgumentException.class, () -> KsmdSpeed.Speed.combine(List.of(new KsmdSpeed.Speed(KsmdSpeed.SMALL, List.of(1L), 2),
                new KsmdSpeed.Speed(KsmdSpeed.SMALL, List.of(1L), 3))));
        assertThrows(IllegalArgumentException.class, () -> KsmdSpeed.Speed.combine(List.of(new KsmdSpeed.Speed(KsmdSpeed.SMALL, List.of(1L), 2),
                new KsmdSpeed.Speed(KsmdSpeed.LARGE, List.of(1L), 2))));
        assertTrue(s.describe().contains("the small reference (dup:pages=4096,distinct=64"), s.describe());
        assertEquals("small", s.toJson().get("reference"));
        assertThrows(IllegalArgumentException.class, () -> new KsmdSpeed.Speed(KsmdSpeed.SMALL, List.of(), 3));
    }

    /** Each workload's speed: the median of its own probes and those of two workloads on either side. */
    @Test
    void aWorkloadsSpeedIsTheMedianOfTheProbesAroundItAndItsNeighbours() {
        List<List<KsmdSpeed.Speed>> probes = new java.util.ArrayList<>();
        long[][] ns = {{10, 12}, {11, 30}, {9, 10}, {13, 14}, {12, 12}};
        for (long[] p : ns) {
            probes.add(List.of(new KsmdSpeed.Speed(KsmdSpeed.SMALL, List.of(p[0]), 10), new KsmdSpeed.Speed(KsmdSpeed.SMALL, List.of(p[1]), 10)));
        }
        List<KsmdSpeed.Speed> w = KsmdSpeed.window(probes, 2);
        assertEquals(List.of(6, 8, 10, 8, 6), w.stream().map(s -> s.probeNanos().size()).toList());
        assertEquals(10.5, w.get(0).medianNanos()); // 10 12 11 30 9 10
        assertEquals(12.0, w.get(2).medianNanos()); // all ten: the one slow probe (30) does not move it
        assertEquals(1100, KsmdSpeed.window(probes, 0).get(0).permille());
        List<List<KsmdSpeed.Speed>> none = List.of(List.of(), List.of());
        assertEquals(java.util.Arrays.asList(null, null), KsmdSpeed.window(none, 2));
        // neighbours probed with the other reference do not count: their factor says nothing about this size
        List<List<KsmdSpeed.Speed>> mixed = new java.util.ArrayList<>(probes);
        mixed.set(1, List.of(new KsmdSpeed.Speed(KsmdSpeed.LARGE, List.of(500L), 400), new KsmdSpeed.Speed(KsmdSpeed.LARGE, List.of(520L), 400)));
        List<KsmdSpeed.Speed> m = KsmdSpeed.window(mixed, 2);
        assertEquals(List.of(4, 2, 8, 6, 6), m.stream().map(s -> s.probeNanos().size()).toList());
        assertEquals(1275, m.get(1).permille()); // 510 / 400: its own two only
        assertEquals(10.0, m.get(0).medianNanos()); // 10 12 9 10
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

    /**
     * The workload's model gets the wake-up cost the pacing probe measured; the speed is the one
     * at which the reference, priced with that same wake-up cost, costs what the probes measured:
     * run with the knobs kernel-check derives, the model's CPU for the reference is the probes'
     * median (to the rounding of the per-mille factor).
     */
    @Test
    void theSpeedPricesTheReferenceWithTheMeasuredWakeUpCost() {
        for (KsmdSpeed.Reference r : KsmdSpeed.REFERENCES) {
            KsmdSpeed.Price price = KsmdSpeed.price(r);
            long wakeups = price.work().get("wakeups");
            boolean sleeps = !"0".equals(r.scenario().kernelKnobs().get("sleep_millisecs"));
            assertTrue(sleeps ? wakeups >= 16 : wakeups == 1, r.name() + ": " + wakeups + " wake-ups over 4 passes of 4 batches");
            long median = price.cpuNanos() * 9 / 10; // the machine 10 % faster than the shipped costs say
            KsmdSpeed.Speed speed = new KsmdSpeed.Speed(r, List.of(median), price.cpuNanos(), wakeups);
            double page = KsmdPacing.modelBatchNanosWithoutWakeup();
            KsmdPacing.Lateness late = KsmdPacing.lateness(80L * 24 * 1_000_000, 80, 20, 250).withBatchCpu(8_000); // 8 µs per batch
            Map<String, Object> c = KernelCheck.clock(new KsmdPacing.Hz(250, "test"), late, speed, page,
                    SideResult.unavailable("no kernel side in this test"));
            @SuppressWarnings("unchecked")
            Map<String, String> knobs = (Map<String, String>) c.get("model_kernel_knobs");
            long cpu = KsmdSpeed.cpuAtPass(ModelRunner.run(r.scenario(), Map.of("kernel.ksmd_cpu_cost_permille",
                    knobs.get("kernel.ksmd_cpu_cost_permille"), "cost.wakeup_ns", knobs.get("cost.wakeup_ns"))), "model");
            assertEquals(median, cpu, median * 0.002, r.name() + ": " + knobs);
            // priced with the shipped wake-up cost instead (the plain ratio, 900 per mille), it would not be
            assertEquals(900, speed.permille());
            assertTrue(!knobs.get("kernel.ksmd_cpu_cost_permille").equals("900") || r.pages() == KsmdSpeed.LARGE.pages() || !sleeps,
                    knobs.toString());
            assertTrue(c.get("wakeup_source").toString().contains("the reference's " + wakeups + " wake-ups"), c.toString());
        }
        // without the reference's wake-ups known: the plain ratio
        assertEquals(1.5, new KsmdSpeed.Speed(KsmdSpeed.SMALL, List.of(15L), 10).factorWithWakeup(8_000, 1_000, 24_000));
    }
}
