package org.ksmlab.engine.scenario;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ksmlab.engine.mm.SyscallException;
import org.ksmlab.engine.workload.PageContents;

/**
 * Runs a {@link Scenario} on a {@link Machine}: the model or the live kernel. This class keeps
 * what is the same on both sides: process and region names, where each region is, what every
 * page should hold (a content id, {@link Content#ZERO_ID}, or {@link #UNMAPPED}, plus the
 * 8-byte patch if any), phases and expectations. The machine only makes the calls.
 *
 * <p>At every phase every mapped page of every region is read back and compared with what the
 * scenario put there: merging must never change what a process reads, and every scenario run,
 * on either side, checks it on its own pages.
 */
public final class ScenarioRun {
    /** A page that is not mapped any more (munmap, moved away, shrunk). */
    static final long UNMAPPED = -2;
    /** Where a patch's 8 bytes go in a page (the code-patching workload's offset). */
    public static final int PATCH_OFFSET = 0x800;
    private static final long PAGE = 4096;

    /** One named phase: when, every global counter, each process's, and each region's. */
    public record PhaseRecord(String name, long ms, Map<String, Long> counters, Map<String, Map<String, Long>> processes,
                              Map<String, Map<String, Long>> regions) {
    }

    /** A failed expectation: where it was written, what it expected, what the run had. */
    public record ExpectFailure(Origin origin, String what, String expected, String actual) {
        @Override
        public String toString() {
            return origin + ": expected " + what + " = " + expected + ", got " + actual;
        }
    }

    /** What a run produced. */
    public record Result(List<PhaseRecord> phases, List<ExpectFailure> failures, long pagesVerified) {
    }

    /** One region of one process: where it is, and what each page should read as. */
    private static final class Region {
        long start;
        long[] ids;
        long[] patches;

        Region(long start, long pages) {
            this.start = start;
            this.ids = new long[Math.toIntExact(pages)];
            this.patches = new long[ids.length];
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
            ids = Arrays.copyOf(ids, Math.toIntExact(pages));
            patches = Arrays.copyOf(patches, ids.length);
            if (ids.length > old) {
                Arrays.fill(ids, old, ids.length, Content.ZERO_ID);
            }
        }

        long addr(long page) {
            return start + page * PAGE;
        }
    }

    /** A named process of the scenario and its regions. */
    private static final class Proc {
        final int pid;
        final Map<String, Region> regions = new LinkedHashMap<>();

        Proc(int pid) {
            this.pid = pid;
        }
    }

    private final Scenario scenario;
    private final String variant;
    private final Machine machine;
    private final Map<String, Proc> procs = new LinkedHashMap<>();
    private final Map<String, long[]> fileIds = new LinkedHashMap<>();
    private final List<PhaseRecord> phases = new ArrayList<>();
    private final List<ExpectFailure> failures = new ArrayList<>();
    /** Calls that failed with the errno their step allows, by process name. */
    private final Map<String, Long> failedCalls = new LinkedHashMap<>();
    private long nextUniqueId;
    private long pagesVerified;

    /** Runs {@code scenario}'s variant {@code variant} (null: none; the machine already has its knobs) on {@code machine}. */
    public ScenarioRun(Scenario scenario, String variant, Machine machine) {
        this.scenario = scenario;
        this.variant = variant;
        this.machine = machine;
        this.nextUniqueId = scenario.uniqueIdsFrom();
        for (Scenario.FileSpec f : scenario.files().values()) {
            fileIds.put(f.name(), fileContentIds(f));
        }
    }

    /** The content id of each page of a declared file (zero, distinct or a run of ids), for machines that build files. */
    public static long[] fileContentIds(Scenario.FileSpec f) {
        long[] out = new long[Math.toIntExact(f.pages())];
        switch (f.content()) {
            case Content.Zero z -> Arrays.fill(out, Content.ZERO_ID);
            case Content.Distinct d -> {
                for (int i = 0; i < out.length; i++) out[i] = d.base() + i % d.distinct();
            }
            case Content.Sequence q -> {
                for (int i = 0; i < out.length; i++) out[i] = q.first() + i;
            }
            default -> throw new IllegalArgumentException("file '" + f.name() + "': content must be zero, distinct or ids");
        }
        return out;
    }

