package org.ksmlab.engine.scenario;

import static org.ksmlab.engine.memory.PageStore.PAGE_SIZE;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ksmlab.engine.memory.PageStore;
import org.ksmlab.engine.mm.Kernel;
import org.ksmlab.engine.mm.MappedFile;
import org.ksmlab.engine.mm.SyscallException;
import org.ksmlab.engine.mm.VmFlags;
import org.ksmlab.engine.workload.PageContents;

/**
 * Runs a {@link Scenario} on the kernel model: each step becomes the system call it names, on
 * the named process and region; waits are handed to a {@link Clock} (the simulation's event
 * loop, in which ksmd runs); phases record the counters.
 *
 * <p>It also keeps, for every page of every region, the content the scenario put there (a
 * content id, {@link Content#ZERO_ID}, or {@link #UNMAPPED}, plus the 8-byte patch if any), and
 * at every phase reads every mapped page back and compares it: merging must never change what a
 * process reads, and a scenario run checks that on its own pages.
 */
public final class ScenarioRun {
    /** A page that is not mapped any more (munmap, moved away, shrunk). */
    static final long UNMAPPED = -2;
    /** Where a patch's 8 bytes go in a page (the code-patching workload's offset). */
    public static final int PATCH_OFFSET = 0x800;

    /** How the run lets virtual time pass; the simulation's event loop implements it. */
    public interface Clock {
        /** Runs the event loop for {@code ms} virtual milliseconds. */
        void runForMs(long ms);

        /** Runs until ksmd completed {@code n} more full scans; an error for a merger without full scans. */
        void runFullScans(long n);

        /** Runs until the merger's counters are stable (the simulation's stop rule). */
        void runUntilStable();

        /** Runs {@code action} every {@code periodNanos} from now + period on: a periodic writer. */
        void every(long periodNanos, Runnable action);

        /** Writes merger knobs now, in order, with the merger's own answers to bad values. */
        void writeKnobs(Map<String, String> knobs);
    }

    /** One named phase: when, and every counter then. */
    public record PhaseRecord(String name, long virtualMs, Map<String, Long> counters, Map<String, Map<String, Long>> processes) {
    }

    /** A failed {@link Step.Expect}: which counter, what the scenario expected, what the run had. */
    public record ExpectFailure(Origin origin, String counter, long expected, Long actual) {
        @Override
        public String toString() {
            return origin + ": expected " + counter + " = " + expected + ", got " + (actual == null ? "no such counter" : actual);
        }
    }

    /** What a run produced. */
    public record Result(List<PhaseRecord> phases, List<ExpectFailure> failures, long pagesVerified) {
    }

    /** One region of one process: where it is, and what each page should read as. */
    private static final class Region {
        final long start;
        long[] ids;
        long[] patches;

        Region(long start, long pages) {
            this.start = start;
            this.ids = new long[(int) pages];
            this.patches = new long[(int) pages];
            Arrays.fill(ids, Content.ZERO_ID);
        }

        Region copy() {
            Region r = new Region(start, 0);
            r.ids = ids.clone();
            r.patches = patches.clone();
            return r;
        }

        long pages() {
            return ids.length;
        }

        void resize(long pages) {
            int old = ids.length;
            ids = Arrays.copyOf(ids, (int) pages);
            patches = Arrays.copyOf(patches, (int) pages);
            if (pages > old) {
                Arrays.fill(ids, old, (int) pages, Content.ZERO_ID);
            }
        }
    }

    /** A named process of the scenario and its regions. */
    private static final class Proc {
        final int pid;
        final Map<String, Region> regions = new LinkedHashMap<>();
        long heapStart = -1;

        Proc(int pid) {
            this.pid = pid;
        }
    }

    private final Scenario scenario;
    private final Kernel kernel;
    private final Clock clock;
    private final Map<String, Proc> procs = new LinkedHashMap<>();
    private final Map<String, MappedFile> files = new LinkedHashMap<>();
    private final List<PhaseRecord> phases = new ArrayList<>();
    private final List<ExpectFailure> failures = new ArrayList<>();
    private long nextUniqueId;
    private long pagesVerified;

    public ScenarioRun(Scenario scenario, Kernel kernel, Clock clock) {
        this.scenario = scenario;
        this.kernel = kernel;
        this.clock = clock;
        this.nextUniqueId = scenario.uniqueIdsFrom();
        for (Scenario.FileSpec f : scenario.files().values()) {
            long[] ids = ids(f.content(), f.pages(), Origin.BUILT_IN);
            long seed = scenario.seed();
            files.put(f.name(), new MappedFile(f.name(), f.pages(), (store, frame, index) -> fill(store, frame, seed, ids[(int) index])));
        }
    }

