package org.ksmlab.engine.ksm;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ksmlab.engine.knobs.Param;
import org.ksmlab.engine.mm.Errno;
import org.ksmlab.engine.mm.SyscallException;

/**
 * The tunables of /sys/kernel/mm/ksm: their values (the kernel's ksm_run,
 * ksm_thread_pages_to_scan, ... globals, read by every part of {@link Ksm}), their defaults, and
 * the kernel's answers to bad writes (mm/ksm.c *_store functions, checked on Linux 6.18: see the
 * README's fidelity notes). This class holds values and checks text; it knows nothing of the
 * merger. Writes go through {@link Ksm#writeKnob}, which applies the ones that act on the merger
 * (run=2 unmerges everything, max_page_sharing empties the stable tree, ...) with its own methods.
 */
public final class KsmKnobs {
    /** 0 stop, 1 merge, 2 unmerge everything and stop. */
    int run = 0;
    /** Pages ksmd scans in one batch (ksm_thread_pages_to_scan). */
    long pagesToScan = 100;
    /** Sleep between batches (ksm_thread_sleep_millisecs). */
    long sleepMillis = 20;
    /** Most mappings one KSM page may have before a new dup is made (ksm_max_page_sharing). */
    int maxPageSharing = 256;
    /** Merge all-zero pages with the zero page. */
    boolean useZeroPages = false;
    /** Skip pages that repeatedly failed to merge. */
    boolean smartScan = true;
    /** NUMA: 1 merges across nodes; the model has one node, so 0 and 1 behave alike. */
    int mergeAcrossNodes = 1;
    /** Minimum interval between full prunes of stale dups in a chain. */
    long stableNodeChainsPruneMillis = 2000;
    /** none or scan-time. */
    boolean advisorScanTime = false;
    long advisorMaxCpu = 70;
    long advisorMinPagesToScan = 500;
    long advisorMaxPagesToScan = 30000;
    /** Seconds a full scan should take in scan-time mode. */
    long advisorTargetScanTime = 200;

    /** The knobs as the CLI and `list` show them; defaults as in sysfs except run (see {@link Ksm}). */
    public static final List<Param> PARAMS = List.of(
            Param.integer("run", 1, 0, 2, "0 stop, 1 merge, 2 unmerge all and stop (the model starts with 1; sysfs boots with 0)"),
            Param.integer("pages_to_scan", 100, 0, 0xffffffffL, "pages per ksmd batch (EINVAL while advisor_mode is scan-time)"),
            Param.integer("sleep_millisecs", 20, 0, 0xffffffffL, "ms ksmd sleeps between batches, in whole ticks of kernel.hz (20 at HZ=250: 24 ms)"),
            Param.integer("max_page_sharing", 256, 2, Integer.MAX_VALUE, "mappings per KSM page before a dup is made (EBUSY while pages_shared > 0)"),
            Param.integer("use_zero_pages", 0, 0, 1, "merge all-zero pages with the zero page"),
            Param.integer("smart_scan", 1, 0, 1, "skip pages that repeatedly fail to merge"),
            Param.integer("merge_across_nodes", 1, 0, 1, "NUMA tree split (one node in the model: no effect)"),
            Param.integer("stable_node_chains_prune_millisecs", 2000, 0, 0xffffffffL, "min interval between chain prunes"),
            new Param("advisor_mode", Param.Kind.CHOICE, "none", 0, 0, "none or scan-time"),
            Param.integer("advisor_max_cpu", 70, 0, 0xffffffffL, "scan-time advisor: max ksmd CPU %"),
            Param.integer("advisor_min_pages_to_scan", 500, 0, Long.MAX_VALUE, "scan-time advisor: pages_to_scan when it starts"),
            Param.integer("advisor_max_pages_to_scan", 30000, 0, Long.MAX_VALUE, "scan-time advisor: upper bound"),
            Param.integer("advisor_target_scan_time", 200, 1, Long.MAX_VALUE, "scan-time advisor: seconds per full scan"));

