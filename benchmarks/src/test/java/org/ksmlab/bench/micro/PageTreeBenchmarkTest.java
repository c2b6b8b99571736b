package org.ksmlab.bench.micro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PageTreeBenchmarkTest {
    private static PageTreeBenchmark state(String ws) {
        PageTreeBenchmark b = new PageTreeBenchmark();
        b.workingSet = ws;
        b.coldMiB = 4; // 1024 pages
        b.seed = 42;
        b.build();
        return b;
    }

    @Test
    void searchFindsEveryPageWithinTheRedBlackDepthBound() {
        PageTreeBenchmark b = state("cold");
        for (int k = 0; k < 1024; k++) {
            int steps = b.search();
            // 1024 nodes: depth at most 2 * log2(1025) ~ 20
            assertTrue(steps >= 1 && steps <= 20, "steps " + steps);
        }
        b.close();
    }

    @Test
    void insertKeepsTheTreeSizeAndEveryPageFindable() {
        PageTreeBenchmark b = state("hot");
        for (int k = 0; k < 200; k++) {
            assertTrue(b.insert() >= 0);
        }
        for (int i = 0; i < 64; i++) {
            assertTrue(b.find(i) > 0, "page " + i + " lost");
        }
        assertEquals(true, b.search() > 0);
        b.close();
    }
}
