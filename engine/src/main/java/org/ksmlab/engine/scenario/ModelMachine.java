package org.ksmlab.engine.scenario;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ksmlab.engine.memory.PageMode;
import org.ksmlab.engine.memory.PageStore;
import org.ksmlab.engine.mm.Daemon;
import org.ksmlab.engine.mm.Errno;
import org.ksmlab.engine.mm.Kernel;
import org.ksmlab.engine.mm.KernelConfig;
import org.ksmlab.engine.mm.MappedFile;
import org.ksmlab.engine.mm.SyscallException;
import org.ksmlab.engine.mm.Vma;
import org.ksmlab.engine.mm.VmFlags;
import org.ksmlab.engine.sim.AlgorithmDefinition;
import org.ksmlab.engine.sim.Algorithms;
import org.ksmlab.engine.sim.EventLoop;
import org.ksmlab.engine.workload.PageContents;

/**
 * The kernel model as a scenario's {@link Machine}: system calls go to a {@link Kernel} with the
 * scenario's merger and {@code kernel.*} knobs; time passes in an {@link EventLoop} (ksmd runs
 * there); page contents and read-backs use the model's frames. After every wait the model's
 * frame-accounting invariant check runs, so a scenario that breaks it stops with the reason.
 *
 * <p>Waits: {@code ms} runs the loop that long; {@code full_scans} until ksmd completed that
 * many more passes (sampled when the pass's last batch ends); {@code stable} until the
 * simulation's stability rule holds over samples taken during this wait (one is taken when it
 * starts), or the daemon is idle.
 */
public final class ModelMachine implements Machine, AutoCloseable {
    /** Samples every 100 virtual ms for mergers without a daemon, as simulate does. */
    public static final long SAMPLE_MS = 100;
    /** The longest a single wait may take: 24 virtual hours. */
    public static final long MAX_WAIT_MS = 24L * 3600 * 1000;
    private static final long PAGE = PageStore.PAGE_SIZE;

    private final Kernel kernel;
    private final EventLoop loop;
    private final long seed;
    private final Map<String, MappedFile> files = new LinkedHashMap<>();

    /**
     * A model for {@code scenario} under {@code algo} with {@code knobs} (merger knobs, cost
     * settings and {@code kernel.*} knobs, as {@code --set} takes them).
     */
    public ModelMachine(Scenario scenario, String algo, Map<String, String> knobs) {
        this(scenario, algo, knobs, PageMode.BYTE);
    }

    /** As {@link #ModelMachine(Scenario, String, Map)}, with page contents held as {@code pageMode} says. */
    public ModelMachine(Scenario scenario, String algo, Map<String, String> knobs, PageMode pageMode) {
        AlgorithmDefinition def = Algorithms.get(algo);
        this.kernel = new Kernel(Algorithms.create(algo, knobs), KernelConfig.from(knobs), pageMode);
        this.loop = new EventLoop(kernel, SAMPLE_MS * 1_000_000L, def.stabilityCounters(), def.savingCounters());
        this.seed = scenario.seed();
        for (Scenario.FileSpec f : scenario.files().values()) {
            long[] ids = ScenarioRun.fileContentIds(f);
            files.put(f.name(), new MappedFile(f.name(), f.pages(), (store, frame, index) -> fill(store, frame, ids[(int) index])));
        }
    }

    public Kernel kernel() {
        return kernel;
    }

    /** The samples taken so far: one per full scan (ksm) or per sample period, plus one at each wait's start. */
    public List<Map<String, Long>> series() {
        return loop.series();
    }

    @Override
    public String side() {
        return "model";
    }

    @Override
    public int spawn() {
        return kernel.spawn();
    }

    @Override
    public void setDomain(int pid, int domain) {
        kernel.setDomain(pid, domain);
    }

    @Override
    public long mmap(int pid, long addr, long bytes, int prot, boolean shared, String file, long filePage) {
        MappedFile f = null;
        if (file != null) {
            f = files.get(file);
            if (f == null) throw new IllegalArgumentException("no file '" + file + "'");
        }
        int flags = (shared ? VmFlags.MAP_SHARED : VmFlags.MAP_PRIVATE) | (f == null ? VmFlags.MAP_ANONYMOUS : 0);
        return kernel.mmap(pid, addr, bytes, prot, flags, f, filePage);
    }

    @Override
    public void munmap(int pid, long addr, long bytes) {
        kernel.munmap(pid, addr, bytes);
    }

    @Override
    public long mremap(int pid, long oldAddr, long oldBytes, long newBytes, boolean move, long newAddr) {
        int flags = move ? VmFlags.MREMAP_MAYMOVE | (newAddr != 0 ? VmFlags.MREMAP_FIXED : 0) : 0;
        return kernel.mremap(pid, oldAddr, oldBytes, newBytes, flags, newAddr);
    }

