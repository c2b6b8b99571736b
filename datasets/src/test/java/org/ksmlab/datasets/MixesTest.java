package org.ksmlab.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ksmlab.engine.workload.Workload;
import org.ksmlab.engine.workload.Workloads;

class MixesTest {
    @Test
    void theDocumentedMixesShouldExistInFileOrder() {
        assertEquals(List.of("vm-fleet", "code-patching", "all-unique", "write-churn", "real-runtimes", "vm-host"), Mixes.names());
        Mixes.all().forEach(m -> assertFalse(m.description().isBlank(), m.name()));
    }

    @Test
    void specShouldScaleTheTemplateToTheTotalPageCount() {
        assertEquals("dup:procs=4,pages=2000,distinct=1000,zero=0.2,volatile=0.05,period_ms=1000,seed=42", Mixes.spec("vm-fleet", 8000));
        assertEquals("codepatch:procs=19,lib_pages=380,base_pages=40,patched=1.0,seed=7", Mixes.spec("code-patching", 8000, 7));
        assertEquals("dup:procs=1,pages=8000,distinct=0,seed=42", Mixes.spec("all-unique", 8000));
        assertEquals("dup:procs=4,pages=2000,distinct=1000,volatile=0.5,period_ms=50,seed=42", Mixes.spec("write-churn", 8000));
        assertEquals("fleet:guests=64,pages=4194304,images=4,image=0.6,zero=0.2,volatile=0.05,period_ms=60000,seed=42",
                Mixes.spec("vm-host", 268_435_456L), "1 TiB: 64 guests of 16 GiB");
    }

    @Test
    void tinySizesShouldStillGiveAtLeastOneOfEverything() {
        assertEquals("codepatch:procs=1,lib_pages=380,base_pages=40,patched=1.0,seed=42", Mixes.spec("code-patching", 10));
        assertEquals("dup:procs=4,pages=1,distinct=1,zero=0.2,volatile=0.05,period_ms=1000,seed=42", Mixes.spec("vm-fleet", 1));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"vm-fleet", "code-patching", "all-unique", "write-churn", "vm-host"})
    void everyMixShouldBuildAWorkloadOfAboutTheAskedSize(String name) {
        Workload w = Workloads.create(Mixes.spec(name, 100_000));
        long pages = name.equals("code-patching")
                ? w.params().get("procs").longValue() * (w.params().get("lib_pages").longValue() + w.params().get("base_pages").longValue())
                : name.equals("vm-host") ? w.params().get("guests").longValue() * w.params().get("pages").longValue()
                : w.params().get("procs").longValue() * w.params().get("pages").longValue();
        assertTrue(pages <= 100_000 && pages > 99_000, name + ": " + pages + " pages");
        assertEquals(42, w.seed());
    }

    @Test
    void theRealDataMixShouldBeTheCapturedSizeAndSaySo() {
        assertFalse(Mixes.get("real-runtimes").scales());
        assertTrue(Mixes.get("vm-fleet").scales());
        assertEquals("dataset:path=mixed-idle,seed=42", Mixes.spec("real-runtimes", 8000));
        assertEquals("dataset:path=mixed-idle,seed=42", Mixes.spec("real-runtimes", 100));
        assertEquals(37262, Workloads.create(Mixes.spec("real-runtimes", 1)).framesAtMost());
        assertEquals("dataset:path=mixed-idle,seed=42", Mixes.resolve("real-runtimes"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Mixes.resolve("real-runtimes:pages=1000"));
        assertEquals("workload mix 'real-runtimes' does not scale (dataset:path=mixed-idle: a captured dataset has the size it was captured at); leave out pages=",
                e.getMessage());
    }

    @Test
    void anUnknownMixShouldBeAnErrorListingTheNames() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Mixes.spec("vm-flet", 1000));
        assertEquals("unknown workload mix 'vm-flet'; available: vm-fleet, code-patching, all-unique, write-churn, real-runtimes, vm-host", e.getMessage());
    }

    @Test
    void aPageCountBelowOneShouldBeAnError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Mixes.spec("all-unique", 0));
        assertEquals("workload mix 'all-unique': pages=0: expected >= 1", e.getMessage());
    }
}
