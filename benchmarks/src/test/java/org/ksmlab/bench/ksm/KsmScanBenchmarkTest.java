package org.ksmlab.bench.ksm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.ksmlab.engine.memory.PageChecksum;

class KsmScanBenchmarkTest {
    @Test
    void scanToConvergenceMergesEveryDuplicateAndCountsItsPages() {
        KsmScanBenchmark b = new KsmScanBenchmark();
        KsmScanBenchmark.Workload1 w = new KsmScanBenchmark.Workload1();
        w.pages = 4096;
        w.fullScans = 3;
        w.seed = 42;
        w.build();
        KsmScanBenchmark.Scanned out = new KsmScanBenchmark.Scanned();
        long sharing = b.scanToConvergence(w, out);
        // 4 processes x 1024 pages, 64 distinct contents: 64 KSM pages, the rest sharing them.
        assertEquals(4096 - 64, sharing);
        assertEquals(3 * 4096, out.pagesScanned);
        w.close();
    }

    @Test
    void xxh64HashesTheFramesOfThePool() {
        KsmScanBenchmark.Frames f = new KsmScanBenchmark.Frames();
        f.pages = 64;
        f.seed = 1;
        f.build();
        int first = f.order[0];
        assertEquals(PageChecksum.XXH64.checksum32(f.store, first), new KsmScanBenchmark().xxh64(f));
        f.close();
    }
}
