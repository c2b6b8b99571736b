package org.ksmlab.engine.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class KernelConfigTest {
    @Test
    void knobsShouldTakeTheirValuesAndKeepTheDefaultsOfTheOthers() {
        KernelConfig c = KernelConfig.from(Map.of("kernel.hz", "1000", "kernel.mremap_unmerge", "0", "pages_to_scan", "5",
                "kernel.ksmd_prior_cpu_ns", "36057048708"));
        assertEquals(1000, c.hz());
        assertEquals(false, c.mremapUnmerge());
        assertEquals(36_057_048_708L, c.ksmdPriorCpuNanos());
        assertEquals(KernelConfig.DEFAULTS.timerLatePermille(), c.timerLatePermille());
        assertEquals(KernelConfig.DEFAULTS.values().keySet(), c.values().keySet());
        assertEquals(KernelConfig.DEFAULTS, KernelConfig.from(KernelConfig.DEFAULTS.values().entrySet().stream()
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> e.getValue().toString()))));
    }

    @Test
    void badValuesShouldSayWhatIsAccepted() {
        assertEquals("kernel.hz=0: expected an integer 1..10000",
                assertThrows(IllegalArgumentException.class, () -> KernelConfig.from(Map.of("kernel.hz", "0"))).getMessage());
        assertEquals("kernel.timer_late_permille=x: expected an integer 0..1000",
                assertThrows(IllegalArgumentException.class, () -> KernelConfig.from(Map.of("kernel.timer_late_permille", "x"))).getMessage());
        assertEquals("kernel.mremap_unmerge=2: expected 0 or 1",
                assertThrows(IllegalArgumentException.class, () -> KernelConfig.from(Map.of("kernel.mremap_unmerge", "2"))).getMessage());
        assertEquals(true, assertThrows(IllegalArgumentException.class, () -> KernelConfig.from(Map.of("kernel.nope", "1")))
                .getMessage().startsWith("unknown kernel knob 'kernel.nope'; known: kernel.read_fault_zero_page,"));
    }
}
