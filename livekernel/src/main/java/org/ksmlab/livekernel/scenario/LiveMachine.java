package org.ksmlab.livekernel.scenario;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ksmlab.engine.mm.Errno;
import org.ksmlab.engine.mm.SyscallException;
import org.ksmlab.engine.mm.VmFlags;
import org.ksmlab.engine.scenario.Content;
import org.ksmlab.engine.scenario.Machine;
import org.ksmlab.engine.scenario.Scenario;
import org.ksmlab.engine.scenario.ScenarioRun;
import org.ksmlab.engine.scenario.Step;
import org.ksmlab.engine.workload.PageContents;
import org.ksmlab.livekernel.KsmStat;
import org.ksmlab.livekernel.KsmSysfs;
import org.ksmlab.livekernel.SavedKnobs;

/**
 * The live kernel as a {@link Machine}: every scenario process is a real process running the
 * {@code scenario_runner} program ({@link RunnerHost}), every system call a real one, every
 * counter read from the kernel. The caller holds the {@link org.ksmlab.livekernel.KsmLock} and has
 * {@linkplain SavedKnobs saved} every knob; this class writes knobs only through {@link #knob},
 * which refuses once {@link #abort} ran (so a shutdown hook's restore is never undone). What is
 * checked before a run touches the machine is {@link PreRunCheck}'s.
 *
 * <p><b>Time.</b> The model's steps take no time; here the steps between two waits run with ksmd
 * paused ({@code run=0}), so counters read at a phase show the steps' own effect, as in the model;
 * waits let ksmd scan, bounded ({@link Limits}), and run {@code every} bodies: {@link LiveClock}.
 *
 * <p><b>Counters.</b> Global: every /sys/kernel/mm/ksm counter ({@code pages_scanned} and
 * {@code pages_skipped}, cumulative since boot in the kernel, relative to the start), plus
 * {@code nr_anon_pages}: distinct anonymous frames (not the zero page) mapped by the scenario's
 * processes, from pagemap and kpageflags (not /proc/vmstat, which counts the whole machine),
 * {@code vmas} and {@code processes}. Per process: {@code vmas} and /proc/PID/ksm_stat. Per region:
 * {@code present_pages}, {@code distinct_frames}, {@code ksm_pages} (KPF_KSM), {@code zero_pages}
 * (KPF_ZERO_PAGE), {@code vmas} (overlapping the range). VMAs and frames are the scenario's only:
 * the runner's image, stack, vDSO and command buffer are left out ({@link ProcMaps#isRunnerOwn}).
 *
 * <p><b>Reading back.</b> {@link #verify} never faults a page in: a page not present in a private
 * anonymous mapping reads as zeros (checked by bookkeeping); a present page is compared by its
 * process (or, in a mapping it may not read such as PROT_NONE, through /proc/PID/mem).
 */
public final class LiveMachine implements Machine, AutoCloseable {
    /** Counters cumulative since boot in the kernel, reported relative to the start. */
    static final Set<String> RELATIVE = Set.of("pages_scanned", "pages_skipped");
    private static final long PAGE = 4096;

    /**
     * Bounds.
     *
     * @param maxWaitMs      wall time a wait for full scans may take before it is an error
     * @param maxStableScans full scans a wait until stable may take before it is an error
     * @param maxStableMs    wall time a wait until stable may take before it is an error
     * @param maxBytes       real memory the scenario may map, estimated before it starts
     */
    public record Limits(long maxWaitMs, long maxStableScans, long maxStableMs, long maxBytes) {
        public static Limits defaults() {
            return new Limits(120_000, 200, 300_000, 2L << 30);
        }
    }

