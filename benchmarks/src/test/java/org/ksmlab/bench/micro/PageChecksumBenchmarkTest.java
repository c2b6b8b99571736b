package org.ksmlab.bench.micro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ksmlab.engine.memory.PageChecksum;

/** Builds the benchmark state as JMH would (fields, then @Setup) and checks one op of each method. */
class PageChecksumBenchmarkTest {

    private static PageChecksumBenchmark state(String workingSet) {
        return state(workingSet, "permuted");
    }

    private static PageChecksumBenchmark state(String workingSet, String order) {
        PageChecksumBenchmark b = new PageChecksumBenchmark();
        b.workingSet = workingSet;
        b.order = order;
        b.coldMiB = 8;
        b.seed = 42;
        b.setup();
        return b;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"hot", "cold"})
    void everyMethodShouldReturnPageChecksumOfTheNextPage(String workingSet) {
        PageChecksumBenchmark b = state(workingSet);
        try {
            assertEquals(workingSet.equals("hot") ? 32 : 8 * 256, b.pages());
            int p = b.nextPage();
            assertEquals(PageChecksum.XXH64.hash64(b.chunk(p), b.offset(p)), b.xxh64());
            p = b.nextPage();
            assertEquals(PageChecksum.XXH3.hash64(b.chunk(p), b.offset(p)), b.xxh3());
            p = b.nextPage();
            long crc = b.crc32c();
            assertEquals(PageChecksum.CRC32C.hash64(b.chunk(p), b.offset(p)), crc);
            // The pages are random, not the zero page (whose xxh64 is 0xac869b6f32d8bbdb).
            assertNotEquals(0xac869b6f32d8bbdbL, PageChecksum.XXH64.hash64(b.chunk(p), b.offset(p)));
        } finally {
            b.tearDown();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"hot", "cold"})
    void theSameSeedShouldGiveTheSameHashes(String workingSet) {
        PageChecksumBenchmark x = state(workingSet);
        PageChecksumBenchmark y = state(workingSet);
        try {
            for (int i = 0; i < 100; i++) {
                assertEquals(x.xxh64(), y.xxh64());
            }
        } finally {
            x.tearDown();
            y.tearDown();
        }
    }

    @org.junit.jupiter.api.Test
    void sequentialOrderShouldVisitThePagesInAddressOrder() {
        PageChecksumBenchmark b = state("cold", "sequential");
        try {
            for (int i = 0; i < b.pages(); i++) {
                assertEquals(i, b.nextPage());
                b.xxh64();
            }
            assertEquals(0, b.nextPage());
        } finally {
            b.tearDown();
        }
    }
}