    @Override
    public long brk(int pid, long newBrk) {
        return kernel.brk(pid, newBrk);
    }

    @Override
    public void mprotect(int pid, long addr, long bytes, int prot) {
        kernel.mprotect(pid, addr, bytes, prot);
    }

    @Override
    public void madvise(int pid, long addr, long bytes, Step.Advice advice) {
        kernel.madvise(pid, addr, bytes, advice(advice));
    }

    @Override
    public void processMadvise(int callerPid, int targetPid, long addr, long bytes, Step.Advice advice) {
        kernel.processMadvise(callerPid, targetPid, addr, bytes, advice(advice));
    }

    private static int advice(Step.Advice a) {
        return switch (a) {
            case MERGEABLE -> VmFlags.MADV_MERGEABLE;
            case UNMERGEABLE -> VmFlags.MADV_UNMERGEABLE;
            case DONTNEED -> VmFlags.MADV_DONTNEED;
            case MERGE -> VmFlags.MADV_MERGE;
        };
    }

    @Override
    public void prctlMergeAny(int pid, boolean on) {
        kernel.prctl(pid, VmFlags.PR_SET_MEMORY_MERGE, on ? 1 : 0);
    }

    @Override
    public void ksmEnabled(int pid, String mode) {
        kernel.ksmEnabled(pid, mode);
    }

    @Override
    public long cloneRange(int pid, int sourcePid, long sourceAddr, long bytes) {
        return kernel.cloneRange(pid, sourcePid, sourceAddr, bytes);
    }

    @Override
    public int fork(int pid) {
        return kernel.fork(pid);
    }

    @Override
    public void exec(int pid) {
        kernel.exec(pid);
    }

    @Override
    public void exit(int pid) {
        kernel.exit(pid);
    }

    @Override
    public void write(int pid, long[] addrs, long[] ids) {
        for (int k = 0; k < addrs.length; k++) {
            long id = ids[k];
            kernel.writePage(pid, addrs[k], (store, frame) -> fill(store, frame, id));
        }
    }

    @Override
    public void patch(int pid, long[] addrs, long[] words) {
        for (int k = 0; k < addrs.length; k++) {
            kernel.writeLong(pid, addrs[k] + ScenarioRun.PATCH_OFFSET, words[k]);
        }
    }

    @Override
    public void read(int pid, long[] addrs) {
        for (long a : addrs) {
            kernel.readLong(pid, a);
        }
    }

    /**
     * Compares every word of every mapped page with its expected content, without faulting: a
     * page with no pte reads as zeros (anonymous) or as the file's page (a private file mapping
     * not written yet, whose content ScenarioRun recorded from the file), so it is taken as read.
     */
    @Override
    public String verify(int pid, long[] addrs, long[] ids, long[] patches) {
        PageStore store = kernel.store();
        for (int k = 0; k < addrs.length; k++) {
            int frame = kernel.frameAt(pid, addrs[k]);
            if (frame < 0) {
                Vma v = kernel.process(pid).findVma(addrs[k]);
                if (v == null) {
                    return "page at 0x" + Long.toHexString(addrs[k]) + " is not mapped";
                }
                if (v.file() == null && ids[k] != Content.ZERO_ID) {
                    return "page at 0x" + Long.toHexString(addrs[k]) + " lost its contents (no page, expected content " + ids[k] + ")";
                }
                continue;
            }
            for (int j = 0; j < PAGE / 8; j++) {
                long expected = ScenarioRun.word(seed, ids[k], patches[k], j);
                long got = store.readLong(frame, j * 8);
                if (got != expected) {
                    return "page at 0x" + Long.toHexString(addrs[k]) + " word " + j + " reads 0x" + Long.toHexString(got)
                            + ", expected 0x" + Long.toHexString(expected);
                }
            }
        }
        return null;
    }

    /** The kernel's and the merger's counters, plus the mappings of merged pages the merger's reverse map misses. */
    @Override
    public Map<String, Long> counters() {
        Map<String, Long> c = new LinkedHashMap<>(kernel.counters());
        c.put("rmap_unreachable", kernel.merger().rmapUnreachable());
        return c;
    }

    @Override
    public Map<String, Long> processCounters(int pid) {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("vmas", (long) kernel.process(pid).vmaCount());
        Map<String, Object> details = new LinkedHashMap<>();
        kernel.merger().finalDetails(details);
        if (details.get("ksm_stat") instanceof Map<?, ?> byPid && byPid.get(String.valueOf(pid)) instanceof Map<?, ?> st) {
            st.forEach((k, v) -> {
                if (v instanceof Number n) m.put(String.valueOf(k), n.longValue());
            });
        }
        return m;
    }

