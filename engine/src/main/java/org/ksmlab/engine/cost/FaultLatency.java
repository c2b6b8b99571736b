package org.ksmlab.engine.cost;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * What one memory access or system call costs the process that makes it, as that process
 * would measure it (wall time around the access), in nanoseconds: the timing a co-tenant uses to
 * tell a merged page from an unmerged one. Unlike {@link CostModel}, which is the merger's own CPU,
 * these are the faulting process's latencies. Defaults from {@code fault-latency.properties},
 * measured on the live kernel (the file says how).
 *
 * @param plainStoreNs a store to a present, writable page: no fault
 * @param firstTouchNs a store to a page never touched: a zeroed page is allocated (do_anonymous_page)
 * @param zeroCowNs    a store to a pte mapping the zero page: a zeroed copy (wp_page_copy)
 * @param wpReuseNs    a store to a write-protected page this mapping alone holds: reused in place
 * @param cowCopyNs    a store to a write-protected page that must be copied: a KSM or SKSM page,
 *                     or an anonymous page shared after fork (wp_page_copy)
 * @param syscallNs    a system call that does no work of its own (entry and exit)
 */
public record FaultLatency(double plainStoreNs, double firstTouchNs, double zeroCowNs, double wpReuseNs,
                           double cowCopyNs, double syscallNs) {
    private static final FaultLatency DEFAULTS = load();

    /** The latencies measured on the development machine. */
    public static FaultLatency defaults() {
        return DEFAULTS;
    }

    private static FaultLatency load() {
        Properties p = new Properties();
        try (InputStream in = FaultLatency.class.getResourceAsStream("fault-latency.properties")) {
            if (in == null) {
                throw new IllegalStateException("fault-latency.properties missing from the engine jar");
            }
            p.load(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read fault-latency.properties", e);
        }
        return new FaultLatency(get(p, "plain_store_ns"), get(p, "first_touch_ns"), get(p, "zero_cow_ns"),
                get(p, "wp_reuse_ns"), get(p, "cow_copy_ns"), get(p, "syscall_ns"));
    }

    private static double get(Properties p, String key) {
        String v = p.getProperty(key);
        if (v == null) {
            throw new IllegalStateException("fault-latency.properties lacks " + key);
        }
        return Double.parseDouble(v.trim());
    }
}
