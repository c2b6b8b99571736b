package org.ksmlab.bench.micro;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Builds the state as JMH would (fields, then @Setup) and checks one op of every method and op. */
class ChecksumTableBenchmarkTest {
    private static ChecksumTableBenchmark state(String workingSet, ChecksumTableBenchmark.Op op) {
        ChecksumTableBenchmark b = new ChecksumTableBenchmark();
        b.workingSet = workingSet;
        b.op = op;
        b.coldMiB = 8;
        b.seed = 42;
        b.setup();
        return b;
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"hot, HIT", "hot, MISS", "hot, INSERT", "cold, HIT", "cold, MISS", "cold, INSERT"})
    void everyTableShouldFindTheTwinMissTheFreshHashAndCountTheInsert(String workingSet, ChecksumTableBenchmark.Op op) {
        ChecksumTableBenchmark b = state(workingSet, op);
        try {
            int n = b.entries();
            assertEquals(workingSet.equals("hot") ? 16 : 8 * 128, n); // 2 pages per entry: 128 KiB or 8 MiB
            for (int i = 0; i < 2 * n; i++) { // every entry, twice: the tables are unchanged by any op
                int expected = switch (op) {
                    case HIT -> b.nextEntryFrame();
                    case MISS -> -1;
                    case INSERT -> n + 1;
                };
                assertEquals(expected, b.staticChained(), "staticChained op " + i);
                // the three methods share one cursor: each call visits the next entry
                expected = op == ChecksumTableBenchmark.Op.HIT ? b.nextEntryFrame() : expected;
                assertEquals(expected, b.openAddressing(), "openAddressing op " + i);
                expected = op == ChecksumTableBenchmark.Op.HIT ? b.nextEntryFrame() : expected;
                assertEquals(expected, b.hashMap(), "hashMap op " + i);
            }
        } finally {
            b.tearDown();
        }
    }
}
