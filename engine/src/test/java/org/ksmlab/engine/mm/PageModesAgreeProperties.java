package org.ksmlab.engine.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Arbitrary;
import org.ksmlab.engine.memory.PageMode;

/**
 * The property workloads of {@link NoDataLossProperties} (random writes of words and whole
 * pages, forks, exits, execs, mmaps, munmaps, mremaps, DONTNEED, MERGEABLE/UNMERGEABLE,
 * MADV_MERGE, prctl and merger runs, for every registered algorithm) in both page modes: each
 * read matches the never-sharing shadow in both, and the kernel's and the merger's counters are
 * the same after every one of the 1000 operations of a try.
 */
class PageModesAgreeProperties {
    @Provide
    Arbitrary<String> algorithms() {
        return new NoDataLossProperties().algorithms();
    }

    @Property(tries = 200)
    void bothPageModesShouldGiveTheSameCountersAfterEveryOperation(@ForAll long seed, @ForAll("algorithms") String algo) {
        List<List<Map<String, Long>>> traces = new ArrayList<>();
        for (PageMode mode : PageMode.values()) {
            NoDataLossProperties.Run run = new NoDataLossProperties.Run(seed, algo, mode);
            run.countersAfterEachOp = new ArrayList<>();
            run.execute();
            traces.add(run.countersAfterEachOp);
        }
        List<Map<String, Long>> bytes = traces.get(0);
        List<Map<String, Long>> symbolic = traces.get(1);
        assertEquals(NoDataLossProperties.OPS_PER_TRY, bytes.size());
        for (int op = 0; op < bytes.size(); op++) {
            assertEquals(bytes.get(op), symbolic.get(op), "seed " + seed + " algo " + algo + ": counters after operation " + op);
        }
    }
}