    private final Scenario scenario;
    private final KsmSysfs sysfs;
    private final Path proc;
    private final RunnerHost host;
    private final String runnerPath;
    private final Map<String, String> features;
    private final Limits limits;
    private final PageFrames frames;
    private final Map<String, Path> files = new LinkedHashMap<>();
    private final Map<String, Long> base = new LinkedHashMap<>();
    /** The passing of time: ksmd paused between waits, the waits, every bodies, samples. */
    private final LiveClock clock;
    /** What the run saw that a reader of its counters should know (a wait that ended late). */
    private final List<String> notes = new ArrayList<>();
    private boolean aborted;
    private boolean closed;

    private LiveMachine(Scenario scenario, KsmSysfs sysfs, Path proc, Path runner, Map<String, String> features, Limits limits) {
        this.scenario = scenario;
        this.sysfs = sysfs;
        this.proc = proc;
        this.features = Map.copyOf(features);
        this.limits = limits;
        this.frames = new PageFrames(proc);
        try {
            this.runnerPath = runner.toRealPath().toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.host = new RunnerHost(runner);
        this.clock = new LiveClock(sysfs, limits, this::knob, this::ksmCounters, notes::add);
    }

    /** A variant or knob that describes another kernel: the live side cannot run it. */
    public static final class ModelOnly extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        ModelOnly(String message) {
            super(message);
        }
    }

    /**
     * Starts a run: unmerges everything (run=2, also resets full_scans), pauses ksmd (run=0), sets
     * the kernel's default knobs overridden by the scenario's ({@code variant} included), builds
     * the scenario's files. {@link PreRunCheck#check} must have passed.
     */
    public static LiveMachine start(Scenario scenario, String variant, KsmSysfs sysfs, Path proc, Path runner,
                                    Map<String, String> features, Limits limits) throws InterruptedException {
        PreRunCheck.check(scenario, variant, sysfs, features, limits);
        LiveMachine m = new LiveMachine(scenario, sysfs, proc, runner, features, limits);
        boolean ok = false;
        try {
            m.begin(scenario.knobsFor(variant));
            ok = true;
            return m;
        } finally {
            if (!ok) m.close();
        }
    }

    private void begin(Map<String, String> knobs) throws InterruptedException {
        sysfs.unmergeAll(120_000);
        knob("run", "0");
        Map<String, String> all = new LinkedHashMap<>(org.ksmlab.livekernel.Scenario.KERNEL_DEFAULTS);
        knobs.forEach((k, v) -> {
            if (!k.startsWith("kernel.")) all.put(k, v);
        });
        String run = all.remove("run");
        for (String k : SavedKnobs.order(all.keySet())) {
            if (sysfs.hasKnob(k) && !sysfs.readKnob(k).equals(all.get(k))) {
                knob(k, all.get(k));
            }
        }
        if (run != null) writeKnobs(Map.of("run", run));
        clock.readSleepMillisecs();
        Map<String, Long> c = sysfs.counters();
        for (String k : RELATIVE) base.put(k, c.getOrDefault(k, 0L));
        for (Scenario.FileSpec f : scenario.files().values()) {
            files.put(f.name(), buildFile(f));
        }
        List<Integer> others = PreRunCheck.otherMergeableProcesses(proc);
        if (!others.isEmpty()) {
            notes.add("processes outside the scenario have mergeable memory (pids " + others
                    + "): ksmd scans them too, so their pages count in the global counters");
        }
    }

    /** A declared file: page i holds the content of the file's content id i. */
    private Path buildFile(Scenario.FileSpec f) {
        Path p = host.dir().resolve("file-" + files.size());
        long[] ids = ScenarioRun.fileContentIds(f);
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate((int) PAGE).order(ByteOrder.LITTLE_ENDIAN);
            for (long id : ids) {
                b.clear();
                for (int j = 0; j < 512; j++) b.putLong(ScenarioRun.word(scenario.seed(), id, 0, j));
                b.flip();
                while (b.hasRemaining()) ch.write(b);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build the scenario's file '" + f.name() + "' in " + p, e);
        }
        return p;
    }

    /** The per-full-scan samples taken during waits (global sysfs counters and {@code wall_ms}). */
    public List<Map<String, Long>> series() {
        return clock.series();
    }

