package org.ksmlab.livekernel;

import org.ksmlab.engine.workload.DupLayout;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ksmlab.engine.workload.WorkloadSpec;

/**
 * One kernel-check case: a {@code dup} workload spec, the KSM knobs set explicitly (sysfs names;
 * every other knob is at the kernel's default during the run), and how the processes opt in.
 *
 * <p>The spec may carry one key the model does not know, {@code via=madvise|prctl} (default
 * madvise): with {@code prctl} each process calls PR_SET_MEMORY_MERGE instead of
 * MADV_MERGEABLE. {@link #modelSpec()} is the spec without it.
 *
 * @param name short label for tables
 */
public record Scenario(String name, String workload, Map<String, String> knobs) {
    /** The kernel's defaults (Documentation/admin-guide/mm/ksm.rst); set before each scenario so runs do not depend on the machine's settings. */
    public static final Map<String, String> KERNEL_DEFAULTS = kernelDefaults();

    public Scenario {
        knobs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(knobs));
    }

    private static Map<String, String> kernelDefaults() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("advisor_mode", "none");
        m.put("max_page_sharing", "256");
        m.put("use_zero_pages", "0");
        m.put("smart_scan", "1");
        m.put("stable_node_chains_prune_millisecs", "2000");
        m.put("sleep_millisecs", "20");
        m.put("pages_to_scan", "100");
        return java.util.Collections.unmodifiableMap(m);
    }

    /** How the processes opt in: madvise or prctl. */
    public String via() {
        String v = WorkloadSpec.parse(workload).params().getOrDefault("via", "madvise");
        if (!v.equals("madvise") && !v.equals("prctl")) {
            throw new IllegalArgumentException("workload '" + workload + "': via=" + v + ", expected madvise or prctl");
        }
        return v;
    }

    /** The spec the model and {@link DupLayout} get: without {@code via}. */
    public String modelSpec() {
        WorkloadSpec s = WorkloadSpec.parse(workload);
        Map<String, String> p = new LinkedHashMap<>(s.params());
        p.remove("via");
        return new WorkloadSpec(s.name(), p).toString();
    }

    /** Knobs as the kernel gets them: the defaults overridden by this scenario's. */
    public Map<String, String> kernelKnobs() {
        Map<String, String> m = new LinkedHashMap<>(KERNEL_DEFAULTS);
        m.putAll(knobs);
        return m;
    }

    /**
     * The built-in list: a few thousand pages each so the whole list takes a few minutes.
     * pages_to_scan=1000 makes a 4000-page pass four batches (about 80-100 ms with the default
     * 20 ms sleep).
     */
    public static List<Scenario> builtIn() {
        return List.of(
                new Scenario("duplicates", "dup:pages=4000,distinct=100", Map.of("pages_to_scan", "1000")),
                new Scenario("all-unique, smart_scan=1", "dup:pages=4000,distinct=0", knobs("pages_to_scan", "1000", "smart_scan", "1")),
                new Scenario("all-unique, smart_scan=0", "dup:pages=4000,distinct=0", knobs("pages_to_scan", "1000", "smart_scan", "0")),
                new Scenario("zero pages, use_zero_pages=0", "dup:pages=4000,distinct=100,zero=0.25", knobs("pages_to_scan", "1000", "use_zero_pages", "0")),
                new Scenario("zero pages, use_zero_pages=1", "dup:pages=4000,distinct=100,zero=0.25", knobs("pages_to_scan", "1000", "use_zero_pages", "1")),
                new Scenario("max_page_sharing chains", "dup:pages=4000,distinct=4", knobs("pages_to_scan", "1000", "max_page_sharing", "64")),
                new Scenario("volatile pages", "dup:pages=4000,distinct=100,volatile=0.25,period_ms=20", Map.of("pages_to_scan", "1000")),
                new Scenario("several processes", "dup:pages=2000,distinct=100,procs=3", Map.of("pages_to_scan", "1000")),
                new Scenario("prctl merge-any", "dup:pages=4000,distinct=100,via=prctl", Map.of("pages_to_scan", "1000")),
                // The advisor moves pages_to_scan every pass: 500 -> 70 (the first pass counts ksmd's CPU since boot) ->
                // 700 -> 7000 -> 30000 here; the pass at 70 (58 batches, about 1.5 s) stays inside one whole second
                // however many of its timers run late, so the kernel's and the model's integer seconds agree.
                new Scenario("scan-time advisor", "dup:pages=4000,distinct=16",
                        knobs("advisor_mode", "scan-time", "advisor_target_scan_time", "1")));
    }

    /** The timing grid of issue 14: 65,536 pages of 16 contents, pages_to_scan {100, 1000, 10000} x sleep_millisecs {0, 20}. */
    public static List<Scenario> grid() {
        List<Scenario> out = new java.util.ArrayList<>();
        for (String sleep : List.of("20", "0")) {
            for (String pages : List.of("100", "1000", "10000")) {
                out.add(new Scenario("grid pages_to_scan=" + pages + " sleep=" + sleep, GRID_WORKLOAD,
                        knobs("pages_to_scan", pages, "sleep_millisecs", sleep)));
            }
        }
        return out;
    }

    /** The grid's workload: 256 MiB in one process, 16 contents of 4096 pages (16 dups each under max_page_sharing=256). */
    public static final String GRID_WORKLOAD = "dup:pages=65536,distinct=16";

    private static Map<String, String> knobs(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
        return m;
    }
}
