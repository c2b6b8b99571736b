package org.ksmlab.livekernel.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.ksmlab.engine.mm.Errno;
import org.ksmlab.engine.mm.SyscallException;
import org.ksmlab.engine.scenario.Machine;
import org.ksmlab.engine.scenario.Step;

/** The probes' logic on a fake machine that behaves as one kernel or another. */
class KernelFeaturesTest {
    /** A tiny kernel: one set of behaviours, dense top-down mmaps, VMAs that merge when adjacent. */
    static final class FakeKernel implements Machine {
        boolean zeroPageOnRead;
        boolean vmaMergeFix;
        boolean processMadviseKsm;
        boolean ksmEnabledFile;
        boolean mremapUnmerges;
        boolean merges = true;
        boolean mergeWithoutMergeAny = true;

        private int nextPid = 100;
        private final Map<Integer, List<long[]>> vmas = new HashMap<>();
        private final Set<Integer> mergeAny = new HashSet<>();
        private final Map<Integer, Long> top = new HashMap<>();
        private final Set<Long> read = new HashSet<>(), written = new HashSet<>(), mergeable = new HashSet<>(), merged = new HashSet<>();

        public String side() { return "fake"; }

        public int spawn() {
            int pid = nextPid++;
            vmas.put(pid, new ArrayList<>());
            top.put(pid, 0x7000_0000_0000L);
            return pid;
        }

        private boolean free(int pid, long a, long b) {
            return vmas.get(pid).stream().noneMatch(v -> v[0] < b && a < v[1]);
        }

        public long mmap(int pid, long addr, long bytes, int prot, boolean shared, String file, long filePage) {
            long start;
            if (addr != 0 && free(pid, addr, addr + bytes)) {
                start = addr;
            } else {
                start = top.get(pid) - bytes;
                top.put(pid, start);
            }
            List<long[]> l = vmas.get(pid);
            boolean joins = mergeWithoutMergeAny && (!mergeAny.contains(pid) || vmaMergeFix);
            for (long[] v : l) {
                if (joins && v[1] == start) { v[1] = start + bytes; return start; }
                if (joins && v[0] == start + bytes) { v[0] = start; return start; }
            }
            l.add(new long[] {start, start + bytes});
            return start;
        }

        public void munmap(int pid, long addr, long bytes) {
            vmas.get(pid).removeIf(v -> v[0] >= addr && v[1] <= addr + bytes);
        }

        public long mremap(int pid, long oldAddr, long oldBytes, long newBytes, boolean move, long newAddr) {
            munmap(pid, oldAddr, oldBytes);
            vmas.get(pid).add(new long[] {newAddr, newAddr + newBytes});
            for (long off = 0; off < oldBytes; off += 4096) {
                if (written.remove(oldAddr + off)) written.add(newAddr + off);
                if (merged.remove(oldAddr + off) && !mremapUnmerges) merged.add(newAddr + off);
            }
            return newAddr;
        }

        public long brk(int pid, long newBrk) { throw new UnsupportedOperationException(); }
        public void mprotect(int pid, long addr, long bytes, int prot) { }

        public void madvise(int pid, long addr, long bytes, Step.Advice advice) {
            for (long off = 0; off < bytes; off += 4096) mergeable.add(addr + off);
        }

        public void processMadvise(int callerPid, int targetPid, long addr, long bytes, Step.Advice advice) {
            if (!processMadviseKsm) throw new SyscallException(Errno.EINVAL, "process_madvise");
        }

        public void prctlMergeAny(int pid, boolean on) { if (on) mergeAny.add(pid); else mergeAny.remove(pid); }

        public void ksmEnabled(int pid, String mode) {
            if (!ksmEnabledFile) throw new SyscallException(Errno.ENOENT, "no such file");
        }

        public long cloneRange(int pid, int sourcePid, long sourceAddr, long bytes) { throw new SyscallException(Errno.ENOSYS, "no"); }
        public int fork(int pid) { throw new UnsupportedOperationException(); }
        public void exec(int pid) { throw new UnsupportedOperationException(); }
        public void exit(int pid) { vmas.remove(pid); }