    /** Runs every step in order and returns the phases; a step the kernel refuses is an error naming its origin. */
    public Result run() {
        for (Step s : scenario.steps()) {
            step(s);
        }
        return new Result(List.copyOf(phases), List.copyOf(failures), pagesVerified);
    }

    private void step(Step s) {
        try {
            apply(s);
        } catch (SyscallException | IllegalArgumentException | IllegalStateException e) {
            throw new IllegalArgumentException(s.origin() + ": " + describe(s) + ": " + e.getMessage(), e);
        }
    }

    private void apply(Step s) {
        switch (s) {
            case Step.Spawn sp -> newProc(sp.process(), kernel.spawn());
            case Step.Mmap m -> mmap(m);
            case Step.Munmap m -> {
                Proc p = proc(m.process());
                Region r = region(p, m.region());
                PageRange range = m.range().within(r.pages(), m.region());
                kernel.munmap(p.pid, r.start + range.first() * PAGE_SIZE, range.count() * PAGE_SIZE);
                Arrays.fill(r.ids, (int) range.first(), (int) range.last() + 1, UNMAPPED);
            }
            case Step.Mremap m -> mremap(m);
            case Step.Brk b -> brk(b);
            case Step.Write w -> write(w);
            case Step.Patch pt -> {
                Proc p = proc(pt.process());
                Region r = region(p, pt.region());
                for (long i : pt.pages().indices(r.pages(), pt.region())) {
                    long word = patchWord(scenario.seed(), i);
                    kernel.writeLong(p.pid, r.start + i * PAGE_SIZE + PATCH_OFFSET, word);
                    r.patches[(int) i] = word;
                    if (r.ids[(int) i] == UNMAPPED) {
                        throw new IllegalArgumentException("page " + i + " is not mapped");
                    }
                }
            }
            case Step.Read rd -> {
                Proc p = proc(rd.process());
                Region r = region(p, rd.region());
                for (long i : rd.pages().indices(r.pages(), rd.region())) {
                    kernel.readLong(p.pid, r.start + i * PAGE_SIZE);
                }
            }
            case Step.Madvise m -> {
                Proc p = proc(m.process());
                Region r = region(p, m.region());
                PageRange range = m.range().within(r.pages(), m.region());
                int advice = switch (m.advice()) {
                    case MERGEABLE -> VmFlags.MADV_MERGEABLE;
                    case UNMERGEABLE -> VmFlags.MADV_UNMERGEABLE;
                    case DONTNEED -> VmFlags.MADV_DONTNEED;
                    case MERGE -> VmFlags.MADV_MERGE;
                };
                kernel.madvise(p.pid, r.start + range.first() * PAGE_SIZE, range.count() * PAGE_SIZE, advice);
                if (m.advice() == Step.Advice.DONTNEED) {
                    // anonymous memory reads as zeros again; a private file page as the file's page
                    for (long i = range.first(); i <= range.last(); i++) {
                        r.ids[(int) i] = Content.ZERO_ID;
                        r.patches[(int) i] = 0;
                    }
                    refillFromFile(p, r, range);
                }
            }
            case Step.Prctl pr -> kernel.prctl(proc(pr.process()).pid, VmFlags.PR_SET_MEMORY_MERGE, pr.mergeAny() ? 1 : 0);
            case Step.Fork f -> {
                Proc parent = proc(f.process());
                Proc child = newProc(f.child(), kernel.fork(parent.pid));
                parent.regions.forEach((name, r) -> child.regions.put(name, r.copy()));
                child.heapStart = parent.heapStart;
            }
            case Step.Exec e -> {
                Proc p = proc(e.process());
                kernel.exec(p.pid);
                p.regions.clear();
                p.heapStart = -1;
            }
            case Step.Exit e -> {
                kernel.exit(proc(e.process()).pid);
                procs.remove(e.process());
            }
            case Step.Knob k -> clock.writeKnobs(k.values());
            case Step.Wait w -> {
                switch (w.kind()) {
                    case MS -> clock.runForMs(w.amount());
                    case FULL_SCANS -> clock.runFullScans(w.amount());
                    case STABLE -> clock.runUntilStable();
                }
            }
            case Step.Phase ph -> phase(ph.name());
            case Step.Expect ex -> expect(ex);
            case Step.Every ev -> {
                List<Step> body = ev.steps();
                clock.every(ev.periodMs() * 1_000_000L, () -> body.forEach(this::step));
            }
        }
    }