    @Override
    public Map<String, Long> regionCounters(int pid, long addr, long bytes) {
        PageStore store = kernel.store();
        long present = 0;
        long ksm = 0;
        long zero = 0;
        Set<Integer> frames = new HashSet<>();
        for (long a = addr; a < addr + bytes; a += PAGE) {
            int frame = kernel.frameAt(pid, a);
            if (frame < 0) continue;
            present++;
            frames.add(frame);
            if (frame == PageStore.ZERO_FRAME) zero++;
            else if (store.hasFlag(frame, PageStore.F_KSM)) ksm++;
        }
        long vmas = kernel.process(pid).vmas().stream().filter(v -> v.start() < addr + bytes && v.end() > addr).count();
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("present_pages", present);
        m.put("distinct_frames", (long) frames.size());
        m.put("ksm_pages", ksm);
        m.put("zero_pages", zero);
        m.put("vmas", vmas);
        return m;
    }

    @Override
    public void writeKnobs(Map<String, String> knobs) {
        for (Map.Entry<String, String> e : knobs.entrySet()) {
            if (e.getKey().startsWith(KernelConfig.PREFIX)) {
                throw new IllegalArgumentException(e.getKey() + ": kernel knobs describe the kernel a run models; set them for the whole run (knobs or a variant), not in a step");
            }
            kernel.merger().writeKnob(e.getKey(), e.getValue());
        }
    }

    /**
     * Runs everything due before now + {@code ms}; what is due exactly then runs after the
     * steps that follow the wait (as a workload's one-shot events run before ksmd's wake-ups
     * due at the same instant).
     */
    @Override
    public void runForMs(long ms) {
        long limit = kernel.nowNanos() + ms * 1_000_000L;
        loop.runUntil(l -> false, limit - 1, false);
        kernel.advanceTo(limit);
        kernel.checkInvariants();
    }

    @Override
    public void runFullScans(long n) {
        Daemon d = loop.daemon();
        if (d == null) {
            throw new IllegalArgumentException("wait full_scans: algorithm '" + kernel.merger().name() + "' makes no full scans; wait ms or stable instead");
        }
        long target = d.fullScans() + n;
        EventLoop.Stop stop = loop.runUntil(l -> d.fullScans() >= target, kernel.nowNanos() + MAX_WAIT_MS * 1_000_000L, true);
        if (stop != EventLoop.Stop.CONDITION) {
            throw new SyscallException(Errno.EAGAIN, "wait full_scans " + n + ": ksmd " + (stop == EventLoop.Stop.IDLE
                    ? "is idle (not running, or nothing left to scan) after " + d.fullScans() + " full scans"
                    : "did not complete them within " + MAX_WAIT_MS / 3_600_000 + " virtual hours"));
        }
        kernel.checkInvariants();
    }

    /**
     * The simulation's stop rule ({@link EventLoop#isStable}) over the whole series, once at
     * enough samples were taken during this wait to see the state after the steps before it
     * hold: for a daemon merger (sampled per pass) three, since a pass over new pages only takes
     * their checksums and moves no stability counter, so samples from before the wait could make
     * it look stable before it merged anything; for the others one, since they merge inside the
     * steps themselves. The first sample of a run is the state its first wait starts from
     * (unless the periodic sample due then takes it), as simulate's first sample is the
     * workload's state at 0: so a scenario that sets a workload up and waits until stable stops
     * exactly where {@code simulate --until-stable} of that workload stops (a test checks it for
     * the built-in workloads and every algorithm).
     */
    @Override
    public void runUntilStable() {
        long now = kernel.nowNanos();
        int from = loop.series().size();
        if (loop.series().isEmpty() && loop.nextSampleNanos() != now) {
            loop.sample();
        }
        int needed = loop.daemon() != null ? 3 : 1;
        loop.runUntil(l -> l.series().size() - from >= needed && l.isStable(2), now + MAX_WAIT_MS * 1_000_000L, true);
        kernel.checkInvariants();
    }

    @Override
    public void every(long periodMs, Runnable action) {
        long period = periodMs * 1_000_000L;
        loop.every(kernel.nowNanos() + period, period, action);
    }

    @Override
    public long nowMs() {
        return kernel.nowNanos() / 1_000_000;
    }

    private void fill(PageStore store, int frame, long id) {
        if (id == Content.ZERO_ID) {
            store.fillZero(frame);
        } else {
            PageContents.fill(store, frame, seed, id);
        }
    }

    @Override
    public void close() {
        kernel.close();
    }
}
