package org.ksmlab.engine.sim;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ksmlab.engine.memory.PageMode;
import org.ksmlab.engine.workload.Workload;
import org.ksmlab.engine.workload.Workloads;

/** A run that cannot fit is refused before it allocates, with what it needs and what there is. */
class MemoryBudgetTest {
    private static final long GIB = 1L << 30;

    @Test
    void aRunNeedingMoreThanIsAvailableIsRefusedNamingBoth() {
        Workload w = Workloads.create("dup:pages=1048576,procs=4"); // 4 Mi pages: 16 GiB + 0.5 GiB of heap
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MemoryBudget.check(w, OptionalLong.of(8 * GIB), 64 * GIB));
        assertEquals("workload 'dup:pages=1048576,procs=4' needs about 16.5 GiB: 4,194,304 pages of 4 KiB (16.0 GiB, off the Java heap)"
                + " and about 0.5 GiB of heap for their metadata; this machine has 8.0 GiB available (MemAvailable). Use fewer pages or processes",
                e.getMessage());
    }

    @Test
    void aRunWhoseMetadataExceedsTheHeapLimitIsRefused() {
        Workload w = Workloads.create("dup:pages=1048576,procs=4");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MemoryBudget.check(w, OptionalLong.of(64 * GIB), 256L << 20));
        assertEquals(true, e.getMessage().endsWith("the JVM's heap limit is 0.3 GiB. Use fewer pages or processes, or a larger -Xmx"), e.getMessage());
    }

    @Test
    void aRunThatFitsPassesAndUnknownMemoryChecksOnlyTheHeap() {
        Workload w = Workloads.create("dup:pages=1000");
        assertDoesNotThrow(() -> MemoryBudget.check(w, OptionalLong.of(GIB), GIB));
        assertDoesNotThrow(() -> MemoryBudget.check(Workloads.create("dup:pages=1048576,procs=4"), OptionalLong.empty(), 64 * GIB));
    }

    @Test
    void symbolicPagesNeedNoPageBytesOnlyTheModelsMemoryPerFrame() {
        Workload w = Workloads.create("dup:pages=1048576,procs=4"); // 16 GiB of byte pages; 0.2 GiB symbolic
        assertThrows(IllegalArgumentException.class, () -> MemoryBudget.check(w, PageMode.BYTE, OptionalLong.of(8 * GIB), 64 * GIB));
        assertDoesNotThrow(() -> MemoryBudget.check(w, PageMode.SYMBOLIC, OptionalLong.of(8 * GIB), 256L << 20));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MemoryBudget.check(w, PageMode.SYMBOLIC, OptionalLong.of(GIB / 8), 64 * GIB));
        assertEquals("workload 'dup:pages=1048576,procs=4' needs about 0.2 GiB for 4,194,304 symbolic pages (about "
                + MemoryBudget.SYMBOLIC_BYTES_PER_FRAME + " bytes of memory each, measured); this machine has 0.1 GiB available"
                + " (MemAvailable). Use fewer pages or processes", e.getMessage());
    }

    @Test
    void codepatchCountsTheLibraryTheCopiesAndTheBasePages() {
        // RFC defaults: 380 library pages, 1000 processes each with 380 patched copies and 40 own pages.
        assertEquals(380 + 1000L * (380 + 40), Workloads.create("codepatch").framesAtMost());
    }

    @Test
    void memAvailableIsReadInKibibytes(@TempDir Path dir) throws IOException {
        Path meminfo = Files.writeString(dir.resolve("meminfo"), "MemTotal:       24000000 kB\nMemAvailable:   1024 kB\n");
        assertEquals(OptionalLong.of(1024 * 1024), MemoryBudget.availableBytes(meminfo));
        assertEquals(OptionalLong.empty(), MemoryBudget.availableBytes(dir.resolve("absent")));
    }
}
