package org.ksmlab.engine.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ksmlab.engine.workload.Workloads;

class SimulationTest {
    private static SimulationResult run(String spec, Simulation.Options o) {
        return new Simulation(Workloads.create(spec), "none", Map.of(), o).run();
    }

    @Test
    void dupWorkloadAllocatesOneAnonymousPagePerWrittenPage() {
        SimulationResult r = run("dup:pages=500,procs=3,zero=0.2", Simulation.Options.stable());
        assertEquals(1500L, r.finalCounters().get("nr_anon_pages"));
        assertEquals(3L, r.finalCounters().get("vmas"));
        assertEquals(1500L, r.finalCounters().get("minor_faults"));
        assertEquals(0L, r.finalCounters().get("cow_faults"));
        assertEquals(1L, r.finalCounters().get("stable"));
        assertEquals(0L, r.finalCounters().get("converged_ms"));
        assertEquals(200L, r.finalCounters().get("virtual_ms"), "stable after two unchanged 100 ms samples");
    }

    @Test
    void volatilePagesAreRewrittenEveryPeriodInPlace() {
        // 10 of 100 pages rewritten every 50 ms for 1000 ms: 20 rounds x 10 pages, each a write
        // to an exclusively owned page (reused in place: no COW, no new fault).
        SimulationResult r = run("dup:pages=100,volatile=0.1,period_ms=50", Simulation.Options.forMs(1000));
        assertEquals(100L, r.finalCounters().get("nr_anon_pages"));
        assertEquals(100L, r.finalCounters().get("minor_faults"));
        assertEquals(1000L, r.finalCounters().get("virtual_ms"));
        assertEquals(11, r.series().size(), "samples at 0, 100, ..., 1000 ms");
    }

    @Test
    void sameSpecAndSeedGiveTheSameResultBitForBit() {
        String spec = "dup:pages=300,procs=2,distinct=7,zero=0.1,volatile=0.2,period_ms=30,seed=9";
        SimulationResult a = run(spec, Simulation.Options.forMs(500));
        SimulationResult b = run(spec, Simulation.Options.forMs(500));
        assertEquals(a.toJsonObject(), b.toJsonObject());
    }

    @Test
    void seriesCarriesTheContractFieldsInEverySample() {
        SimulationResult r = run("dup:pages=10", Simulation.Options.forMs(300));
        for (Map<String, Long> sample : r.series()) {
            assertEquals(true, sample.keySet().containsAll(List.of("virtual_ms", "nr_anon_pages", "cow_faults", "vmas")));
        }
        assertEquals(List.of(0L, 100L, 200L, 300L), r.series().stream().map(s -> s.get("virtual_ms")).toList());
    }
}