    private Proc newProc(String name, int pid) {
        if (procs.containsKey(name)) {
            throw new IllegalArgumentException("process '" + name + "' exists already");
        }
        Proc p = new Proc(pid);
        procs.put(name, p);
        return p;
    }

    private void mmap(Step.Mmap m) {
        Proc p = proc(m.process());
        if (p.regions.containsKey(m.region())) {
            throw new IllegalArgumentException("region '" + m.region() + "' of process '" + m.process() + "' exists already");
        }
        MappedFile file = null;
        if (m.file() != null) {
            file = files.get(m.file());
            if (file == null) {
                throw new IllegalArgumentException("no file '" + m.file() + "' (files: " + String.join(", ", files.keySet()) + ")");
            }
        }
        long addr = 0;
        if (m.after() != null) {
            Region prev = region(p, m.after());
            addr = prev.start + prev.pages() * PAGE_SIZE;
        }
        int flags = (m.shared() ? VmFlags.MAP_SHARED : VmFlags.MAP_PRIVATE) | (file == null ? VmFlags.MAP_ANONYMOUS : 0);
        long start = kernel.mmap(p.pid, addr, m.pages() * PAGE_SIZE, m.prot(), flags, file, m.filePage());
        if (m.after() != null && start != addr) {
            throw new IllegalArgumentException("the space right after region '" + m.after() + "' is taken (MAP_FIXED_NOREPLACE would fail with EEXIST)");
        }
        Region r = new Region(start, m.pages());
        p.regions.put(m.region(), r);
        if (file != null) {
            refillFromFile(p, r, new PageRange(0, m.pages() - 1), m.file(), m.filePage());
        }
    }

    /** Private file pages read as the file's contents until written. */
    private void refillFromFile(Proc p, Region r, PageRange range) {
        // Only regions mapped from a file have file contents; the kernel model knows which.
        var vma = kernel.process(p.pid).findVma(r.start + range.first() * PAGE_SIZE);
        if (vma == null || vma.file() == null || vma.file().isShmem()) {
            return;
        }
        Scenario.FileSpec f = scenario.files().get(vma.file().name());
        if (f != null) {
            long firstFilePage = vma.pgoff() + ((r.start + range.first() * PAGE_SIZE - vma.start()) >>> 12);
            refillFromFile(p, r, range, f.name(), firstFilePage);
        }
    }

    private void refillFromFile(Proc p, Region r, PageRange range, String fileName, long firstFilePage) {
        Scenario.FileSpec f = scenario.files().get(fileName);
        long[] fileIds = ids(f.content(), f.pages(), Origin.BUILT_IN);
        for (long i = range.first(); i <= range.last(); i++) {
            long fp = firstFilePage + (i - range.first());
            r.ids[(int) i] = fp < fileIds.length ? fileIds[(int) fp] : Content.ZERO_ID;
        }
    }

    private void mremap(Step.Mremap m) {
        Proc p = proc(m.process());
        Region r = region(p, m.region());
        PageRange range = m.range().within(r.pages(), m.region());
        long oldAddr = r.start + range.first() * PAGE_SIZE;
        long newPages = m.newPages() > 0 ? m.newPages() : range.count();
        if (m.to() == null) {
            if (range.last() != r.pages() - 1) {
                throw new IllegalArgumentException("an in-place mremap (no 'to') resizes the end of a region; pages " + range + " do not end it");
            }
            long got = kernel.mremap(p.pid, oldAddr, range.count() * PAGE_SIZE, newPages * PAGE_SIZE, 0, 0);
            if (got != oldAddr) {
                throw new IllegalStateException("in-place mremap moved the region");
            }
            r.resize(range.first() + newPages);
            return;
        }
        if (p.regions.containsKey(m.to())) {
            throw new IllegalArgumentException("region '" + m.to() + "' exists already");
        }
        int flags = VmFlags.MREMAP_MAYMOVE;
        long dest = 0;
        if (m.after() != null) {
            Region prev = region(p, m.after());
            dest = prev.start + prev.pages() * PAGE_SIZE;
            flags |= VmFlags.MREMAP_FIXED;
        }
        long got = kernel.mremap(p.pid, oldAddr, range.count() * PAGE_SIZE, newPages * PAGE_SIZE, flags, dest);
        Region moved = new Region(got, newPages);
        int n = (int) Math.min(newPages, range.count());
        System.arraycopy(r.ids, (int) range.first(), moved.ids, 0, n);
        System.arraycopy(r.patches, (int) range.first(), moved.patches, 0, n);
        Arrays.fill(r.ids, (int) range.first(), (int) range.last() + 1, UNMAPPED);
        p.regions.put(m.to(), moved);
    }

