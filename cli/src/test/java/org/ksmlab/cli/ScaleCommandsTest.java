package org.ksmlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The README's scale commands (section "A 1 TiB host"), the same arguments at a small size
 * (65,536 pages: 64 guests of 1,024 pages; ksm until stable at 8,192, whose 60 s of virtual time
 * take thousands of short passes): each exits 0, gives the final counters pinned here (generated
 * by this code's first run, checked against the byte-page run in the same test), and gives the same
 * output with byte pages but for {@code page_mode}. Only the page count differs from the measured
 * runs; no timing is asserted.
 */
class ScaleCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest(name = "{1} at {0} pages")
    @CsvSource(delimiter = '|', value = {
            "65536 | ksm --for-scans 3 | virtual_ms=301 nr_anon_pages=15628 pages_shared=2508 pages_sharing=49908 pages_unshared=13120 pages_volatile=0 full_scans=3 rmap_items=65536 stable_node_dups=52 ksmd_cpu_ns=251616571",
            "8192 | ksm | virtual_ms=60035 nr_anon_pages=1915 pages_shared=315 pages_sharing=6277 pages_unshared=0 pages_volatile=1600 full_scans=2359 rmap_items=8192 stable_node_dups=7 ksmd_cpu_ns=3856447910 stable=1 converged_ms=59935",
            "65536 | sksm | virtual_ms=60100 nr_anon_pages=15576 sksm_pages_merged=49960 sksm_table_entries=12313 sksm_cow_after_merge=3264 cpu_ns=117162238 stable=1 converged_ms=0",
            "65536 | sksm-resizable | virtual_ms=60100 nr_anon_pages=15576 sksm_pages_merged=49960 sksm_table_entries=12313 sksm_cow_after_merge=3264 cpu_ns=118249065 stable=1 converged_ms=0",
            "65536 | sksm-aged | virtual_ms=181000 nr_anon_pages=15576 sksm_pages_merged=49960 sksm_table_entries=12313 sksm_cow_after_merge=9792 cpu_ns=1758351704 stable=1 converged_ms=124000"})
    void theReadmesScaleCommandsShouldRunAtASmallSizeWithTheSameCountersInBothPageModes(String pages, String algoAndStop, String expected)
            throws Exception {
        List<String> args = args(pages, algoAndStop, "symbolic");
        CliRun symbolic = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, symbolic.exit(), symbolic.err());
        JsonNode s = JSON.readTree(symbolic.out());
        assertEquals(expected, summary(s.path("final")), String.join(" ", args));

        CliRun bytes = CliRun.of(args(pages, algoAndStop, "byte").toArray(String[]::new));
        assertEquals(0, bytes.exit(), bytes.err());
        assertEquals(symbolic.out().replace("\"page_mode\":\"symbolic\"", "\"page_mode\":\"byte\""), bytes.out(),
                "byte pages give the same run");
    }

    /** simulate --workload vm-host:pages=P --algo A --page-mode M [ksm: --set pages_to_scan=1000000] [stop] --json */
    private static List<String> args(String pages, String algoAndStop, String pageMode) {
        String[] w = algoAndStop.trim().split(" ");
        List<String> a = new ArrayList<>(List.of("simulate", "--workload", "vm-host:pages=" + pages, "--algo", w[0], "--page-mode", pageMode));
        if (w[0].equals("ksm")) {
            a.addAll(List.of("--set", "pages_to_scan=1000000"));
        }
        a.addAll(List.of(w).subList(1, w.length));
        a.add("--json");
        return a;
    }

    /** The final counters the README's table reports. */
    private static String summary(JsonNode f) {
        StringBuilder b = new StringBuilder();
        for (String k : List.of("virtual_ms", "nr_anon_pages", "pages_shared", "pages_sharing", "pages_unshared", "pages_volatile",
                "full_scans", "rmap_items", "stable_node_dups", "ksmd_cpu_ns", "sksm_pages_merged", "sksm_table_entries",
                "sksm_cow_after_merge", "cpu_ns", "stable", "converged_ms")) {
            if (f.has(k)) {
                b.append(b.isEmpty() ? "" : " ").append(k).append('=').append(f.path(k).asLong());
            }
        }
        return b.toString();
    }
}