        public void write(int pid, long[] addrs, long[] ids) { for (long a : addrs) written.add(a); }
        public void patch(int pid, long[] addrs, long[] words) { }
        public void read(int pid, long[] addrs) { for (long a : addrs) read.add(a); }
        public String verify(int pid, long[] addrs, long[] ids, long[] patches) { return null; }
        public Map<String, Long> counters() { return Map.of(); }
        public Map<String, Long> processCounters(int pid) { return Map.of(); }

        public Map<String, Long> regionCounters(int pid, long addr, long bytes) {
            long present = 0, zero = 0, ksm = 0;
            for (long off = 0; off < bytes; off += 4096) {
                long a = addr + off;
                if (written.contains(a) || read.contains(a)) present++;
                if (read.contains(a) && !written.contains(a) && zeroPageOnRead) zero++;
                if (merged.contains(a)) ksm++;
            }
            long v = vmas.get(pid).stream().filter(x -> x[0] < addr + bytes && addr < x[1]).count();
            Map<String, Long> m = new LinkedHashMap<>();
            m.put("present_pages", present);
            m.put("zero_pages", zero);
            m.put("ksm_pages", ksm);
            m.put("vmas", v);
            return m;
        }

        public void writeKnobs(Map<String, String> knobs) { }
        public void runForMs(long ms) { }

        public void runFullScans(long n) {
            if (!merges || n < 2) return;
            for (long a : written) if (mergeable.contains(a)) merged.add(a);
        }

        public void runUntilStable() { }
        public void every(long periodMs, Runnable action) { }
        public long nowMs() { return 0; }
    }

    @Test
    void aKernelLikeThisOneShouldBeFoundAsItIs() {
        FakeKernel k = new FakeKernel();
        k.zeroPageOnRead = true;
        k.vmaMergeFix = true;
        k.mremapUnmerges = true;
        List<KernelFeatures.Finding> f = KernelFeatures.detect(k);
        assertEquals(KernelFeatures.KNOBS, f.stream().map(KernelFeatures.Finding::knob).toList());
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("kernel.read_fault_zero_page", "1");
        expected.put("kernel.ksm_vma_merge_fix", "1");
        expected.put("kernel.process_madvise_ksm", "0");
        expected.put("kernel.ksm_enabled_procfs", "0");
        expected.put("kernel.mremap_unmerge", "1");
        expected.put("kernel.process_vm_mmap", "0");
        expected.put("kernel.mremap_relocate_anon", "0");
        assertEquals(expected, KernelFeatures.knobs(f));
        assertTrue(f.get(2).evidence().contains("EINVAL"), f.get(2).evidence());
        assertEquals("kernel.read_fault_zero_page: 1\nkernel.ksm_vma_merge_fix: 1\nkernel.process_madvise_ksm: 0\nkernel.ksm_enabled_procfs: 0\n"
                + "kernel.mremap_unmerge: 1\nkernel.process_vm_mmap: 0\nkernel.mremap_relocate_anon: 0\n", KernelFeatures.envLines(f));
    }

    @Test
    void theOtherSideOfEachDifferenceShouldBeFoundToo() {
        FakeKernel k = new FakeKernel();
        k.processMadviseKsm = true;
        k.ksmEnabledFile = true;
        Map<String, String> v = KernelFeatures.knobs(KernelFeatures.detect(k));
        assertEquals("0", v.get("kernel.read_fault_zero_page"));
        assertEquals("0", v.get("kernel.ksm_vma_merge_fix")); // before 6.17: merge-any breaks VMA merging
        assertEquals("1", v.get("kernel.process_madvise_ksm"));
        assertEquals("1", v.get("kernel.ksm_enabled_procfs"));
        assertEquals("0", v.get("kernel.mremap_unmerge"));
    }

    @Test
    void aProbeThatSeesNothingShouldSaySoRatherThanGuess() {
        FakeKernel k = new FakeKernel();
        k.merges = false;
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> KernelFeatures.detect(k));
        assertTrue(e.getMessage().startsWith("kernel.mremap_unmerge: inconclusive"), e.getMessage());

        FakeKernel n = new FakeKernel();
        n.mergeWithoutMergeAny = false;
        e = assertThrows(IllegalStateException.class, () -> KernelFeatures.detect(n));
        assertTrue(e.getMessage().startsWith("kernel.ksm_vma_merge_fix: inconclusive"), e.getMessage());
    }
}
