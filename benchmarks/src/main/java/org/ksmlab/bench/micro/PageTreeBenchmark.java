package org.ksmlab.bench.micro;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.ksmlab.engine.ksm.RbTree;
import org.ksmlab.engine.memory.PageCompare;
import org.ksmlab.engine.memory.PageStore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * KSM's tree operations: the stable and unstable trees are red-black trees of pages ordered by
 * memcmp, walked from the root comparing the page being scanned with each node's page
 * ({@link RbTree} with {@link PageCompare#best()}, as the engine's ksm does).
 * {@link #search} finds a page that is in the tree (stable_tree_search's walk to a match);
 * {@link #insert} removes a page and walks it back in (unstable_tree_search_insert when nothing
 * matches), so the tree keeps its size. One op = one walk; the tree holds {@code hot}: 64 pages
 * (in cache) or {@code cold}: {@code coldMiB} MiB of pages (far beyond the last-level cache).
 * Pages hold random bytes ({@link MicroPagePool#fillRandom}), so most compares stop at the first
 * bytes, as they do for unrelated pages in the kernel.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@State(Scope.Thread)
public class PageTreeBenchmark {
    @Param({"hot", "cold"})
    public String workingSet;
    @Param("256")
    public int coldMiB;
    @Param("42")
    public long seed;

    private PageStore store;
    private PageCompare compare;
    private RbTree tree;
    /** Frame of tree node i. */
    private int[] frames;
    /** Seeded visiting order of the nodes (a power of two long). */
    private int[] order;
    private int cursor;

    @Setup(Level.Trial)
    public void build() {
        int pages = "hot".equals(workingSet) ? 64 : Integer.highestOneBit(coldMiB * 256);
        store = new PageStore();
        compare = PageCompare.best();
        SplittableRandom rng = new SplittableRandom(seed);
        frames = new int[pages];
        for (int i = 0; i < pages; i++) {
            frames[i] = store.allocate(PageStore.F_ANON);
            MicroPagePool.fillRandom(store, frames[i], rng);
        }
        tree = new RbTree();
        tree.ensure(pages - 1);
        for (int i = 0; i < pages; i++) {
            walkAndLink(i);
        }
        order = MicroPagePool.order(pages, rng);
    }

    @TearDown(Level.Trial)
    public void close() {
        store.close();
    }

    /** Walks node {@code i}'s page from the root and links it where the walk ends; returns the steps. */
    private int walkAndLink(int i) {
        int n = tree.root();
        int parent = RbTree.NIL;
        boolean left = false;
        int steps = 0;
        while (n != RbTree.NIL) {
            steps++;
            parent = n;
            left = compare.compare(store, frames[i], frames[n]) < 0;
            n = left ? tree.left(n) : tree.right(n);
        }
        tree.link(i, parent, left);
        return steps;
    }

    /** Walks to the node holding the same page as node {@code i}; returns the steps (-1 if absent). */
    int find(int i) {
        int n = tree.root();
        int steps = 0;
        while (n != RbTree.NIL) {
            steps++;
            int c = compare.compare(store, frames[i], frames[n]);
            if (c == 0) return steps;
            n = c < 0 ? tree.left(n) : tree.right(n);
        }
        return -1;
    }

    @Benchmark
    public int search() {
        return find(order[cursor++ & (order.length - 1)]);
    }

    @Benchmark
    public int insert() {
        int i = order[cursor++ & (order.length - 1)];
        tree.erase(i);
        return walkAndLink(i);
    }
}