    /**
     * brk: the heap is region {@code heap}, created at the first brk right after the highest
     * mapping of the process; later brks grow or shrink its end.
     */
    private void brk(Step.Brk b) {
        Proc p = proc(b.process());
        Region heap = p.regions.get("heap");
        if (heap == null) {
            if (b.pages() <= 0) {
                throw new IllegalArgumentException("the first brk must grow the heap (pages > 0)");
            }
            long start = kernel.brk(p.pid, 0); // the current break: where the heap starts
            long end = kernel.brk(p.pid, start + b.pages() * PAGE_SIZE);
            heap = new Region(start, (end - start) / PAGE_SIZE);
            p.regions.put("heap", heap);
            p.heapStart = start;
            return;
        }
        long newPages = heap.pages() + b.pages();
        if (newPages < 0) {
            throw new IllegalArgumentException("brk would shrink the heap below its start (" + heap.pages() + " pages, " + b.pages() + ")");
        }
        long end = kernel.brk(p.pid, heap.start + newPages * PAGE_SIZE);
        heap.resize((end - heap.start) / PAGE_SIZE);
    }

    private void write(Step.Write w) {
        Proc p = proc(w.process());
        Region r = region(p, w.region());
        long[] idx = w.pages().indices(r.pages(), w.region());
        long[] ids = ids(w.content(), idx.length, w.origin());
        long seed = scenario.seed();
        for (int k = 0; k < idx.length; k++) {
            int i = (int) idx[k];
            if (r.ids[i] == UNMAPPED) {
                throw new IllegalArgumentException("page " + i + " of region '" + w.region() + "' is not mapped");
            }
            long id = ids[k];
            kernel.writePage(p.pid, r.start + (long) i * PAGE_SIZE, (store, frame) -> fill(store, frame, seed, id));
            r.ids[i] = id;
            r.patches[i] = 0;
        }
    }

    /** The content ids of {@code count} pages written with {@code c}. */
    private long[] ids(Content c, long count, Origin origin) {
        long[] out = new long[(int) count];
        switch (c) {
            case Content.Zero z -> Arrays.fill(out, Content.ZERO_ID);
            case Content.Distinct d -> {
                for (int i = 0; i < out.length; i++) out[i] = d.base() + i % d.distinct();
            }
            case Content.Sequence s -> {
                for (int i = 0; i < out.length; i++) out[i] = s.first() + i;
            }
            case Content.Unique u -> {
                for (int i = 0; i < out.length; i++) out[i] = nextUniqueId++;
            }
            case Content.SameAs s -> {
                Region src = region(proc(s.process()), s.region());
                if (s.first() + count > src.pages()) {
                    throw new IllegalArgumentException(origin + ": same_as " + s.process() + "/" + s.region() + " from page " + s.first()
                            + ": that region has " + src.pages() + " pages, " + count + " needed");
                }
                for (int i = 0; i < out.length; i++) {
                    long id = src.ids[(int) (s.first() + i)];
                    out[i] = id == UNMAPPED ? Content.ZERO_ID : id;
                }
            }
        }
        return out;
    }

    private void phase(String name) {
        Map<String, Long> counters = kernel.counters();
        Map<String, Map<String, Long>> perProcess = new LinkedHashMap<>();
        Map<String, Object> details = new LinkedHashMap<>();
        kernel.merger().finalDetails(details);
        Object stats = details.get("ksm_stat");
        procs.forEach((pname, p) -> {
            Map<String, Long> m = new LinkedHashMap<>();
            m.put("pid", (long) p.pid);
            m.put("vmas", (long) kernel.process(p.pid).vmaCount());
            if (stats instanceof Map<?, ?> byPid && byPid.get(String.valueOf(p.pid)) instanceof Map<?, ?> st) {
                st.forEach((k, v) -> {
                    if (v instanceof Number num) m.put(String.valueOf(k), num.longValue());
                });
            }
            perProcess.put(pname, m);
        });
        verifyReads();
        phases.add(new PhaseRecord(name, kernel.nowNanos() / 1_000_000, counters, perProcess));
    }

