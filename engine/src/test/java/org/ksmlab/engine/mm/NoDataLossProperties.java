package org.ksmlab.engine.mm;

import static org.ksmlab.engine.memory.PageStore.PAGE_SIZE;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.ksmlab.engine.sim.Algorithms;
import org.ksmlab.engine.sim.AlgorithmDefinition;
import org.ksmlab.engine.mm.Daemon;

/**
 * The property that may never break: nothing the kernel model or a merger does changes what a
 * process reads. Random sequences of writes, reads, forks, exits, execs, mmaps, munmaps, mremaps,
 * DONTNEED, MERGEABLE/UNMERGEABLE, MADV_MERGE, prctl and merger runs execute against the model
 * and against a shadow that never shares anything (a private copy of every page per process);
 * every read must match, and frame accounting is checked after every operation.
 *
 * <p>Each try derives its operations from one seed (printed on failure with the trace), so a
 * failure replays exactly. 1000 tries x 1000 operations = 1,000,000 operations per run, spread
 * over every registered algorithm.
 */
class NoDataLossProperties {
    static final int OPS_PER_TRY = 1000;
    static final int PAGES_PER_REGION = 8;
    static final int MAX_PROCS = 4;
    static final int MAX_REGIONS = 3;
    /** Few distinct patterns, so identical pages (merge candidates) are common. */
    static final long[] PATTERNS = {0L, 0x1111111111111111L, 0x2222222222222222L, 0xdeadbeefcafef00dL};

    @Provide
    Arbitrary<String> algorithms() {
        return Arbitraries.of(Algorithms.all().stream().map(AlgorithmDefinition::name).toList());
    }

    @Property(tries = 1000)
    void readsNeverChangeUnderAnySequenceOfOperations(@ForAll long seed, @ForAll("algorithms") String algo) {
        new Run(seed, algo).execute();
    }

    /**
     * The property is only as strong as the merging it provokes: under ksm, most runs must
     * actually merge pages (pages_sharing or ksm_zero_pages above zero at some point).
     */
    @net.jqwik.api.Example
    void operationSequencesReallyMergePagesUnderKsm() {
        int merged = 0;
        for (long seed = 0; seed < 40; seed++) {
            Run r = new Run(seed, "ksm");
            r.execute();
            if (r.maxMerged > 0) merged++;
        }
        org.junit.jupiter.api.Assertions.assertTrue(merged >= 20, "only " + merged + " of 40 runs merged anything");
    }

    /** A region of one process: its base address and its shadow pages. */
    private static final class Region {
        long base;
        long[][] pages = new long[PAGES_PER_REGION][];

        Region copy() {
            Region r = new Region();
            r.base = base;
            for (int i = 0; i < PAGES_PER_REGION; i++) {
                r.pages[i] = pages[i] == null ? null : pages[i].clone();
            }
            return r;
        }

        long[] page(int i) {
            if (pages[i] == null) {
                pages[i] = new long[PAGE_SIZE / 8];
            }
            return pages[i];
        }
    }

    /** One try: a seeded operation sequence against the model and the shadow. */
    static final class Run {
        final long seed;
        final String algo;
        final SplittableRandom rng;
        final Kernel kernel;
        /** When not null, the kernel's counters after every operation are added here. */
        List<Map<String, Long>> countersAfterEachOp;
        final Map<Integer, List<Region>> shadow = new HashMap<>();
        final List<String> trace = new ArrayList<>();
        long nextFixedAddr = 0x5000_0000_0000L;
        /** Most merged mappings seen after a daemon run (pages_sharing + ksm_zero_pages). */
        long maxMerged;

        Run(long seed, String algo) {
            this(seed, algo, org.ksmlab.engine.memory.PageMode.BYTE);
        }

        Run(long seed, String algo, org.ksmlab.engine.memory.PageMode pageMode) {
            this.seed = seed;
            this.algo = algo;
            this.rng = new SplittableRandom(seed);
            this.kernel = new Kernel(Algorithms.create(algo, settingsFor(algo, rng)), KernelConfig.DEFAULTS, pageMode);
        }

