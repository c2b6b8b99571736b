package org.ksmlab.bench;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * The JVM flags have one source (pom.xml's ksmlab.jvm.flags): the JMH forks inherit them from
 * the host JVM, so no benchmark may repeat them in its {@code @Fork} (they would appear twice in
 * every result's JVM arguments), and this test JVM itself runs with them.
 */
class JvmFlagsTest {
    private static final List<String> FLAGS = List.of("--add-modules", "--enable-native-access", "--sun-misc-unsafe-memory-access");

    @Test
    void noBenchmarkRepeatsTheFlagsInItsForkAnnotation() throws Exception {
        Set<BenchmarkListEntry> all = BenchmarkList.defaultList().getAll(
                OutputFormatFactory.createFormatInstance(new PrintStream(PrintStream.nullOutputStream()), VerboseMode.SILENT), List.of());
        Set<String> classes = all.stream().map(BenchmarkListEntry::getUserClassQName).collect(Collectors.toSet());
        assertTrue(classes.size() >= 9, "the benchmark list names the benchmark classes: " + classes);
        for (String name : classes) {
            Fork fork = Class.forName(name).getAnnotation(Fork.class);
            if (fork == null) continue;
            for (String arg : fork.jvmArgsAppend()) {
                for (String flag : FLAGS) {
                    assertFalse(arg.startsWith(flag), name + " repeats " + arg + " in @Fork; forks inherit the host's flags");
                }
            }
            assertTrue(Arrays.stream(fork.jvmArgs()).noneMatch(a -> !a.equals(Fork.BLANK_ARGS)),
                    name + " replaces the inherited JVM arguments with @Fork(jvmArgs)");
        }
    }

    @Test
    void thisJvmRunsWithThePomsFlags() {
        List<String> args = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments();
        for (String flag : FLAGS) {
            assertTrue(args.stream().anyMatch(a -> a.startsWith(flag)), "surefire's JVM lacks " + flag + ": " + args);
        }
    }
}
