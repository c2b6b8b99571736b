package org.ksmlab.engine.ksm;

import static org.ksmlab.engine.memory.PageStore.PAGE_SIZE;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.ksmlab.engine.cost.CostModel;
import org.ksmlab.engine.memory.PageMode;
import org.ksmlab.engine.mm.Kernel;
import org.ksmlab.engine.mm.KernelConfig;
import org.ksmlab.engine.mm.VmFlags;
import org.ksmlab.engine.workload.PageContents;

/** A kernel with KSM installed and the few steps the kernel selftests take, for exact-counter tests. */
final class KsmHarness implements AutoCloseable {
    final Ksm ksm;
    final Kernel kernel;

    KsmHarness(String... knobs) {
        this(MergePolicy.UNRESTRICTED, knobs);
    }

    /** A KSM variant ({@link MergePolicy}) with the same setup. */
    KsmHarness(MergePolicy policy, String... knobs) {
        this(PageMode.BYTE, policy, knobs);
    }

    /** The same setup with pages held in {@code pageMode}. */
    KsmHarness(PageMode pageMode, MergePolicy policy, String... knobs) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("sleep_millisecs", "0"); // as ksm_tests does
        for (String kv : knobs) {
            int eq = kv.indexOf('=');
            m.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        ksm = new Ksm(m, CostModel.defaults(), policy);
        kernel = new Kernel(ksm, KernelConfig.DEFAULTS, pageMode);
    }

    /** A process with {@code pages} pages, page i filled with content {@code contents[i]} (0: zeros). */
    long mapFilled(int pid, long... contents) {
        long base = kernel.mmapAnonymous(pid, contents.length * (long) PAGE_SIZE);
        for (int i = 0; i < contents.length; i++) {
            long key = contents[i];
            kernel.writePage(pid, base + (long) i * PAGE_SIZE, (store, frame) -> {
                if (key == 0) store.segment(frame).fill((byte) 0);
                else PageContents.fill(store, frame, key);
            });
        }
        return base;
    }

    static long[] same(int n, long content) {
        long[] a = new long[n];
        java.util.Arrays.fill(a, content);
        return a;
    }

    void mergeable(int pid, long base, int pages) {
        kernel.madvise(pid, base, (long) pages * PAGE_SIZE, VmFlags.MADV_MERGEABLE);
    }

    /** Runs ksmd until {@code n} more full scans have completed. */
    void scans(int n) {
        long target = ksm.fullScans() + n;
        int guard = 0;
        while (ksm.fullScans() < target) {
            long t = ksm.nextWakeNanos();
            if (t == Long.MAX_VALUE) {
                throw new IllegalStateException("ksmd is idle before full scan " + target);
            }
            kernel.advanceTo(t);
            ksm.wake(kernel);
            if (++guard > 10_000_000) throw new IllegalStateException("no progress");
        }
        kernel.checkInvariants();
    }

    long c(String counter) {
        return kernel.counters().get(counter);
    }

    /** Distinct frames mapped by [base, base + pages) of pid. */
    int distinctFrames(int pid, long base, int pages) {
        Set<Integer> frames = new HashSet<>();
        for (int i = 0; i < pages; i++) {
            frames.add(kernel.frameAt(pid, base + (long) i * PAGE_SIZE));
        }
        return frames.size();
    }

    @Override
    public void close() {
        kernel.close();
    }
}
