package org.ksmlab.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The suites' contents against what the report needs, and the shard arithmetic. */
class SuitesTest {
    private static final String MACRO = "org.ksmlab.bench.macro.";
    private static final String MICRO = "org.ksmlab.bench.micro.";

    private static List<Suites.Point> quick(String benchmark) {
        return Suites.points(Suites.get("quick")).stream().filter(p -> p.benchmark().equals(benchmark)).toList();
    }

    private static Set<String> values(List<Suites.Point> points, String param) {
        return points.stream().map(p -> p.params().get(param)).collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void quickShouldCompareAllFiveMergersOnAtLeastTwoMixes() {
        List<Suites.Point> compare = quick(Suites.COMPARISON);
        assertEquals(Set.of("none", "ksm", "sksm", "sksm-resizable", "sksm-aged"), values(compare, "algo"));
        assertTrue(values(compare, "mix").size() >= 2, "mixes: " + values(compare, "mix"));
        assertEquals(values(compare, "algo").size() * values(compare, "mix").size() * values(compare, "pages").size(), compare.size());
    }

    @Test
    void quickShouldHoldAFullScanRateGridAndTwoPageCountsForScaling() {
        List<Suites.Point> ksm = quick(MACRO + "KsmConvergenceBenchmark.converge");
        Set<String> grid = new HashSet<>();
        for (Suites.Point p : ksm) {
            grid.add(p.params().get("pagesToScan") + "x" + p.params().get("sleepMillis") + "@" + p.params().get("pages"));
        }
        Set<String> scan = values(ksm, "pagesToScan");
        Set<String> sleep = values(ksm, "sleepMillis");
        assertTrue(scan.size() >= 2 && sleep.size() >= 2, "pagesToScan " + scan + " sleepMillis " + sleep);
        long gridPages = ksm.stream().filter(p -> p.params().get("pagesToScan").equals("1000")).map(p -> p.params().get("pages")).distinct().count();
        assertEquals(1, gridPages, "the grid is at one page count");
        String pages = ksm.stream().filter(p -> p.params().get("pagesToScan").equals("1000")).findFirst().orElseThrow().params().get("pages");
        for (String s : scan) {
            for (String z : sleep) {
                assertTrue(grid.contains(s + "x" + z + "@" + pages), "grid point " + s + "x" + z + " missing");
            }
        }
        Set<String> pageCounts = ksm.stream().filter(p -> p.params().get("pagesToScan").equals("100") && p.params().get("sleepMillis").equals("20"))
                .map(p -> p.params().get("pages")).collect(Collectors.toSet());
        assertTrue(pageCounts.size() >= 2, "scaling needs >= 2 page counts at one setting: " + pageCounts);
    }

    @Test
    void quickShouldMeasureEveryMicroOperationHotAndCold() {
        for (String method : List.of("PageCompareBenchmark.scalar", "PageCompareBenchmark.vector", "PageCompareBenchmark.mismatch",
                "PageChecksumBenchmark.xxh64", "PageChecksumBenchmark.xxh3", "PageChecksumBenchmark.crc32c",
                "ChecksumTableBenchmark.staticChained", "ChecksumTableBenchmark.openAddressing", "ChecksumTableBenchmark.hashMap")) {
            assertEquals(Set.of("cold", "hot"), values(quick(MICRO + method), "workingSet"), method);
        }
        assertEquals(Set.of("early", "equal", "late"), values(quick(MICRO + "PageCompareBenchmark.vector"), "difference"));
        assertEquals(Set.of("HIT", "INSERT", "MISS"), values(quick(MICRO + "ChecksumTableBenchmark.staticChained"), "op"));
        assertEquals(1, quick(MICRO + "MemoryBandwidthBenchmark.streamRead").size());
    }

    @Test
    void quickShouldRunEverySksmVariant() {
        List<Suites.Point> sksm = quick("org.ksmlab.bench.sksm.SksmMergeBenchmark.madvMerge");
        assertEquals(Set.of("SKSM", "SKSM_AGED", "SKSM_RESIZABLE"), values(sksm, "variant"));
        assertEquals(Set.of("duplicate", "unique"), values(sksm, "mix"));
        assertEquals(1, quick("org.ksmlab.bench.sksm.SksmMergeBenchmark.xxh64AndCompare").size());
    }

    @Test
    void fullShouldBeTheUnionOfItsSections() {
        List<Suites.Point> sections = new ArrayList<>();
        for (String s : List.of("micro", "ksm-grid", "compare", "scaling", "sksm")) {
            sections.addAll(Suites.points(Suites.get(s)));
        }
        assertEquals(labels(sections), labels(Suites.points(Suites.get("full"))));
        assertTrue(Suites.points(Suites.get("scaling")).stream().anyMatch(p -> Long.parseLong(p.params().get("pages")) >= 1_000_000));
    }

    @Test
    void theExposureExperimentsShouldRunOnKnownMixesInTheSecurityQuickAndFullSuites() {
        for (Suites.Suite s : Suites.all()) {
            for (Suites.ExposurePoint p : Suites.exposurePoints(s.name())) {
                assertTrue(org.ksmlab.datasets.Mixes.names().contains(p.mix()), s.name() + ": " + p);
                assertTrue(p.pages() > 0 && p.trials() > 0, s.name() + ": " + p);
            }
        }
        assertTrue(Suites.exposurePoints("security").stream().anyMatch(p -> p.mix().equals("vm-fleet")));
        assertEquals(Suites.exposurePoints("security"), Suites.exposurePoints("full"));
        assertEquals(List.of("vm-fleet"), Suites.exposurePoints("quick").stream().map(Suites.ExposurePoint::mix).toList());
        assertEquals(List.of(), Suites.exposurePoints("smoke"));
    }

    @Test
    void pointsShouldHaveOneValuePerParameterAndNoDuplicates() {
        for (Suites.Suite s : Suites.all()) {
            List<Suites.Point> points = Suites.points(s);
            assertEquals(points.size(), new HashSet<>(labels(points)).size(), s.name() + " has a point twice");
            for (Suites.Point p : points) {
                assertTrue(p.params().containsKey("seed") || p.benchmark().contains("MemoryBandwidth") || !p.params().isEmpty(), p.label());
            }
        }
    }

    @ParameterizedTest(name = "{0} shards")
    @ValueSource(ints = {1, 2, 3, 7, 100})
    void theShardsOfASuiteShouldPartitionIt(int n) {
        Suites.Suite quick = Suites.get("quick");
        List<String> all = labels(Suites.points(quick));
        List<String> union = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            List<String> shard = labels(Suites.points(quick, new Suites.Shard(i, n)));
            assertTrue(shard.size() == all.size() / n || shard.size() == all.size() / n + 1, "shard " + i + "/" + n + ": " + shard.size());
            union.addAll(shard);
        }
        assertEquals(all.size(), union.size(), "a point in two shards");
        assertEquals(new TreeSet<>(all), new TreeSet<>(union));
    }

    @Test
    void theOrderShouldBeStable() {
        assertEquals(labels(Suites.points(Suites.get("full"))), labels(Suites.points(Suites.get("full"))));
        Suites.Point first = Suites.points(Suites.get("quick")).getFirst();
        assertEquals("PageCompareBenchmark.mismatch coldMiB=256 difference=equal order=permuted seed=42 workingSet=hot", first.label());
        assertEquals(Map.of("coldMiB", "256", "difference", "equal", "order", "permuted", "seed", "42", "workingSet", "hot"), first.params());
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"0/2", "3/2", "1/0", "a/b", "1", "1/2/3", "", "-1/2"})
    void badShardsShouldBeRejected(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Suites.Shard.parse(text));
        assertTrue(e.getMessage().startsWith("--shard "), e.getMessage());
    }

    @Test
    void anUnknownSuiteShouldListTheNames() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Suites.get("quik"));
        assertEquals("unknown suite 'quik'; available: quick, smoke, micro, ksm-grid, compare, scaling, sksm, security, full", e.getMessage());
    }

    private static List<String> labels(List<Suites.Point> points) {
        return points.stream().map(p -> p.benchmark() + " " + p.params()).toList();
    }
}
