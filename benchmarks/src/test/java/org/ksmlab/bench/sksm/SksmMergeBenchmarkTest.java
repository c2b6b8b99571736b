package org.ksmlab.bench.sksm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.ksmlab.bench.macro.ConvergenceCounters;
import org.ksmlab.engine.memory.PageChecksum;

/** Builds the states as JMH would (fields, then @Setup) and checks one call of each method. */
class SksmMergeBenchmarkTest {
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"SKSM, duplicate, 16", "SKSM, unique, 256", "SKSM_RESIZABLE, duplicate, 16",
            "SKSM_RESIZABLE, unique, 256", "SKSM_AGED, duplicate, 16", "SKSM_AGED, unique, 256"})
    void madvMergeShouldLeaveOnePagePerDistinctContent(SksmMergeBenchmark.Variant variant, String mix, long anon) {
        SksmMergeBenchmark.MergeState s = new SksmMergeBenchmark.MergeState();
        s.variant = variant;
        s.mix = mix;
        s.pages = 256;
        s.seed = 42;
        s.build();
        try {
            assertEquals(256, s.kernel.nrAnonPages());
            ConvergenceCounters counters = new ConvergenceCounters();
            assertEquals(anon, new SksmMergeBenchmark().madvMerge(s, counters));
            assertEquals(256 - anon, s.kernel.counters().get("sksm_pages_merged"));
            assertEquals(256 - anon, counters.pagesSaved);
            assertEquals(0, counters.virtualMsTo90);
            assertEquals(0, counters.cowAfterMerge);
            s.kernel.checkInvariants();
        } finally {
            s.close();
        }
    }

    @Test
    void baselineShouldHashOnePageAndFindTheTwoPagesEqual() {
        SksmMergeBenchmark.PagePairState s = new SksmMergeBenchmark.PagePairState();
        s.seed = 42;
        s.setup();
        try {
            long h = PageChecksum.XXH64.hash64(s.chunk, s.a);
            assertEquals(h ^ -1, new SksmMergeBenchmark().xxh64AndCompare(s));
        } finally {
            s.tearDown();
        }
    }
}