    /** Runs every step in order; a step that fails unexpectedly is an error naming its origin. */
    public Result run() {
        for (Step s : scenario.steps()) {
            step(s);
        }
        return new Result(List.copyOf(phases), List.copyOf(failures), pagesVerified);
    }

    private void step(Step s) {
        String errno = s instanceof Step.Syscall sc ? sc.errno() : null;
        try {
            apply(s);
        } catch (SyscallException e) {
            if (errno != null && e.errno().name().equals(errno)) {
                failedCalls.merge(((Step.Syscall) s).process(), 1L, Long::sum); // failed as the scenario allows
                return;
            }
            throw new IllegalArgumentException(s.origin() + ": " + name(s) + " failed: " + e.getMessage(), e);
        } catch (IllegalArgumentException | IllegalStateException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(s.origin().toString())) throw e;
            throw new IllegalArgumentException(s.origin() + ": " + name(s) + ": " + e.getMessage(), e);
        }
    }

    private void apply(Step s) {
        switch (s) {
            case Step.Spawn sp -> {
                Proc p = newProc(sp.process(), machine.spawn());
                int domain = scenario.domainOf(sp.process());
                if (domain >= 0) {
                    machine.setDomain(p.pid, domain);
                }
            }
            case Step.Mmap m -> mmap(m);
            case Step.Munmap m -> {
                Proc p = proc(m.process());
                Region r = region(p, m.region());
                PageRange range = m.range().within(r.pages(), m.region());
                machine.munmap(p.pid, r.addr(range.first()), range.count() * PAGE);
                Arrays.fill(r.ids, (int) range.first(), (int) range.last() + 1, UNMAPPED);
            }
            case Step.Mremap m -> mremap(m);
            case Step.Brk b -> brk(b);
            case Step.Mprotect m -> {
                Proc p = proc(m.process());
                Region r = region(p, m.region());
                PageRange range = m.range().within(r.pages(), m.region());
                machine.mprotect(p.pid, r.addr(range.first()), range.count() * PAGE, m.prot());
            }
            case Step.Write w -> write(w);
            case Step.Patch pt -> {
                Proc p = proc(pt.process());
                Region r = region(p, pt.region());
                long[] idx = mapped(r, pt.pages().indices(r.pages(), pt.region()), pt.region());
                long[] addrs = new long[idx.length];
                long[] words = new long[idx.length];
                for (int k = 0; k < idx.length; k++) {
                    addrs[k] = r.addr(idx[k]);
                    words[k] = patchWord(scenario.seed(), idx[k]);
                }
                machine.patch(p.pid, addrs, words);
                for (int k = 0; k < idx.length; k++) r.patches[(int) idx[k]] = words[k];
            }
            case Step.Read rd -> {
                Proc p = proc(rd.process());
                Region r = region(p, rd.region());
                long[] idx = mapped(r, rd.pages().indices(r.pages(), rd.region()), rd.region());
                machine.read(p.pid, Arrays.stream(idx).map(r::addr).toArray());
            }
            case Step.Madvise m -> {
                Proc p = proc(m.process());
                Region r = region(p, m.region());
                PageRange range = m.range().within(r.pages(), m.region());
                machine.madvise(p.pid, r.addr(range.first()), range.count() * PAGE, m.advice());
                if (m.advice() == Step.Advice.DONTNEED) {
                    dropped(p, m.region(), r, range);
                }
            }
            case Step.ProcessMadvise m -> {
                Proc caller = proc(m.process());
                Proc target = proc(m.target());
                Region r = region(target, m.region());
                PageRange range = m.range().within(r.pages(), m.region());
                machine.processMadvise(caller.pid, target.pid, r.addr(range.first()), range.count() * PAGE, m.advice());
                if (m.advice() == Step.Advice.DONTNEED) {
                    dropped(target, m.region(), r, range);
                }
            }
            case Step.Prctl pr -> machine.prctlMergeAny(proc(pr.process()).pid, pr.mergeAny());
            case Step.KsmEnabled k -> machine.ksmEnabled(proc(k.process()).pid, k.mode());
            case Step.CloneRange c -> {
                Proc p = proc(c.process());
                if (p.regions.containsKey(c.to())) throw new IllegalArgumentException("region '" + c.to() + "' exists already");
                Proc src = proc(c.source());
                Region from = region(src, c.from());
                PageRange range = c.range().within(from.pages(), c.from());
                long start = machine.cloneRange(p.pid, src.pid, from.addr(range.first()), range.count() * PAGE);
                Region r = new Region(start, range.count());
                System.arraycopy(from.ids, (int) range.first(), r.ids, 0, r.ids.length);
                System.arraycopy(from.patches, (int) range.first(), r.patches, 0, r.ids.length);
                p.regions.put(c.to(), r);
            }
            case Step.Fork f -> {
                Proc parent = proc(f.process());
                Proc child = newProc(f.child(), machine.fork(parent.pid));
                parent.regions.forEach((name, r) -> child.regions.put(name, r.copy()));
            }
            case Step.Exec e -> {
                Proc p = proc(e.process());
                machine.exec(p.pid);
                p.regions.clear();
            }
            case Step.Exit e -> {
                machine.exit(proc(e.process()).pid);
                procs.remove(e.process());
            }
            case Step.Knob k -> machine.writeKnobs(k.values());
            case Step.Wait w -> {
                switch (w.kind()) {
                    case MS -> machine.runForMs(w.amount());
                    case FULL_SCANS -> machine.runFullScans(w.amount());
                    case STABLE -> machine.runUntilStable();
                }
            }
            case Step.Phase ph -> phase(ph.name());
            case Step.Expect ex -> expect(ex);
            case Step.Every ev -> {
                List<Step> body = ev.steps();
                machine.every(ev.periodMs(), () -> body.forEach(this::step));
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
        long[] file = null;
        if (m.file() != null) {
            file = fileIds.get(m.file());
            if (file == null) {
                throw new IllegalArgumentException("no file '" + m.file() + "' (files: " + String.join(", ", fileIds.keySet()) + ")");
            }
        }
        long addr = m.place() == null ? 0 : placed(p, m.place(), m.pages());
        long start = machine.mmap(p.pid, addr, m.pages() * PAGE, m.prot(), m.shared(), m.file(), m.filePage());
        if (m.place() != null && start != addr) {
            machine.munmap(p.pid, start, m.pages() * PAGE);
            throw new SyscallException(org.ksmlab.engine.mm.Errno.EEXIST, "the space " + m.place().where().name().toLowerCase(java.util.Locale.ROOT)
                    + " region '" + m.place().region() + "' is taken (as MAP_FIXED_NOREPLACE)");
        }
        Region r = new Region(start, m.pages());
        if (file != null && !m.shared()) {
            for (int i = 0; i < r.ids.length; i++) {
                long fp = m.filePage() + i;
                r.ids[i] = fp < file.length ? file[(int) fp] : Content.ZERO_ID;
            }
        }
        p.regions.put(m.region(), r);
    }

    /** The start of {@code pages} pages placed right after, or right before, a region. */
    private static long placed(Proc p, Step.Placement place, long pages) {
        Region r = region(p, place.region());
        return switch (place.where()) {
            case AFTER -> r.addr(r.pages());
            case BEFORE -> r.start - pages * PAGE;
            case AT -> r.start;
        };
    }

    /** After DONTNEED: anonymous pages read as zeros; a private file page as the file's page again. */
    private void dropped(Proc p, String name, Region r, PageRange range) {
        for (long i = range.first(); i <= range.last(); i++) {
            r.ids[(int) i] = Content.ZERO_ID;
            r.patches[(int) i] = 0;
        }
        // A region mapped from a file is recorded by its mmap step; find it to restore file contents.
        for (Step s : scenario.steps()) {
            if (s instanceof Step.Mmap m && m.region().equals(name) && m.file() != null && !m.shared()) {
                long[] file = fileIds.get(m.file());
                for (long i = range.first(); i <= range.last(); i++) {
                    long fp = m.filePage() + i;
                    r.ids[(int) i] = fp < file.length ? file[(int) fp] : Content.ZERO_ID;
                }
                return;
            }
        }
    }

    private void mremap(Step.Mremap m) {
        Proc p = proc(m.process());
        Region r = region(p, m.region());
        PageRange range = m.range().within(r.pages(), m.region());
        long oldAddr = r.addr(range.first());
        long newPages = m.newPages() > 0 ? m.newPages() : range.count();
        if (m.to() == null) {
            if (range.last() != r.pages() - 1) {
                throw new IllegalArgumentException("an in-place mremap (no 'to') resizes the end of a region; pages " + range + " do not end it");
            }
            long got = machine.mremap(p.pid, oldAddr, range.count() * PAGE, newPages * PAGE, false, 0);
            if (got != oldAddr) {
                throw new IllegalStateException("in-place mremap moved the region");
            }
            r.resize(range.first() + newPages);
            return;
        }
        if (p.regions.containsKey(m.to())) {
            throw new IllegalArgumentException("region '" + m.to() + "' exists already");
        }
        long dest = m.place() == null ? 0 : placed(p, m.place(), newPages);
        long got = machine.mremap(p.pid, oldAddr, range.count() * PAGE, newPages * PAGE, true, dest);
        if (got == oldAddr) {
            throw new IllegalArgumentException("mremap did not move the range: with MREMAP_MAYMOVE alone the kernel moves only what cannot "
                    + "grow in place; give 'after', 'before' or 'at' to move it (MREMAP_FIXED)");
        }
        if (m.place() != null && m.place().where() == Step.Where.AT) {
            // MREMAP_FIXED replaced whatever was mapped there
            Region over = region(p, m.place().region());
            for (int i = 0; i < over.ids.length && i < newPages; i++) over.ids[i] = UNMAPPED;
        }
        Region moved = new Region(got, newPages);
        int n = (int) Math.min(newPages, range.count());
        System.arraycopy(r.ids, (int) range.first(), moved.ids, 0, n);
        System.arraycopy(r.patches, (int) range.first(), moved.patches, 0, n);
        Arrays.fill(r.ids, (int) range.first(), (int) range.last() + 1, UNMAPPED);
        p.regions.put(m.to(), moved);
    }

    /** brk: the heap is region {@code heap}; the first brk creates it at the current break. */
    private void brk(Step.Brk b) {
        Proc p = proc(b.process());
        Region heap = p.regions.get("heap");
        if (heap == null) {
            if (b.pages() <= 0) {
                throw new IllegalArgumentException("the first brk must grow the heap (pages > 0)");
            }
            long start = machine.brk(p.pid, 0);
            long end = machine.brk(p.pid, start + b.pages() * PAGE);
            if (end != start + b.pages() * PAGE) {
                throw new SyscallException(org.ksmlab.engine.mm.Errno.ENOMEM, "brk could not grow the heap by " + b.pages() + " pages");
            }
            p.regions.put("heap", new Region(start, b.pages()));
            return;
        }
        long newPages = heap.pages() + b.pages();
        if (newPages < 0) {
            throw new IllegalArgumentException("brk would shrink the heap below its start (" + heap.pages() + " pages, " + b.pages() + ")");
        }
        long end = machine.brk(p.pid, heap.addr(newPages));
        if (end != heap.addr(newPages)) {
            throw new SyscallException(org.ksmlab.engine.mm.Errno.ENOMEM, "brk could not move the break by " + b.pages() + " pages");
        }
        heap.resize(newPages);
    }

    private void write(Step.Write w) {
        Proc p = proc(w.process());
        Region r = region(p, w.region());
        long[] idx = mapped(r, w.pages().indices(r.pages(), w.region()), w.region());
        long[] ids = ids(w.content(), idx.length, w.origin());
        long[] addrs = new long[idx.length];
        for (int k = 0; k < idx.length; k++) addrs[k] = r.addr(idx[k]);
        machine.write(p.pid, addrs, ids);
        for (int k = 0; k < idx.length; k++) {
            r.ids[(int) idx[k]] = ids[k];
            r.patches[(int) idx[k]] = 0;
        }
    }

    private static long[] mapped(Region r, long[] idx, String name) {
        for (long i : idx) {
            if (r.ids[(int) i] == UNMAPPED) {
                throw new IllegalArgumentException("page " + i + " of region '" + name + "' is not mapped");
            }
        }
        return idx;
    }

    /** The content ids of {@code count} pages written with {@code c}. */
    private long[] ids(Content c, long count, Origin origin) {
        long[] out = new long[Math.toIntExact(count)];
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
            case Content.Listed l -> {
                if (l.ids().length != count) {
                    throw new IllegalArgumentException(origin + ": " + l.source() + " lists " + l.ids().length + " pages, the write covers " + count);
                }
                System.arraycopy(l.ids(), 0, out, 0, out.length);
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
        Map<String, Map<String, Long>> perProcess = new LinkedHashMap<>();
        Map<String, Map<String, Long>> perRegion = new LinkedHashMap<>();
        procs.forEach((pname, p) -> {
            Map<String, Long> pc = new LinkedHashMap<>(machine.processCounters(p.pid));
            pc.put("failed_calls", failedCalls.getOrDefault(pname, 0L));
            perProcess.put(pname, pc);
            p.regions.forEach((rname, r) -> {
                if (Arrays.stream(r.ids).anyMatch(id -> id != UNMAPPED)) { // a region wholly unmapped has nothing to show
                    perRegion.put(pname + "." + rname, machine.regionCounters(p.pid, r.start, r.pages() * PAGE));
                }
            });
        });
        verifyReads();
        Map<String, Long> global = new LinkedHashMap<>(machine.counters());
        global.put("failed_calls", failedCalls.values().stream().mapToLong(Long::longValue).sum());
        phases.add(new PhaseRecord(name, machine.nowMs(), global, perProcess, perRegion));
    }

    private void expect(Step.Expect ex) {
        if (ex.variant() != null && !ex.variant().equals(variant)) {
            return;
        }
        Map<String, Long> global = machine.counters();
        for (Map.Entry<String, Long> e : ex.values().entrySet()) {
            Long actual = counter(global, e.getKey());
            if (actual == null || actual.longValue() != e.getValue()) {
                failures.add(new ExpectFailure(ex.origin(), e.getKey(), String.valueOf(e.getValue()),
                        actual == null ? "no such counter" : String.valueOf(actual)));
            }
        }
    }

    /**
     * A counter by name: {@code NAME} (global), {@code NAME.PROCESS} (vmas, ksm_stat fields,
     * merge_any), or {@code NAME.PROCESS.REGION} (present_pages, distinct_frames, ksm_pages, zero_pages).
     */
    private Long counter(Map<String, Long> global, String key) {
        String[] parts = key.split("\\.");
        if (key.equals("failed_calls")) {
            return failedCalls.values().stream().mapToLong(Long::longValue).sum();
        }
        if (parts.length == 1) {
            return global.get(key);
        }
        Proc p = procs.get(parts[1]);
        if (p == null) {
            return null;
        }
        if (parts.length == 2 && parts[0].equals("failed_calls")) {
            return failedCalls.getOrDefault(parts[1], 0L);
        }
        if (parts.length == 2) {
            return machine.processCounters(p.pid).get(parts[0]);
        }
        Region r = p.regions.get(key.substring(parts[0].length() + parts[1].length() + 2));
        return r == null ? null : machine.regionCounters(p.pid, r.start, r.pages() * PAGE).get(parts[0]);
    }

    /**
     * Reads every mapped page back, on the machine, and compares it with what the scenario put
     * there; a difference is a broken invariant (merging changed what a process reads).
     */
    private void verifyReads() {
        for (Map.Entry<String, Proc> pe : procs.entrySet()) {
            Proc p = pe.getValue();
            for (Map.Entry<String, Region> re : p.regions.entrySet()) {
                Region r = re.getValue();
                int n = 0;
                for (long id : r.ids) if (id != UNMAPPED) n++;
                long[] addrs = new long[n];
                long[] ids = new long[n];
                long[] patches = new long[n];
                int k = 0;
                for (int i = 0; i < r.ids.length; i++) {
                    if (r.ids[i] == UNMAPPED) continue;
                    addrs[k] = r.addr(i);
                    ids[k] = r.ids[i];
                    patches[k++] = r.patches[i];
                }
                String problem = machine.verify(p.pid, addrs, ids, patches);
                if (problem != null) {
                    throw new IllegalStateException("process '" + pe.getKey() + "' region '" + re.getKey() + "': " + problem
                            + ": merging changed what a process reads");
                }
                pagesVerified += n;
            }
        }
    }

    /** Word {@code j} (0..511) of a page holding content {@code id} with {@code patch} (0: none) at {@link #PATCH_OFFSET}. */
    public static long word(long seed, long id, long patch, int j) {
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

    private static String name(Step s) {
        return s.getClass().getSimpleName().replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
    }
}
