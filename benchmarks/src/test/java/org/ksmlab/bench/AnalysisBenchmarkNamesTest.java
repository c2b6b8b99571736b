package org.ksmlab.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.ksmlab.analysis.input.Benchmarks;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;

/**
 * Issue 11: the analysis recognises benchmarks by name, in one table
 * ({@link org.ksmlab.analysis.input.Benchmarks}). Moving or renaming a benchmark class, method,
 * {@code @Param} or {@code @AuxCounters} field the report reads fails here instead of silently
 * emptying a report section. (The analysis depends on nothing of this module; this test reads its
 * table through a test-scope dependency.)
 */
class AnalysisBenchmarkNamesTest {
    static List<Benchmarks.Benchmark> recognised() {
        return Benchmarks.ALL;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("recognised")
    void everyNameTheAnalysisReadsExistsInTheBenchmarks(Benchmarks.Benchmark expected) throws Exception {
        Class<?> type;
        try {
            type = Class.forName(expected.className());
        } catch (ClassNotFoundException e) {
            fail("the analysis reads " + expected.className() + ", which does not exist; update"
                    + " org.ksmlab.analysis.input.Benchmarks with the class's new name");
            return;
        }
        Set<Class<?>> states = new LinkedHashSet<>(List.of(type));
        List<Class<?>> counterClasses = new ArrayList<>();
        for (String name : expected.methods()) {
            Method method = benchmarkMethod(type, name);
            assertTrue(method != null, expected.className() + " has no @Benchmark method " + name);
            for (Class<?> p : method.getParameterTypes()) {
                states.add(p);
                if (p.isAnnotationPresent(AuxCounters.class)) counterClasses.add(p);
            }
        }
        Set<String> params = new LinkedHashSet<>();
        for (Class<?> s : states) {
            for (Field f : s.getDeclaredFields()) {
                if (f.isAnnotationPresent(Param.class)) params.add(f.getName());
            }
        }
        for (String param : expected.params()) {
            assertTrue(params.contains(param), expected.simpleName() + " has no @Param " + param + " (has " + params + ")");
        }
        Set<String> counters = new LinkedHashSet<>();
        for (Class<?> c : counterClasses) {
            for (Field f : c.getFields()) {
                if (!Modifier.isStatic(f.getModifiers())) counters.add(f.getName());
            }
        }
        for (String counter : expected.counters()) {
            assertTrue(counters.contains(counter), expected.simpleName() + " reports no @AuxCounters field " + counter
                    + " (has " + counters + ")");
        }
    }

    private static Method benchmarkMethod(Class<?> type, String name) {
        for (Method m : type.getMethods()) {
            if (m.getName().equals(name) && m.isAnnotationPresent(Benchmark.class)) return m;
        }
        return null;
    }
}
