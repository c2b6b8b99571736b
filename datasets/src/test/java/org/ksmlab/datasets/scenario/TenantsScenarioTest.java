package org.ksmlab.datasets.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ksmlab.engine.scenario.Scenario;
import org.ksmlab.engine.scenario.ScenarioRun;
import org.ksmlab.engine.scenario.ScenarioSimulation;

/**
 * The shipped {@code tenants} scenario: its {@code domains} reach the model, so unrestricted ksm
 * merges mallory's pages with alice's (two tenants' processes) while ksm-same-domain merges only
 * alice's two processes with each other.
 */
class TenantsScenarioTest {
    private static ScenarioRun.PhaseRecord merged(String algo) {
        ScenarioSimulation.Outcome o = ScenarioSimulation.run(Scenarios.load("tenants"), null, algo, Map.of());
        assertEquals(List.of(), o.result().failures(), algo);
        return o.result().phases().get(0);
    }

    @Test
    void theDomainsShouldBeReadInOrderOfFirstAppearance() {
        Scenario s = Scenarios.load("tenants");
        assertEquals(Map.of("alice-web", "alice", "alice-db", "alice", "mallory", "mallory"), s.domains());
        assertEquals(Scenario.FIRST_DOMAIN, s.domainOf("alice-web"));
        assertEquals(Scenario.FIRST_DOMAIN, s.domainOf("alice-db"));
        assertEquals(Scenario.FIRST_DOMAIN + 1, s.domainOf("mallory"));
        assertEquals(-1, s.domainOf("nobody"));
    }

    @Test
    void unrestrictedKsmShouldMergeTheAttackersPagesWithTheOtherTenants() {
        ScenarioRun.PhaseRecord p = merged("ksm");
        assertEquals(80, p.counters().get("pages_shared"));
        assertEquals(144, p.counters().get("pages_sharing")); // 64 contents x 3 copies, 16 x 2
        assertEquals(64, p.processes().get("mallory").get("ksm_merging_pages"));
    }

    @Test
    void sameDomainMergingShouldKeepEachTenantsPagesToItself() {
        ScenarioRun.PhaseRecord p = merged("ksm-same-domain");
        assertEquals(80, p.counters().get("pages_shared"));
        assertEquals(80, p.counters().get("pages_sharing")); // only alice's two processes merge
        assertEquals(0, p.processes().get("mallory").get("ksm_merging_pages"));
        assertTrue(p.processes().get("alice-web").get("ksm_merging_pages") == 80);
    }
}
