package org.ksmlab.livekernel;

import org.ksmlab.engine.workload.DupLayout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.ksmlab.engine.mm.Kernel;
import org.ksmlab.engine.mm.NoMerger;
import org.ksmlab.engine.mm.Process;
import org.ksmlab.engine.mm.Vma;
import org.ksmlab.engine.workload.PageContents;
import org.ksmlab.engine.workload.Workload;
import org.ksmlab.engine.workload.Workloads;

/** The real-memory layout must give the model's equality structure, page for page. */
class DupLayoutTest {
    private static final String SPEC = "dup:pages=300,distinct=7,procs=3,zero=0.2,volatile=0.1,seed=5";

    @Test
    void layoutShouldPutTheModelsContentInEveryPageOfEveryProcess() {
        DupLayout layout = DupLayout.of(SPEC);
        Workload w = Workloads.create(SPEC);
        List<Runnable> periodic = new ArrayList<>();
        try (Kernel kernel = new Kernel(new NoMerger())) {
            w.start(kernel, new Workload.Scheduler() {
                @Override public void at(long nanos, Runnable action) { throw new AssertionError("dup schedules no one-shot event"); }
                @Override public void every(long first, long period, Runnable action) { periodic.add(action); }
            });
            List<Process> procs = kernel.processes();
            assertEquals(3, procs.size());
            // Before any rewrite: zero pages read 0, every other page holds i % distinct.
            long[][] before = new long[3][];
            for (int p = 0; p < 3; p++) {
                byte[] kinds = layout.kinds(p);
                Vma vma = procs.get(p).vmas().get(0);
                before[p] = new long[layout.pages];
                for (int i = 0; i < layout.pages; i++) {
                    long word0 = kernel.readLong(procs.get(p).pid(), vma.start() + (long) i * 4096);
                    long word511 = kernel.readLong(procs.get(p).pid(), vma.start() + (long) i * 4096 + 4088);
                    before[p][i] = word0;
                    if (kinds[i] == DupLayout.ZERO) {
                        assertEquals(0, word0, "proc " + p + " page " + i + " should be a zero page");
                    } else {
                        assertEquals(PageContents.word(layout.initialKey(i), 0), word0, "proc " + p + " page " + i);
                        assertEquals(PageContents.word(layout.initialKey(i), 511), word511, "proc " + p + " page " + i);
                    }
                }
            }
            periodic.forEach(Runnable::run);
            // After one rewrite exactly the pages the layout calls volatile changed.
            for (int p = 0; p < 3; p++) {
                byte[] kinds = layout.kinds(p);
                Vma vma = procs.get(p).vmas().get(0);
                for (int i = 0; i < layout.pages; i++) {
                    long word0 = kernel.readLong(procs.get(p).pid(), vma.start() + (long) i * 4096);
                    if (kinds[i] == DupLayout.VOLATILE) {
                        assertNotEquals(before[p][i], word0, "proc " + p + " volatile page " + i + " should have been rewritten");
                    } else {
                        assertEquals(before[p][i], word0, "proc " + p + " page " + i + " should not change");
                    }
                }
            }
        }
    }

    @Test
    void countsShouldRoundLikeTheModel() {
        DupLayout l = DupLayout.of(SPEC);
        assertEquals(60, l.zeroCount());
        assertEquals(30, l.volatileCount());
        assertEquals(30, l.volatilePages(1).length);
    }

    @Test
    void volatileKeysShouldBeUniqueAcrossProcessesAndRewrites() {
        DupLayout l = DupLayout.of(SPEC);
        assertNotEquals(l.volatileKey(0, 1), l.volatileKey(1, 1));
        assertNotEquals(l.volatileKey(0, 1), l.volatileKey(0, 2));
        assertNotEquals(l.volatileKey(0, 0), l.initialKey(0));
    }

    @Test
    void realPagesShouldHoldTheModelsBytes() {
        MemorySegment region = Libc.mmapAnonymous(2 * 4096);
        try {
            long key = PageContents.key(42, 3);
            RealPages.fill(region, 1, key);
            for (int j = 0; j < 512; j++) {
                assertEquals(PageContents.word(key, j), region.get(ValueLayout.JAVA_LONG_UNALIGNED, 4096 + 8L * j));
            }
            RealPages.zero(region, 0);
            assertEquals(0, region.get(ValueLayout.JAVA_LONG, 0));
        } finally {
            Libc.munmap(region);
        }
    }

    @Test
    void onlyDupIsSupported() {
        assertThrows(IllegalArgumentException.class, () -> DupLayout.of("nosuch:pages=1"));
    }
}
