package org.ksmlab.bench.micro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.function.ToIntFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Builds the benchmark state as JMH would (fields, then @Setup) and checks one op of each method. */
class PageCompareBenchmarkTest {

    static Stream<Arguments> cases() {
        return Stream.of("hot", "cold").flatMap(ws -> Stream.of("permuted", "sequential").flatMap(order -> Stream.of(
                Arguments.of(ws, order, "equal", -1),
                Arguments.of(ws, order, "early", 64),
                Arguments.of(ws, order, "late", 4095))));
    }

    private static PageCompareBenchmark state(String workingSet, String difference) {
        return state(workingSet, "permuted", difference);
    }

    private static PageCompareBenchmark state(String workingSet, String order, String difference) {
        PageCompareBenchmark b = new PageCompareBenchmark();
        b.workingSet = workingSet;
        b.order = order;
        b.difference = difference;
        b.coldMiB = 8;
        b.seed = 42;
        b.setup();
        return b;
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("cases")
    void everyMethodShouldReturnTheFirstDifference(String workingSet, String order, String difference, int expected) {
        PageCompareBenchmark b = state(workingSet, order, difference);
        try {
            List<ToIntFunction<PageCompareBenchmark>> methods = List.of(
                    PageCompareBenchmark::scalar, PageCompareBenchmark::vector, PageCompareBenchmark::mismatch);
            for (ToIntFunction<PageCompareBenchmark> method : methods) {
                // Every pair of the pool, not just the first: each op visits the next one.
                for (int i = 0; i < b.pairs(); i++) {
                    assertEquals(expected, method.applyAsInt(b));
                }
            }
        } finally {
            b.tearDown();
        }
    }

    @Test
    void poolsShouldHaveTheDocumentedSizes() {
        PageCompareBenchmark hot = state("hot", "equal");
        PageCompareBenchmark cold = state("cold", "equal");
        try {
            assertEquals(16, hot.pairs());
            assertEquals(8 * 1024 * 1024 / (2 * 4096), cold.pairs());
        } finally {
            hot.tearDown();
            cold.tearDown();
        }
    }

    @Test
    void unknownParametersShouldBeRejected() {
        assertThrows(IllegalArgumentException.class, () -> state("warm", "equal"));
        assertThrows(IllegalArgumentException.class, () -> state("hot", "middle"));
        assertThrows(IllegalArgumentException.class, () -> state("hot", "random", "equal"));
    }
}
