package org.ksmlab.engine.exposure;

import java.util.Map;
import org.ksmlab.engine.cost.FaultLatency;
import org.ksmlab.engine.memory.PageStore;
import org.ksmlab.engine.mm.Kernel;
import org.ksmlab.engine.mm.VmFlags;
import org.ksmlab.engine.workload.PageContents;

/**
 * The attacker's stopwatch: how long its own operations take, as it would measure them with a
 * clock around each one, derived from what the model did.
 * <ul>
 * <li>A store costs the latency of the fault it took ({@link FaultLatency}, measured on the live
 *     kernel): none, a first touch, a reuse of a write-protected page, a copy of the zero page, or
 *     a copy of any other page (a KSM or SKSM page, or one shared after fork). Which one is read
 *     from the kernel model's fault counters around the store and the pte before it.</li>
 * <li>A system call costs {@link FaultLatency#syscallNs()} plus the merger CPU it did inside the
 *     call (the merger's {@code cpu_ns} or {@code ksmd_cpu_ns} before and after): nothing for KSM,
 *     whose madvise only sets a flag, the whole synchronous merge for SKSM's MADV_MERGE.</li>
 * </ul>
 * Timing is exact: no noise, no cache or TLB effects below the page (see the package doc).
 */
final class TimedAccess {
    private final Kernel kernel;
    private final FaultLatency latency;

    TimedAccess(Kernel kernel, FaultLatency latency) {
        this.kernel = kernel;
        this.latency = latency;
    }

    /**
     * Stores word 0 of the page at {@code addr} again with the value it holds (the page's contents
     * do not change) and returns how long the store took, ns.
     */
    double restore(int pid, long addr) {
        long word = kernel.readLong(pid, addr); // the page is present: a read takes no fault
        return timed(pid, addr, () -> kernel.writeLong(pid, addr, word));
    }

    /** Fills the page at {@code addr} with the contents of {@code key}; returns how long its first store took, ns. */
    double fill(int pid, long addr, long key) {
        return timed(pid, addr, () -> kernel.writePage(pid, addr, (store, frame) -> PageContents.fill(store, frame, key)));
    }

    /** madvise(MADV_MERGEABLE) on the one page at {@code addr}; returns how long the call took, ns. */
    double madviseMergeable(int pid, long addr) {
        long before = mergerCpuNs();
        kernel.madvise(pid, addr, PageStore.PAGE_SIZE, VmFlags.MADV_MERGEABLE);
        return latency.syscallNs() + (mergerCpuNs() - before);
    }

    /** The store latency above which a store must have copied its page (a write fault that copies). */
    double copyThresholdNs() {
        return (latency.wpReuseNs() + latency.cowCopyNs()) / 2;
    }

    private double timed(int pid, long addr, Runnable store) {
        int frameBefore = kernel.frameAt(pid, addr);
        long minor = kernel.minorFaults();
        long cow = kernel.cowFaults();
        store.run();
        if (kernel.minorFaults() == minor) {
            return latency.plainStoreNs();
        }
        if (kernel.cowFaults() != cow) {
            return frameBefore == PageStore.ZERO_FRAME ? latency.zeroCowNs() : latency.cowCopyNs();
        }
        return frameBefore < 0 ? latency.firstTouchNs() : latency.wpReuseNs();
    }

    /** The merger's modelled CPU so far: ksm's ksmd_cpu_ns, the sksm variants' cpu_ns, 0 for none. */
    private long mergerCpuNs() {
        Map<String, Long> c = kernel.counters();
        Long v = c.containsKey("ksmd_cpu_ns") ? c.get("ksmd_cpu_ns") : c.get("cpu_ns");
        return v == null ? 0 : v;
    }
}