    /** What a reader of the counters should know: waits for full scans that ended late. */
    public List<String> notes() {
        return List.copyOf(notes);
    }

    /** The kernel behaviour this machine was checked against ({@code kernel.*}). */
    public Map<String, String> features() {
        return features;
    }

    // ------------------------------------------------------------------ safety

    /** Writes a knob unless the run was aborted (after which the saved knobs are being restored). */
    private synchronized void knob(String name, String value) {
        if (aborted) throw new IllegalStateException("kernel-check interrupted");
        sysfs.write(name, value);
    }

    /** Stops the run from another thread (a shutdown hook): no knob is written after this returns; the processes are killed. */
    public void abort() {
        synchronized (this) {
            aborted = true;
        }
        host.close(true);
    }

    /** Ends the scenario's processes (exit, then SIGKILL for any that lingers) and deletes its folder. Knobs are the caller's. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        host.close(false);
    }

    // ------------------------------------------------------------------ system calls

    @Override
    public String side() {
        return "kernel";
    }

    @Override
    public int spawn() {
        return host.spawn().pid;
    }

    @Override
    public long mmap(int pid, long addr, long bytes, int prot, boolean shared, String file, long filePage) {
        int flags = (shared ? VmFlags.MAP_SHARED : VmFlags.MAP_PRIVATE) | (file == null ? VmFlags.MAP_ANONYMOUS : 0);
        byte[] path = new byte[0];
        if (file != null) {
            Path p = files.get(file);
            if (p == null) throw new IllegalArgumentException("no file '" + file + "'");
            path = p.toString().getBytes(StandardCharsets.UTF_8);
        }
        RunnerProtocol.Response r = host.runner(pid).call(RunnerProtocol.OP_MMAP, new long[] {addr, bytes, prot, flags, filePage * PAGE, path.length}, path);
        return result(r.res(), "mmap(0x" + Long.toHexString(addr) + ", " + bytes + ", prot " + prot + (file == null ? "" : ", " + file) + ")");
    }

    @Override
    public void munmap(int pid, long addr, long bytes) {
        call(pid, "munmap", RunnerProtocol.OP_MUNMAP, addr, bytes);
    }

    @Override
    public long mremap(int pid, long oldAddr, long oldBytes, long newBytes, boolean move, long newAddr) {
        int flags = move ? VmFlags.MREMAP_MAYMOVE | (newAddr != 0 ? VmFlags.MREMAP_FIXED : 0) : 0;
        return call(pid, "mremap", RunnerProtocol.OP_MREMAP, oldAddr, oldBytes, newBytes, flags, newAddr);
    }

    @Override
    public long brk(int pid, long newBrk) {
        // brk(2) returns the break after the call (the old one when it could not move)
        return host.runner(pid).call(RunnerProtocol.OP_BRK, newBrk).res();
    }

    @Override
    public void mprotect(int pid, long addr, long bytes, int prot) {
        call(pid, "mprotect", RunnerProtocol.OP_MPROTECT, addr, bytes, prot);
    }

    @Override
    public void madvise(int pid, long addr, long bytes, Step.Advice advice) {
        call(pid, "madvise(" + advice + ")", RunnerProtocol.OP_MADVISE, addr, bytes, adviceNumber(advice));
    }

    @Override
    public void processMadvise(int callerPid, int targetPid, long addr, long bytes, Step.Advice advice) {
        call(callerPid, "process_madvise(pid " + targetPid + ", " + advice + ")", RunnerProtocol.OP_PROCESS_MADVISE, targetPid, addr, bytes,
                adviceNumber(advice));
    }

    private static int adviceNumber(Step.Advice advice) {
        return switch (advice) {
            case MERGEABLE -> 12;
            case UNMERGEABLE -> 13;
            case DONTNEED -> 4;
            // SKSM's synchronous MADV_MERGE is an RFC no kernel has: madvise rejects an unknown advice
            case MERGE -> throw new SyscallException(Errno.EINVAL, "MADV_MERGE (the SKSM RFC) is not in this kernel");
        };
    }

    @Override
    public void prctlMergeAny(int pid, boolean on) {
        call(pid, "prctl(PR_SET_MEMORY_MERGE, " + (on ? 1 : 0) + ")", RunnerProtocol.OP_PRCTL_MERGE, on ? 1 : 0);
    }

    /** Written by this (root) process: the same write a controller would make. */
    @Override
    public void ksmEnabled(int pid, String mode) {
        host.runner(pid); // a scenario process
        Path p = proc.resolve(pid + "/ksm_enabled");
        try {
            org.ksmlab.livekernel.Libc.writeFile(p.toString(), mode + "\n");
        } catch (org.ksmlab.livekernel.Libc.LibcException e) {
            throw error(-e.errno(), "write " + p);
        }
    }

