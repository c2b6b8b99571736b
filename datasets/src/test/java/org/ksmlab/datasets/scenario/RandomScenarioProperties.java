package org.ksmlab.datasets.scenario;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Assertions;
import org.ksmlab.engine.scenario.Content;
import org.ksmlab.engine.scenario.Origin;
import org.ksmlab.engine.scenario.PageRange;
import org.ksmlab.engine.scenario.Pages;
import org.ksmlab.engine.scenario.Scenario;
import org.ksmlab.engine.scenario.ScenarioSimulation;
import org.ksmlab.engine.scenario.Step;
import org.ksmlab.engine.mm.VmFlags;
import org.ksmlab.engine.sim.AlgorithmDefinition;
import org.ksmlab.engine.sim.Algorithms;

/**
 * The no-data-loss property over random scenarios: random timelines of fork, exec, exit, mmap,
 * munmap, mremap (moves, growth, shrinking), mprotect, DONTNEED, MERGEABLE/UNMERGEABLE, SKSM's
 * MERGE, prctl, writes of shared, unique and zero contents and reads, interleaved with merging
 * (waits, knob writes), for every algorithm. Every phase reads every page of every region back
 * and compares it with what the timeline put there, and the model's frame-accounting invariant
 * check runs after every wait: a difference fails the run (ScenarioRun throws). Each try's
 * timeline comes from one seed, so a failure replays exactly.
 */
class RandomScenarioProperties {
    static final int STEPS = 80;
    static final Origin ORIGIN = new Origin("(random)", 0);

    @Provide
    Arbitrary<String> algorithms() {
        return Arbitraries.of(Algorithms.all().stream().map(AlgorithmDefinition::name).toList());
    }

