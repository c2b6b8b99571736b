package org.ksmlab.bench.micro;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Builds the benchmark state as JMH would (fields, then @Setup) and checks one op. */
class MemoryBandwidthBenchmarkTest {

    @Test
    void streamReadShouldReturnTheSumOfEveryWord() {
        MemoryBandwidthBenchmark b = new MemoryBandwidthBenchmark();
        b.sizeMiB = 8;
        b.seed = 42;
        b.setup();
        try {
            assertEquals(8L << 20, b.data().byteSize());
            // Independently: the same seeded stream the setup wrote, summed.
            SplittableRandom rnd = new SplittableRandom(42);
            long expected = 0;
            for (long i = 0; i < (8L << 20) / Long.BYTES; i++) {
                expected += rnd.nextLong();
            }
            assertEquals(expected, b.streamRead());
            // And through a different reader of the same memory (a LongBuffer view).
            LongBuffer view = b.data().asByteBuffer().order(ByteOrder.nativeOrder()).asLongBuffer();
            long viaBuffer = 0;
            while (view.hasRemaining()) {
                viaBuffer += view.get();
            }
            assertEquals(viaBuffer, b.streamRead(), "a second op returns the same sum");
        } finally {
            b.tearDown();
        }
    }
}