    @Override
    public long cloneRange(int pid, int sourcePid, long sourceAddr, long bytes) {
        throw new SyscallException(Errno.ENOSYS, "process_vm_mmap was never merged: no kernel has it");
    }

    @Override
    public int fork(int pid) {
        return host.fork(host.runner(pid)).pid;
    }

    @Override
    public void exec(int pid) {
        host.exec(host.runner(pid));
    }

    @Override
    public void exit(int pid) {
        host.exit(host.runner(pid));
    }

    private long call(int pid, String what, int op, long... args) {
        return result(host.runner(pid).call(op, args).res(), what);
    }

    private static long result(long res, String what) {
        if (res < 0 && res > -4096) throw error(res, what);
        return res;
    }

    /** A failed system call ({@code res} is -errno) as ScenarioRun expects it: a SyscallException when the engine names the errno. */
    static RuntimeException error(long res, String what) {
        int errno = (int) -res;
        for (Errno e : Errno.values()) {
            if (e.value == errno) return new SyscallException(e, what + " failed on the live kernel");
        }
        return new IllegalStateException(what + " failed on the live kernel with errno " + errno + " (" + org.ksmlab.livekernel.Libc.strerror(errno) + ")");
    }

    // ------------------------------------------------------------------ pages

    @Override
    public void write(int pid, long[] addrs, long[] ids) {
        long[] keys = new long[ids.length];
        boolean[] zero = new boolean[ids.length];
        for (int k = 0; k < ids.length; k++) {
            zero[k] = ids[k] == Content.ZERO_ID;
            keys[k] = zero[k] ? 0 : PageContents.key(scenario.seed(), ids[k]);
        }
        host.runner(pid).call(RunnerProtocol.OP_WRITE, RunnerProtocol.writeRecords(addrs, keys, zero));
    }

    @Override
    public void patch(int pid, long[] addrs, long[] words) {
        host.runner(pid).call(RunnerProtocol.OP_PATCH, RunnerProtocol.patchRecords(addrs, words));
    }

    @Override
    public void read(int pid, long[] addrs) {
        host.runner(pid).call(RunnerProtocol.OP_READ, RunnerProtocol.readRecords(addrs));
    }