    @Property(tries = 1000)
    void readsNeverChangeUnderAnyRandomScenario(@ForAll long seed, @ForAll("algorithms") String algo) {
        Scenario s = new Generator(seed, algo.equals("ksm")).scenario();
        ScenarioSimulation.Outcome o = ScenarioSimulation.run(s, null, algo, Map.of("pages_to_scan", "64").entrySet().stream()
                .filter(e -> algo.equals("ksm")).collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
        Assertions.assertTrue(o.result().pagesVerified() > 0, "the run verified no page");
    }

    /** A timeline that once ended with nothing mapped (found by the property above) now reads pages back. */
    @net.jqwik.api.Example
    void aTimelineThatUnmapsEverythingStillReadsItsLastRegionBack() {
        ScenarioSimulation.Outcome o = ScenarioSimulation.run(new Generator(-159030, false).scenario(), null, "none", Map.of());
        Assertions.assertTrue(o.result().pagesVerified() >= 4, "pages verified: " + o.result().pagesVerified());
    }

    /**
     * The property is only as strong as the merging it provokes: most random timelines must
     * really merge pages, under ksm (pages_sharing above zero at some phase) and under sksm.
     */
    @net.jqwik.api.Example
    void randomScenariosReallyMergePages() {
        for (String algo : List.of("ksm", "sksm")) {
            int merged = 0;
            for (long seed = 0; seed < 40; seed++) {
                ScenarioSimulation.Outcome o = ScenarioSimulation.run(new Generator(seed, algo.equals("ksm")).scenario(), null, algo, Map.of());
                boolean any = o.result().phases().stream().anyMatch(ph -> ph.counters().getOrDefault("pages_sharing", 0L) > 0
                        || ph.counters().getOrDefault("sksm_pages_sharing", 0L) > 0);
                if (any) merged++;
            }
            Assertions.assertTrue(merged >= 20, algo + ": only " + merged + " of 40 random scenarios merged anything");
        }
    }

    /** Builds a valid random timeline, tracking which processes and regions exist. */
    static final class Generator {
        private final SplittableRandom rnd;
        private final boolean ksm;
        private final List<Step> steps = new ArrayList<>();
        /** Live processes and, for each, its regions: which of their pages are mapped. */
        private final Map<String, Map<String, boolean[]>> procs = new LinkedHashMap<>();
        /** Regions (process/region) that may span several VMAs (a part advised or protected alone): mremap needs one. */
        private final java.util.Set<String> split = new java.util.HashSet<>();
        private int nextProc;
        private int nextRegion;

        Generator(long seed, boolean ksm) {
            this.rnd = new SplittableRandom(seed);
            this.ksm = ksm;
        }

        Scenario scenario() {
            spawn();
            spawn();
            for (int i = 0; i < STEPS; i++) {
                step();
            }
            // A timeline may have unmapped or exec'ed away everything it wrote (seed -159030 did):
            // one last written region keeps every run's final read-back non-empty.
            String p = anyProc();
            String r = "r" + nextRegion++;
            steps.add(new Step.Mmap(ORIGIN, p, r, 4, VmFlags.PROT_READ | VmFlags.PROT_WRITE, false, null, 0, null, null));
            steps.add(new Step.Write(ORIGIN, p, r, new Pages.Range(new PageRange(0, 3)), new Content.Distinct(2, 0)));
            steps.add(new Step.Wait(ORIGIN, Step.WaitKind.MS, 200));
            steps.add(new Step.Phase(ORIGIN, "end"));
            return new Scenario(Scenario.FORMAT_VERSION, "random", "", rnd.nextLong(), 1L << 40, List.of(), null,
                    Map.of(), Map.of(), Map.of(), steps, ORIGIN);
        }

        private String spawn() {
            String p = "p" + nextProc++;
            procs.put(p, new LinkedHashMap<>());
            steps.add(new Step.Spawn(ORIGIN, p));
            return p;
        }

        private String anyProc() {
            List<String> names = new ArrayList<>(procs.keySet());
            return names.get(rnd.nextInt(names.size()));
        }

        private static boolean[] all(long pages) {
            boolean[] m = new boolean[(int) pages];
            java.util.Arrays.fill(m, true);
            return m;
        }

        private void step() {
            String p = anyProc();
            Map<String, boolean[]> regions = procs.get(p);
            regions.values().removeIf(m -> !anyMapped(m));
            int roll = rnd.nextInt(100);
            if (regions.isEmpty() || roll < 10) {
                String r = "r" + nextRegion++;
                long pages = 4 + rnd.nextInt(12);
                steps.add(new Step.Mmap(ORIGIN, p, r, pages, VmFlags.PROT_READ | VmFlags.PROT_WRITE, false, null, 0, null, null));
                regions.put(r, all(pages));
                return;
            }
            String r = new ArrayList<>(regions.keySet()).get(rnd.nextInt(regions.size()));
            boolean[] mapped = regions.get(r);
            long pages = mapped.length;
            PageRange range = mappedRange(mapped);
            boolean whole = allMapped(mapped);
            if (roll < 40) {
                Content c = switch (rnd.nextInt(5)) {
                    case 0 -> new Content.Zero();
                    case 1 -> new Content.Unique();
                    case 2 -> new Content.SameAs(p, r, 0);
                    default -> new Content.Distinct(1 + rnd.nextInt(3), rnd.nextInt(4));
                };
                Pages sel = whole && rnd.nextInt(4) == 0 ? new Pages.Random(rnd.nextLong(), rnd.nextInt(3), 0.0, 0.5) : new Pages.Range(range);
                steps.add(new Step.Write(ORIGIN, p, r, sel, c));
            } else if (roll < 45) {
                steps.add(new Step.Read(ORIGIN, p, r, new Pages.Range(range)));
            } else if (roll < 60) {
                Step.Advice a = Step.Advice.values()[rnd.nextInt(4)];
                steps.add(new Step.Madvise(ORIGIN, p, r, range, a, null));
                if (a == Step.Advice.MERGEABLE || a == Step.Advice.UNMERGEABLE) split.add(p + "/" + r);
            } else if (roll < 64) {
                steps.add(new Step.Prctl(ORIGIN, p, rnd.nextBoolean(), null));
            } else if (roll < 68 && procs.size() < 5) {
                String child = "p" + nextProc++;
                steps.add(new Step.Fork(ORIGIN, p, child));
                Map<String, boolean[]> copy = new LinkedHashMap<>();
                regions.forEach((k, v) -> copy.put(k, v.clone()));
                procs.put(child, copy);
                regions.keySet().forEach(k -> {
                    if (split.contains(p + "/" + k)) split.add(child + "/" + k);
                });
            } else if (roll < 70) {
                steps.add(new Step.Exec(ORIGIN, p));
                regions.clear();
            } else if (roll < 72 && procs.size() > 1) {
                steps.add(new Step.Exit(ORIGIN, p));
                procs.remove(p);
            } else if (roll < 75) {
                steps.add(new Step.Munmap(ORIGIN, p, r, range, null));
                for (long i = range.first(); i <= range.last(); i++) mapped[(int) i] = false;
            } else if (roll < 79 && !split.contains(p + "/" + r)) {
                // a move: a landing place made free, then MREMAP_FIXED onto it
                String landing = "r" + nextRegion++;
                String moved = "r" + nextRegion++;
                steps.add(new Step.Mmap(ORIGIN, p, landing, range.count(), VmFlags.PROT_READ | VmFlags.PROT_WRITE, false, null, 0, null, null));
                steps.add(new Step.Munmap(ORIGIN, p, landing, PageRange.ALL, null));
                steps.add(new Step.Mremap(ORIGIN, p, r, range, -1, moved, new Step.Placement(landing, Step.Where.AT), null));
                for (long i = range.first(); i <= range.last(); i++) mapped[(int) i] = false;
                regions.put(moved, all(range.count()));
            } else if (roll < 81 && whole && pages > 1 && !split.contains(p + "/" + r)) {
                long keep = 1 + rnd.nextInt((int) pages - 1);
                steps.add(new Step.Mremap(ORIGIN, p, r, new PageRange(0, pages - 1), keep, null, null, null));
                regions.put(r, all(keep));
            } else if (roll < 83) {
                steps.add(new Step.Mprotect(ORIGIN, p, r, range, VmFlags.PROT_READ, null));
                steps.add(new Step.Read(ORIGIN, p, r, new Pages.Range(range)));
                steps.add(new Step.Mprotect(ORIGIN, p, r, range, VmFlags.PROT_READ | VmFlags.PROT_WRITE, null));
                split.add(p + "/" + r);
            } else if (roll < 86 && ksm) {
                steps.add(new Step.Knob(ORIGIN, rnd.nextBoolean() ? Map.of("run", String.valueOf(rnd.nextInt(3)))
                        : Map.of("pages_to_scan", String.valueOf(1 + rnd.nextInt(200)))));
                steps.add(new Step.Knob(ORIGIN, Map.of("run", "1")));
            } else if (roll < 96) {
                // time, not full scans: ksmd may have nothing to scan (then full_scans never moves)
                steps.add(new Step.Wait(ORIGIN, Step.WaitKind.MS, 10 + rnd.nextInt(100)));
            } else {
                steps.add(new Step.Phase(ORIGIN, "phase" + steps.size()));
            }
        }

        private static boolean anyMapped(boolean[] m) {
            for (boolean b : m) if (b) return true;
            return false;
        }

        private static boolean allMapped(boolean[] m) {
            for (boolean b : m) if (!b) return false;
            return true;
        }

        /** A random range inside one run of mapped pages. */
        private PageRange mappedRange(boolean[] m) {
            int start;
            do {
                start = rnd.nextInt(m.length);
            } while (!m[start]);
            int lo = start;
            int hi = start;
            while (lo > 0 && m[lo - 1]) lo--;
            while (hi < m.length - 1 && m[hi + 1]) hi++;
            int a = lo + rnd.nextInt(hi - lo + 1);
            int b = lo + rnd.nextInt(hi - lo + 1);
            return new PageRange(Math.min(a, b), Math.max(a, b));
        }

    }
}
