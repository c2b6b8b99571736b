package org.ksmlab.bench.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Builds the benchmark state as JMH would (fields, then @Setup) and checks one op of each method. */
class WorkloadBuildBenchmarkTest {
    @Test
    void buildMapsEveryPageAndBulkFillWritesEveryByte() {
        WorkloadBuildBenchmark b = new WorkloadBuildBenchmark();
        b.pages = 1024;
        b.distinct = 16;
        b.setup();
        try {
            assertEquals(1024, b.build(), "one anonymous frame per written page");
            assertEquals((byte) 0x5A, b.bulkFill());
        } finally {
            b.tearDown();
        }
    }
}
