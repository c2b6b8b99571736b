package org.ksmlab.engine.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ksmlab.engine.workload.Workloads;

class HorizonTest {
    /** ksm's until-stable stop on SPEC with default knobs (this model; 2204 before ksmd slept in ticks, issue 14). */
    private static final long KSM_STOP_MS = 3322;
    private static final String SPEC = "dup:procs=4,pages=200,distinct=100,zero=0.2,volatile=0.05,period_ms=1000";

    /** The horizon is the latest until-stable stop among the mergers, rounded up to a whole second. */
    @Test
    void horizonShouldBeTheSlowestMergersStableStopRoundedUpToASecond() {
        Map<String, Long> stopMs = new java.util.LinkedHashMap<>();
        for (String algo : List.of("none", "ksm", "sksm")) {
            SimulationResult r = new Simulation(Workloads.create(SPEC), algo, Map.of(), Simulation.Options.stable()).run();
            stopMs.put(algo, (Long) r.finalCounters().get("virtual_ms"));
        }
        // none: unchanged from 0 ms, the rewrite at 1000 ms inside that stretch, one sample after it;
        // sksm: its counters change at the first rewrite, so it waits for the second; ksm: its passes.
        assertEquals(Map.of("none", 1100L, "ksm", KSM_STOP_MS, "sksm", 2100L), stopMs);
        assertEquals(Math.ceilDiv(KSM_STOP_MS, 1000) * 1000, Horizon.ms(() -> Workloads.create(SPEC), List.of("none", "ksm", "sksm")));
        assertEquals(3000, Horizon.ms(() -> Workloads.create(SPEC), List.of("none", "sksm")), "2100 ms rounds up to 3000");
        assertEquals(1000, Horizon.ms(() -> Workloads.create("dup:procs=4,pages=200,distinct=100"), List.of("sksm")),
                "a 200 ms stop rounds up to a whole second");
    }

    /** On an equal horizon SKSM's saving shows the COW faults of the periodic rewrites, as ksm's does. */
    @Test
    void everyMergerShouldRunExactlyToTheHorizon() {
        long horizon = Horizon.ms(() -> Workloads.create(SPEC));
        for (String algo : List.of("none", "ksm", "sksm", "sksm-resizable", "sksm-aged")) {
            SimulationResult r = Horizon.run(Workloads.create(SPEC), algo, horizon);
            assertEquals(horizon, r.finalCounters().get("virtual_ms"), algo);
        }
        Convergence sksm = Convergence.of(Horizon.run(Workloads.create(SPEC), "sksm", horizon));
        assertEquals(40, sksm.cowAfterMerge());
    }
}