    /**
     * A write to a knob that only changes its value (ksmd reads it at its next use), checked as
     * the kernel's store function checks it. The knobs whose writes act on the merger (run,
     * max_page_sharing, merge_across_nodes, advisor_mode) are written through
     * {@link Ksm#writeKnob}, which parses them with the methods below.
     */
    void set(String knob, String v) {
        switch (knob) {
            case "pages_to_scan" -> {
                if (advisorScanTime) {
                    throw new SyscallException(Errno.EINVAL, "pages_to_scan cannot be written while advisor_mode is scan-time");
                }
                pagesToScan = uint(knob, v);
            }
            case "sleep_millisecs" -> sleepMillis = uint(knob, v);
            case "use_zero_pages" -> useZeroPages = bool(knob, v);
            case "smart_scan" -> smartScan = bool(knob, v);
            case "stable_node_chains_prune_millisecs" -> stableNodeChainsPruneMillis = uint(knob, v);
            case "advisor_max_cpu" -> advisorMaxCpu = uint(knob, v);
            case "advisor_min_pages_to_scan" -> advisorMinPagesToScan = ulong(knob, v);
            case "advisor_max_pages_to_scan" -> advisorMaxPagesToScan = ulong(knob, v);
            case "advisor_target_scan_time" -> {
                long t = ulong(knob, v);
                if (t == 0) throw einval(knob, v, "seconds > 0");
                advisorTargetScanTime = t;
            }
            default -> throw new IllegalArgumentException("unknown ksm knob '" + knob + "'");
        }
    }

    /** run: 0, 1 or 2. @see "mm/ksm.c: run_store" */
    static int parseRun(String v) {
        long r = uint("run", v);
        if (r > 2) throw einval("run", v, "0, 1 or 2");
        return (int) r;
    }

    /** max_page_sharing: an int >= 2. @see "mm/ksm.c: max_page_sharing_store" */
    static int parseMaxPageSharing(String v) {
        long m = intValue("max_page_sharing", v);
        if (m < 2) throw einval("max_page_sharing", v, "an integer >= 2");
        return (int) m;
    }

    /** merge_across_nodes: 0 or 1. @see "mm/ksm.c: merge_across_nodes_store" */
    static int parseMergeAcrossNodes(String v) {
        long m = uint("merge_across_nodes", v);
        if (m > 1) throw einval("merge_across_nodes", v, "0 or 1");
        return (int) m;
    }

    /** advisor_mode: true for scan-time, false for none. @see "mm/ksm.c: advisor_mode_store" */
    static boolean parseAdvisorScanTime(String v) {
        return switch (v) {
            case "scan-time" -> true;
            case "none" -> false;
            default -> throw einval("advisor_mode", v, "none or scan-time");
        };
    }

    /** Current values by sysfs name. */
    public Map<String, Object> values() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run", run);
        m.put("pages_to_scan", pagesToScan);
        m.put("sleep_millisecs", sleepMillis);
        m.put("max_page_sharing", maxPageSharing);
        m.put("use_zero_pages", useZeroPages ? 1 : 0);
        m.put("smart_scan", smartScan ? 1 : 0);
        m.put("merge_across_nodes", mergeAcrossNodes);
        m.put("stable_node_chains_prune_millisecs", stableNodeChainsPruneMillis);
        m.put("advisor_mode", advisorScanTime ? "scan-time" : "none");
        m.put("advisor_max_cpu", advisorMaxCpu);
        m.put("advisor_min_pages_to_scan", advisorMinPagesToScan);
        m.put("advisor_max_pages_to_scan", advisorMaxPagesToScan);
        m.put("advisor_target_scan_time", advisorTargetScanTime);
        return m;
    }

    private static SyscallException einval(String knob, String v, String expected) {
        return new SyscallException(Errno.EINVAL, knob + "=" + v + ": expected " + expected);
    }

    /** kstrtouint: decimal, 0 .. 2^32-1. */
    private static long uint(String knob, String v) {
        long x = ulong(knob, v);
        if (x > 0xffffffffL) throw einval(knob, v, "an unsigned 32-bit integer");
        return x;
    }

    /** kstrtoul: decimal, no sign. */
    private static long ulong(String knob, String v) {
        if (!v.matches("\\+?[0-9]+")) throw einval(knob, v, "an unsigned integer");
        try {
            return Long.parseLong(v.startsWith("+") ? v.substring(1) : v);
        } catch (NumberFormatException e) {
            throw einval(knob, v, "an unsigned integer that fits 64 bits");
        }
    }

    /** kstrtoint: may be negative (then rejected by the caller's range check). */
    private static long intValue(String knob, String v) {
        try {
            long x = Long.parseLong(v);
            if (x > Integer.MAX_VALUE || x < Integer.MIN_VALUE) throw einval(knob, v, "a 32-bit integer");
            return x;
        } catch (NumberFormatException e) {
            throw einval(knob, v, "an integer");
        }
    }

    /** kstrtobool: 0/1, y/n, on/off. */
    private static boolean bool(String knob, String v) {
        return switch (v.toLowerCase(java.util.Locale.ROOT)) {
            case "1", "y", "yes", "on", "true" -> true;
            case "0", "n", "no", "off", "false" -> false;
            default -> throw einval(knob, v, "0 or 1");
        };
    }
}