    @Override
    public String verify(int pid, long[] addrs, long[] ids, long[] patches) {
        if (addrs.length == 0) return null;
        List<ProcMaps.Vma> vmas = ProcMaps.read(proc, pid);
        long[] entries = entriesAt(pid, addrs);
        List<Integer> byProcess = new ArrayList<>();
        List<Integer> byProcMem = new ArrayList<>();
        for (int k = 0; k < addrs.length; k++) {
            ProcMaps.Vma v = vmaAt(vmas, addrs[k]);
            if (v == null) {
                return "page at 0x" + Long.toHexString(addrs[k]) + " is in no VMA";
            }
            if (!PageFrames.present(entries[k]) && (v.anonymousPrivate() || v.path().startsWith("/dev/zero"))) {
                // not present in anonymous memory: reads as zeros
                if (ids[k] != Content.ZERO_ID || patches[k] != 0) {
                    return "page at 0x" + Long.toHexString(addrs[k]) + " is not present (reads as zeros), expected content " + ids[k]
                            + (patches[k] != 0 ? " patched" : "");
                }
                continue;
            }
            (v.readable() ? byProcess : byProcMem).add(k);
        }
        if (!byProcess.isEmpty()) {
            int[] idx = byProcess.stream().mapToInt(Integer::intValue).toArray();
            long[] a = new long[idx.length];
            long[] keys = new long[idx.length];
            boolean[] zero = new boolean[idx.length];
            long[] p = new long[idx.length];
            for (int i = 0; i < idx.length; i++) {
                a[i] = addrs[idx[i]];
                zero[i] = ids[idx[i]] == Content.ZERO_ID;
                keys[i] = zero[i] ? 0 : PageContents.key(scenario.seed(), ids[idx[i]]);
                p[i] = patches[idx[i]];
            }
            RunnerProtocol.Response r = host.runner(pid).call(RunnerProtocol.OP_VERIFY, RunnerProtocol.verifyRecords(a, keys, zero, p));
            if (r.res() != 0) {
                int k = idx[(int) r.r0()];
                int j = (int) r.r1();
                return difference(addrs[k], ids[k], patches[k], j, r.r2());
            }
        }
        for (int k : byProcMem) {
            String d = verifyThroughProcMem(pid, addrs[k], ids[k], patches[k]);
            if (d != null) return d;
        }
        return null;
    }

    private String difference(long addr, long id, long patch, int j, long actual) {
        return "page at 0x" + Long.toHexString(addr) + ": word " + j + " reads 0x" + Long.toHexString(actual) + ", expected 0x"
                + Long.toHexString(ScenarioRun.word(scenario.seed(), id, patch, j)) + " (content " + (id == Content.ZERO_ID ? "zero" : id)
                + (patch != 0 ? ", patched" : "") + ")";
    }

    /** A page its process may not read (PROT_NONE): read through /proc/PID/mem, as a debugger would. */
    private String verifyThroughProcMem(int pid, long addr, long id, long patch) {
        ByteBuffer b = ByteBuffer.allocate((int) PAGE).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel ch = FileChannel.open(proc.resolve(pid + "/mem"), StandardOpenOption.READ)) {
            while (b.hasRemaining()) {
                if (ch.read(b, addr + b.position()) <= 0) throw new IOException("short read");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read page 0x" + Long.toHexString(addr) + " of process " + pid + " through /proc/PID/mem", e);
        }
        for (int j = 0; j < 512; j++) {
            long got = b.getLong(j * 8);
            if (got != ScenarioRun.word(scenario.seed(), id, patch, j)) return difference(addr, id, patch, j, got);
        }
        return null;
    }

    private static ProcMaps.Vma vmaAt(List<ProcMaps.Vma> vmas, long addr) {
        for (ProcMaps.Vma v : vmas) {
            if (v.start() <= addr && addr < v.end()) return v;
        }
        return null;
    }

    /** pagemap entries of arbitrary pages, read run by run. */
    private long[] entriesAt(int pid, long[] addrs) {
        long[] out = new long[addrs.length];
        int k = 0;
        while (k < addrs.length) {
            int end = k + 1;
            while (end < addrs.length && addrs[end] == addrs[end - 1] + PAGE) end++;
            long[] run = frames.entries(pid, addrs[k], (end - k) * PAGE);
            System.arraycopy(run, 0, out, k, run.length);
            k = end;
        }
        return out;
    }

    // ------------------------------------------------------------------ counters

    /** The /sys/kernel/mm/ksm counters, those in {@link #RELATIVE} relative to the start. */
    private Map<String, Long> ksmCounters() {
        Map<String, Long> c = new LinkedHashMap<>();
        sysfs.counters().forEach((k, v) -> c.put(k, RELATIVE.contains(k) ? v - base.getOrDefault(k, 0L) : v));
        return c;
    }