        /** Knob variety for the mergers that have knobs, drawn from the run's seed. */
        static Map<String, String> settingsFor(String algo, SplittableRandom rng) {
            if (!algo.equals("ksm")) {
                return Map.of();
            }
            Map<String, String> m = new java.util.LinkedHashMap<>();
            m.put("use_zero_pages", Integer.toString(rng.nextInt(2)));
            m.put("max_page_sharing", rng.nextBoolean() ? "2" : "256");
            m.put("smart_scan", Integer.toString(rng.nextInt(2)));
            m.put("pages_to_scan", Integer.toString(1 + rng.nextInt(64)));
            return m;
        }

        void execute() {
            try (kernel) {
                int pid = kernel.spawn();
                shadow.put(pid, new ArrayList<>());
                mmapRegion(pid);
                for (int op = 0; op < OPS_PER_TRY; op++) {
                    step();
                    kernel.checkInvariants();
                    if (countersAfterEachOp != null) {
                        countersAfterEachOp.add(kernel.counters());
                    }
                }
                for (int p : shadow.keySet()) {
                    for (Region r : shadow.get(p)) {
                        for (int i = 0; i < PAGES_PER_REGION; i++) {
                            for (int w = 0; w < PAGE_SIZE / 8; w++) {
                                checkRead(p, r, i, w);
                            }
                        }
                    }
                }
            } catch (AssertionError | RuntimeException e) {
                StringBuilder maps = new StringBuilder();
                for (Process p : kernel.processes()) {
                    maps.append("\n  ").append(p).append(": ").append(p.vmas());
                }
                throw new AssertionError("seed " + seed + " algo " + algo + ", address spaces:" + maps + "\nfailed after ops:\n  "
                        + String.join("\n  ", trace.subList(Math.max(0, trace.size() - 40), trace.size())), e);
            }
        }

