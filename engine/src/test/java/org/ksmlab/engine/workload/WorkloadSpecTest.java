package org.ksmlab.engine.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkloadSpecTest {
    @Test
    void parsesNameAndParametersInOrder() {
        WorkloadSpec s = WorkloadSpec.parse("dup:pages=10,distinct=2");
        assertEquals("dup", s.name());
        assertEquals(Map.of("pages", "10", "distinct", "2"), s.params());
        assertEquals("dup:pages=10,distinct=2", s.toString());
    }

    @Test
    void unknownWorkloadListsTheAvailableOnes() {
        var e = assertThrows(IllegalArgumentException.class, () -> Workloads.create("nope:pages=1"));
        assertEquals("unknown workload 'nope'; available: dup, codepatch, fleet", e.getMessage());
    }

    @Test
    void unknownKeyListsTheAcceptedKeys() {
        var e = assertThrows(IllegalArgumentException.class, () -> Workloads.create("dup:pagez=1"));
        assertEquals("workload 'dup': unknown parameter 'pagez'; accepted: pages, distinct, procs, zero, volatile, period_ms, mergeable, seed", e.getMessage());
    }

    @Test
    void negativeAndNonNumericValuesAreRejectedWithTheExpectedRange() {
        assertEquals("workload 'dup': pages=-5 is out of range: expected an integer in [1, 67108864]",
                assertThrows(IllegalArgumentException.class, () -> Workloads.create("dup:pages=-5")).getMessage());
        assertEquals("workload 'dup': pages=ten is not a number: expected an integer in [1, 67108864]",
                assertThrows(IllegalArgumentException.class, () -> Workloads.create("dup:pages=ten")).getMessage());
        assertEquals("workload 'dup': zero=1.5 is out of range: expected a fraction in [0, 1]",
                assertThrows(IllegalArgumentException.class, () -> Workloads.create("dup:zero=1.5")).getMessage());
    }

    @Test
    void malformedSpecsSayWhatWasExpected() {
        assertThrows(IllegalArgumentException.class, () -> WorkloadSpec.parse(""));
        assertEquals("bad parameter 'pages' in workload spec 'dup:pages': expected key=value",
                assertThrows(IllegalArgumentException.class, () -> WorkloadSpec.parse("dup:pages")).getMessage());
        assertEquals("parameter 'pages' given twice in workload spec 'dup:pages=1,pages=2'",
                assertThrows(IllegalArgumentException.class, () -> WorkloadSpec.parse("dup:pages=1,pages=2")).getMessage());
    }
}
