package org.ksmlab.engine.ksm;

import org.ksmlab.engine.memory.PageStore;
import org.ksmlab.engine.mm.PageTable;

/**
 * Not a kernel path: a device of the model's speed that changes nothing the model computes.
 * Before ksmd's cursor reaches the next {@link #GROUP} pages it will search the trees for
 * ({@link KsmScan#upcomingPages}), their walks of the stable and the unstable tree are made here
 * ahead of time, side by side, and their results thrown away; only the cache lines they touched
 * stay, so the real walks ({@link StableTree#search}, {@link UnstableTree#searchInsert}) find
 * their node records, ptes and frame records in cache.
 *
 * <h2>Why it pays</h2>
 * At a 1 TiB host's size a step of the unstable walk reads three records that are nowhere near
 * the cache (the node, the tree item's pte, its page's frame), each needing the one before, so
 * one walk waits for about three misses to memory per level. The walks of different pages are
 * independent of one another, so here every walk of the group takes one level at a time, phase
 * by phase (all the groups' node records, then all their ptes, then all their frame records):
 * the loads of one phase do not depend on one another and the processor overlaps their misses.
 * A walk ahead of time can go astray where the pages scanned before it change the tree (an
 * insert at its bottom, a merge): then it has warmed a few wrong lines, nothing worse. A page
 * whose stable walk ends on its own content (an equal identity, or a chain, which is where a
 * walk ahead stops) skips the unstable walk, as the real scan will: in the stretch of a merging
 * pass where pages find their twins in the stable tree, walking the unstable tree ahead for
 * every page took a third of the run's time (a JFR profile at 1 TiB) for walks that never came.
 *
 * <h2>What it must never do</h2>
 * Write anything the model reads: no counter, no charged work, no tree, no item. It reads the
 * page table and the items through their usual accessors (whose one-entry caches of the last
 * leaf only ever speed up the next lookup) and the page store's symbolic identities without
 * charging the compares. Tests run the same workloads with it and without it and compare every
 * counter. Symbolic mode only (a byte-mode compare reads pages, not identities), and not for a
 * tree partitioned by security domain.
 */
final class TreePrefetch {
    /** Pages walked side by side. */
    static final int GROUP = 32;
    /** Ptes the look-ahead reads at most to find a group (past KSM pages and skipped ones). */
    static final int MAX_VISITS = 4096;

    private final RmapItems items;
    private final StableNodes stableNodes;
    private final RbTree unstableTree;
    private final PageStore store;
    private final int unstableItemField;

    private final int[] frames = new int[GROUP];
    private final int[] node = new int[GROUP];
    private final int[] next = new int[GROUP];
    private final int[] other = new int[GROUP];
    /** Whether a walk's node (stable) or tree item's page (unstable) has an identity to compare with. */
    private final boolean[] known = new boolean[GROUP];
    /** Whether a stable walk's node is a chain (of the page's own content, most likely: the walk stops there). */
    private final boolean[] chain = new boolean[GROUP];
    /** Whether a walk ended on its page's content: an equal identity, or a chain. */
    private final boolean[] found = new boolean[GROUP];
    /** What the walks read, summed so the loads are not dead code to the compiler. */
    long touched;
    /** Pages walked ahead of the cursor (tests: that it ran at all). */
    long pagesWalked;

    TreePrefetch(RmapItems items, StableNodes stableNodes, RbTree unstableTree, int unstableItemField, PageStore store) {
        this.items = items;
        this.stableNodes = stableNodes;
        this.unstableTree = unstableTree;
        this.unstableItemField = unstableItemField;
        this.store = store;
    }

    /** The frames array {@link KsmScan#upcomingPages} fills. */
    int[] frames() {
        return frames;
    }

    /** Walks both trees for {@code frames[0 .. count)}. */
    void walk(int count) {
        if (count > 0) {
            pagesWalked += count;
            walkStable(count);
            // A page that found its content in the stable tree merges there and never walks the
            // unstable tree (most pages of a merging pass once the first guest is in): only the
            // others walk it ahead.
            int rest = 0;
            for (int g = 0; g < count; g++) {
                if (!found[g]) {
                    frames[rest++] = frames[g];
                }
            }
            walkUnstable(rest);
        }
    }

    /** memcmp's sign of page {@code frame} and the identity {@code identity}, uncharged. */
    private int compare(int frame, int identity) {
        int at = store.firstDifferenceFromIdentity(frame, identity);
        return at < 0 ? 0 : Byte.toUnsignedInt(store.readByte(frame, at)) - Byte.toUnsignedInt(store.readByteOfIdentity(identity, at));
    }

    private void walkStable(int count) {
        RbTree tree = stableNodes.tree;
        int live = start(tree, count);
        while (live > 0) {
            // Every walk's node record (independent loads), then compare and step.
            for (int g = 0; g < count; g++) {
                int n = node[g];
                if (n != RbTree.NIL) {
                    // A chain's dups, and a stale node (its page freed, and with it the identity
                    // its record names), are left to the real walk.
                    chain[g] = stableNodes.isChain(n);
                    known[g] = !chain[g] && stableNodes.kpfn(n) != RmapItems.NONE;
                    other[g] = stableNodes.content(n);
                }
            }
            live = step(tree, count);
        }
    }

    private void walkUnstable(int count) {
        RbTree tree = unstableTree;
        int live = start(tree, count);
        while (live > 0) {
            // The node records (the tree item of each).
            for (int g = 0; g < count; g++) {
                int n = node[g];
                if (n != RbTree.NIL) {
                    next[g] = tree.field(n, unstableItemField);
                }
            }
            // The tree items' ptes.
            for (int g = 0; g < count; g++) {
                if (node[g] != RbTree.NIL) {
                    int item = next[g];
                    long pte = items.mmSlot(item).mm.process.pageTable().get(items.vpn(item));
                    known[g] = PageTable.present(pte);
                    other[g] = PageTable.frame(pte);
                }
            }
            // Their frame records (the identity beside the flags).
            for (int g = 0; g < count; g++) {
                if (node[g] != RbTree.NIL && known[g]) {
                    other[g] = store.contentIdentity(other[g]);
                }
            }
            live = step(tree, count);
        }
    }

    /** Puts every walk at the root; returns the walks under way. */
    private int start(RbTree tree, int count) {
        int root = tree.root();
        for (int g = 0; g < count; g++) {
            node[g] = root;
            chain[g] = false;
            found[g] = false;
        }
        return root == RbTree.NIL ? 0 : count;
    }

    /**
     * Compares each walk's page with the identity its step read ({@code other}, where
     * {@code known}) and goes left or right, or ends the walk (equal, or nothing to compare);
     * returns the walks still under way.
     */
    private int step(RbTree tree, int count) {
        int live = 0;
        long sum = 0;
        for (int g = 0; g < count; g++) {
            int n = node[g];
            if (n == RbTree.NIL) {
                continue;
            }
            int id = other[g];
            int c = known[g] ? compare(frames[g], id) : 0;
            if (c == 0) {
                found[g] = known[g] || chain[g];
            }
            n = c < 0 ? tree.left(n) : c > 0 ? tree.right(n) : RbTree.NIL;
            node[g] = n;
            if (n != RbTree.NIL) {
                live++;
            }
            sum += id;
        }
        touched += sum;
        return live;
    }
}