        void step() {
            List<Integer> pids = new ArrayList<>(shadow.keySet());
            pids.sort(null);
            int pid = pids.get(rng.nextInt(pids.size()));
            List<Region> regions = shadow.get(pid);
            int kind = rng.nextInt(100);
            if (regions.isEmpty()) {
                mmapRegion(pid);
                return;
            }
            Region r = regions.get(rng.nextInt(regions.size()));
            int page = rng.nextInt(PAGES_PER_REGION);
            long addr = r.base + (long) page * PAGE_SIZE;
            if (kind < 25) { // write one word
                int w = new int[] {0, 1, 511}[rng.nextInt(3)];
                long v = PATTERNS[rng.nextInt(PATTERNS.length)] ^ rng.nextInt(3);
                trace.add("pid " + pid + " write 0x" + Long.toHexString(addr + w * 8L) + " = " + v);
                kernel.writeLong(pid, addr + w * 8L, v);
                r.page(page)[w] = v;
            } else if (kind < 45) { // fill a whole page with a pattern
                long v = PATTERNS[rng.nextInt(PATTERNS.length)];
                trace.add("pid " + pid + " fill 0x" + Long.toHexString(addr) + " with " + Long.toHexString(v));
                kernel.writePage(pid, addr, (store, frame) -> store.fillLong(frame, v));
                java.util.Arrays.fill(r.page(page), v);
            } else if (kind < 62) { // read
                int w = rng.nextInt(PAGE_SIZE / 8);
                trace.add("pid " + pid + " read 0x" + Long.toHexString(addr + w * 8L));
                checkRead(pid, r, page, w);
            } else if (kind < 66) {
                if (shadow.size() < MAX_PROCS) {
                    int child = kernel.fork(pid);
                    trace.add("pid " + pid + " fork -> " + child);
                    List<Region> copy = new ArrayList<>();
                    for (Region x : regions) copy.add(x.copy());
                    shadow.put(child, copy);
                }
            } else if (kind < 68) {
                if (shadow.size() > 1) {
                    trace.add("pid " + pid + " exit");
                    kernel.exit(pid);
                    shadow.remove(pid);
                }
            } else if (kind < 70) {
                trace.add("pid " + pid + " munmap region 0x" + Long.toHexString(r.base));
                kernel.munmap(pid, r.base, (long) PAGES_PER_REGION * PAGE_SIZE);
                regions.remove(r);
            } else if (kind < 72) {
                if (regions.size() < MAX_REGIONS) mmapRegion(pid);
            } else if (kind < 74) {
                long to = nextFixedAddr;
                nextFixedAddr += 0x100000;
                trace.add("pid " + pid + " mremap 0x" + Long.toHexString(r.base) + " -> 0x" + Long.toHexString(to));
                try {
                    kernel.mremap(pid, r.base, (long) PAGES_PER_REGION * PAGE_SIZE, (long) PAGES_PER_REGION * PAGE_SIZE,
                            VmFlags.MREMAP_MAYMOVE | VmFlags.MREMAP_FIXED, to);
                    r.base = to;
                } catch (SyscallException e) {
                    // The kernel refuses to move a range that spans several VMAs (madvise split it).
                    if (e.errno() != Errno.EFAULT || kernel.process(pid).findVma(r.base).end() >= r.base + (long) PAGES_PER_REGION * PAGE_SIZE) {
                        throw e;
                    }
                    trace.add("  -> EFAULT (range spans several VMAs)");
                }
            } else if (kind < 78) {
                int n = 1 + rng.nextInt(PAGES_PER_REGION - page);
                trace.add("pid " + pid + " DONTNEED 0x" + Long.toHexString(addr) + " +" + n);
                kernel.madvise(pid, addr, (long) n * PAGE_SIZE, VmFlags.MADV_DONTNEED);
                for (int i = page; i < page + n; i++) r.pages[i] = null;
            } else if (kind < 84) {
                int n = 1 + rng.nextInt(PAGES_PER_REGION - page);
                int advice = rng.nextInt(4) == 0 ? VmFlags.MADV_UNMERGEABLE : VmFlags.MADV_MERGEABLE;
                trace.add("pid " + pid + " madvise " + advice + " 0x" + Long.toHexString(addr) + " +" + n);
                kernel.madvise(pid, addr, (long) n * PAGE_SIZE, advice);
            } else if (kind < 88) {
                int n = 1 + rng.nextInt(PAGES_PER_REGION - page);
                trace.add("pid " + pid + " MADV_MERGE 0x" + Long.toHexString(addr) + " +" + n);
                kernel.madvise(pid, addr, (long) n * PAGE_SIZE, VmFlags.MADV_MERGE);
            } else if (kind < 90) {
                long on = rng.nextInt(2);
                trace.add("pid " + pid + " prctl MERGE_ANY " + on);
                kernel.prctl(pid, VmFlags.PR_SET_MEMORY_MERGE, on);
            } else if (kind < 92) {
                trace.add("pid " + pid + " exec");
                kernel.exec(pid);
                shadow.put(pid, new ArrayList<>());
            } else if (kernel.merger() instanceof Daemon d) { // let the daemon (ksmd) run a while
                int wakes = 1 + rng.nextInt(8);
                trace.add("daemon x" + wakes);
                for (int i = 0; i < wakes; i++) {
                    long t = d.nextWakeNanos();
                    if (t == Long.MAX_VALUE) break;
                    kernel.advanceTo(Math.max(t, kernel.nowNanos()));
                    d.wake(kernel);
                }
                Map<String, Long> c = kernel.counters();
                maxMerged = Math.max(maxMerged, c.getOrDefault("pages_sharing", 0L) + c.getOrDefault("ksm_zero_pages", 0L));
            }
        }

        void mmapRegion(int pid) {
            Region r = new Region();
            r.base = kernel.mmapAnonymous(pid, (long) PAGES_PER_REGION * PAGE_SIZE);
            trace.add("pid " + pid + " mmap -> 0x" + Long.toHexString(r.base));
            shadow.get(pid).add(r);
        }

        void checkRead(int pid, Region r, int page, int word) {
            long expected = r.pages[page] == null ? 0 : r.pages[page][word];
            long got = kernel.readLong(pid, r.base + (long) page * PAGE_SIZE + word * 8L);
            if (got != expected) {
                throw new AssertionError("pid " + pid + " read 0x" + Long.toHexString(r.base + (long) page * PAGE_SIZE + word * 8L)
                        + ": expected " + expected + " but got " + got);
            }
        }
    }
}