    @Override
    public Map<String, Long> counters() {
        Map<String, Long> c = ksmCounters();
        Set<Long> anon = new HashSet<>();
        long vmas = 0;
        List<Integer> pids = host.pids();
        for (int pid : pids) {
            List<ProcMaps.Vma> own = ProcMaps.scenarioVmas(ProcMaps.read(proc, pid), runnerPath);
            vmas += own.size();
            for (ProcMaps.Vma v : own) {
                long[] e = frames.entries(pid, v.start(), v.end() - v.start());
                for (long pfn : PageFrames.anonymousPfns(e, frames.flagsOf(e))) anon.add(pfn);
            }
        }
        c.put("nr_anon_pages", (long) anon.size());
        c.put("vmas", vmas);
        c.put("processes", (long) pids.size());
        return c;
    }

    @Override
    public Map<String, Long> processCounters(int pid) {
        host.runner(pid);
        Map<String, Long> c = new LinkedHashMap<>();
        c.put("vmas", (long) ProcMaps.scenarioVmas(ProcMaps.read(proc, pid), runnerPath).size());
        c.putAll(KsmStat.read(proc, pid).values().entrySet().stream()
                .sorted(Map.Entry.comparingByKey(java.util.Comparator.comparingInt(LiveMachine::ksmStatOrder)))
                .collect(LinkedHashMap::new, (m, e) -> m.put(e.getKey(), e.getValue()), Map::putAll));
        return c;
    }

    /** ksm_stat fields in the file's order. */
    private static int ksmStatOrder(String key) {
        List<String> order = List.of("ksm_rmap_items", "ksm_zero_pages", "ksm_merging_pages", "ksm_process_profit", "ksm_merge_any", "ksm_mergeable");
        int i = order.indexOf(key);
        return i < 0 ? order.size() : i;
    }

    @Override
    public Map<String, Long> regionCounters(int pid, long addr, long bytes) {
        long[] e = frames.entries(pid, addr, bytes);
        Map<String, Long> c = PageFrames.regionCounters(e, frames.flagsOf(e));
        c.put("vmas", ProcMaps.overlapping(ProcMaps.read(proc, pid), addr, addr + bytes));
        return c;
    }

    // ------------------------------------------------------------------ knobs and time (LiveClock)

    /**
     * KSM knobs go to sysfs now, in order, with the kernel's answers (EINVAL, EBUSY) as errors;
     * {@code run} is what the scenario wants while time passes (run=2 unmerges at once);
     * {@code kernel.*} is accepted when it is what this kernel does.
     */
    @Override
    public void writeKnobs(Map<String, String> knobs) {
        for (Map.Entry<String, String> e : knobs.entrySet()) {
            String k = e.getKey();
            String v = e.getValue();
            PreRunCheck.checkKnob(k, v, sysfs, features);
            if (k.startsWith("kernel.")) continue;
            if (k.equals("run")) {
                clock.writeRun(v);
                continue;
            }
            try {
                knob(k, v);
            } catch (KsmSysfs.KnobException ex) {
                throw new IllegalArgumentException(ex.getMessage(), ex);
            }
            if (k.equals("sleep_millisecs")) clock.readSleepMillisecs();
        }
    }

    @Override
    public void runForMs(long ms) {
        clock.runForMs(ms);
    }

    @Override
    public void runFullScans(long n) {
        clock.runFullScans(n);
    }

    @Override
    public void runUntilStable() {
        clock.runUntilStable();
    }

    @Override
    public void every(long periodMs, Runnable action) {
        clock.every(periodMs, action);
    }

    @Override
    public long nowMs() {
        return clock.nowMs();
    }

    /** For tests and messages: the live runners' pids. */
    List<Integer> pids() {
        return host.pids();
    }

    /** A list of the runner's pids for messages. */
    @Override
    public String toString() {
        return "LiveMachine" + Arrays.toString(host.pids().toArray());
    }
}