    private void expect(Step.Expect ex) {
        Map<String, Long> counters = kernel.counters();
        for (Map.Entry<String, Long> e : ex.values().entrySet()) {
            Long actual = counter(counters, e.getKey());
            if (actual == null || actual.longValue() != e.getValue()) {
                failures.add(new ExpectFailure(ex.origin(), e.getKey(), e.getValue(), actual));
            }
        }
    }

    /** A global counter, or {@code NAME.PROCESS} for a process's own (vmas, ksm_stat fields). */
    private Long counter(Map<String, Long> global, String key) {
        int dot = key.lastIndexOf('.');
        if (dot < 0) {
            return global.get(key);
        }
        String what = key.substring(0, dot);
        Proc p = procs.get(key.substring(dot + 1));
        if (p == null) {
            return null;
        }
        if (what.equals("vmas")) {
            return (long) kernel.process(p.pid).vmaCount();
        }
        Map<String, Object> details = new LinkedHashMap<>();
        kernel.merger().finalDetails(details);
        if (details.get("ksm_stat") instanceof Map<?, ?> byPid && byPid.get(String.valueOf(p.pid)) instanceof Map<?, ?> st
                && st.get(what) instanceof Number n) {
            return n.longValue();
        }
        return null;
    }

    /**
     * Reads every mapped page of every region back and compares it with what the scenario put
     * there; a difference is a broken invariant (merging changed what a process reads).
     */
    private void verifyReads() {
        long seed = scenario.seed();
        for (Map.Entry<String, Proc> pe : procs.entrySet()) {
            Proc p = pe.getValue();
            for (Map.Entry<String, Region> re : p.regions.entrySet()) {
                Region r = re.getValue();
                for (int i = 0; i < r.ids.length; i++) {
                    long id = r.ids[i];
                    if (id == UNMAPPED) continue;
                    long addr = r.start + (long) i * PAGE_SIZE;
                    int frame = kernel.frameAt(p.pid, addr);
                    if (frame < 0) {
                        // never faulted in: reads as zeros (anonymous) or the file's page, which the region records
                        if (id != Content.ZERO_ID && kernel.process(p.pid).findVma(addr).file() == null) {
                            throw new IllegalStateException("process '" + pe.getKey() + "' region '" + re.getKey() + "' page " + i + " lost its contents");
                        }
                        pagesVerified++;
                        continue;
                    }
                    for (int j : new int[] {0, 1, PATCH_OFFSET / 8, 511}) {
                        long expected = word(seed, id, r.patches[i], j);
                        long got = kernel.store().readLong(frame, j * 8);
                        if (got != expected) {
                            throw new IllegalStateException("process '" + pe.getKey() + "' region '" + re.getKey() + "' page " + i
                                    + " word " + j + " reads 0x" + Long.toHexString(got) + ", expected 0x" + Long.toHexString(expected)
                                    + ": merging changed what a process reads");
                        }
                    }
                    pagesVerified++;
                }
            }
        }
    }

    /** Fills a frame with content {@code id} (zeros for {@link Content#ZERO_ID}). */
    static void fill(PageStore store, int frame, long seed, long id) {
        if (id == Content.ZERO_ID) {
            store.segment(frame).fill((byte) 0);
        } else {
            PageContents.fill(store, frame, PageContents.key(seed, id));
        }
    }

    /** Word {@code j} of a page holding content {@code id} with {@code patch} (0: none) at {@link #PATCH_OFFSET}. */
    private static long word(long seed, long id, long patch, int j) {
        if (patch != 0 && j * 8 == PATCH_OFFSET) {
            return patch;
        }
        return id == Content.ZERO_ID ? 0 : PageContents.word(PageContents.key(seed, id), j);
    }

    /** The 8 bytes a patch writes into page {@code i} of a region: the same in every process. */
    public static long patchWord(long seed, long i) {
        return PageContents.mix64(seed ^ (0xC0DEL << 32) ^ i);
    }

    private Proc proc(String name) {
        Proc p = procs.get(name);
        if (p == null) {
            throw new IllegalArgumentException("no process '" + name + "' (processes now: " + String.join(", ", procs.keySet()) + ")");
        }
        return p;
    }

    private static Region region(Proc p, String name) {
        Region r = p.regions.get(name);
        if (r == null) {
            throw new IllegalArgumentException("no region '" + name + "' (regions: " + String.join(", ", p.regions.keySet()) + ")");
        }
        return r;
    }

    private static String describe(Step s) {
        String n = s.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
        return n;
    }
}
