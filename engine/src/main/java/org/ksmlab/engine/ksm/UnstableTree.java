package org.ksmlab.engine.ksm;

import static org.ksmlab.engine.ksm.RmapItems.NONE;
import static org.ksmlab.engine.ksm.RmapItems.NO_ITEM;

import org.ksmlab.engine.cost.WorkCounts;
import org.ksmlab.engine.memory.PageStore;
import org.ksmlab.engine.mm.PageTable;

/**
 * The unstable tree: rmap_items of pages whose checksum held still for a pass, ordered by
 * memcmp of their pages, emptied at the start of every pass ({@link #reset}). Pages can change
 * under it, so it is walked but never trusted: a walk that meets an item whose page is gone
 * gives up, and items leave by node, never by search. An item keeps its UNSTABLE flag, and
 * pages_unshared counts it, until its next visit takes it out ({@link #remove}), even when the
 * tree was emptied since.
 *
 * <p>Nodes: in the kernel an rmap_item embeds its rb_node. Here the tree's nodes are handed out
 * per pass in insertion order (node {@code n}'s record names its item in field {@link #ITEM},
 * beside its links, so a step of a walk reads one record; the item's link names its node) and
 * all taken back by the reset, so the links cost memory only for the items inserted in a pass,
 * not for every item. The tree's shape is the kernel's: the same walks,
 * inserts and erases in the same order.
 */
final class UnstableTree implements AutoCloseable {
    private final RmapItems items;
    private final KsmCounters counters;
    private final KsmPages pages;
    private final PageStore store;
    private final WorkCounts work;
    /** Field of a node's record: the item it stands for. */
    static final int ITEM = 0;
    private final RbTree tree = new RbTree(1);
    /** Nodes handed out this pass. */
    private int nodes;
    /** Most nodes any pass used (the memory the links take). */
    private int nodesHighWater;

    UnstableTree(RmapItems items, KsmCounters counters, KsmPages pages, PageStore store, WorkCounts work) {
        this.items = items;
        this.counters = counters;
        this.pages = pages;
        this.store = store;
        this.work = work;
    }

    /** root_unstable_tree = RB_ROOT: forgets every node in O(1) at the start of a pass. */
    void reset() {
        tree.clear();
        nodes = 0;
    }

    /**
     * Searches for a page identical to {@code frame}; inserts {@code item} (stamped with pass
     * {@code seqnr}) if there is none. {@code domain} is the page's security domain when the tree
     * is partitioned by domain ({@link MergePolicy#SAME_DOMAIN}: only pages of that domain
     * match), else {@link StableTree#ANY_DOMAIN}. Returns the tree's matching item and its page as
     * {@link RmapItems#itemAndPage}, or {@link RmapItems#NO_ITEM}: when nothing matched (the
     * item was inserted) and when a tree item's page is gone or is this very page (the walk
     * gives up without inserting).
     * @see "mm/ksm.c: unstable_tree_search_insert"
     */
    long searchInsert(int item, int frame, int domain, long seqnr) {
        int n = tree.root();
        int parent = RbTree.NIL;
        boolean asLeft = false;
        while (n != RbTree.NIL) {
            work.treeSteps++;
            int treeItem = tree.field(n, ITEM);
            if (domain != StableTree.ANY_DOMAIN) {
                // Partitioned (ksm-same-domain): the tree is ordered by domain first, so a node
                // of another domain only steers the walk; its page is never read.
                int d = Integer.compare(domain, items.mmSlot(treeItem).mm.process.domain());
                if (d != 0) {
                    parent = n;
                    asLeft = d < 0;
                    n = asLeft ? tree.left(n) : tree.right(n);
                    continue;
                }
            }
            int treeFrame = getMergeablePage(treeItem);
            if (treeFrame == NONE) {
                return NO_ITEM;
            }
            // Don't substitute a KSM page for a forked page.
            if (treeFrame == frame) {
                return NO_ITEM;
            }
            int ret = pages.memcmpPages(frame, treeFrame);
            parent = n;
            if (ret < 0) {
                n = tree.left(n);
                asLeft = true;
            } else if (ret > 0) {
                n = tree.right(n);
                asLeft = false;
            } else {
                return RmapItems.itemAndPage(treeItem, treeFrame);
            }
        }
        int node = nodes++;
        nodesHighWater = Math.max(nodesHighWater, nodes);
        tree.link(node, parent, asLeft);
        tree.setField(node, ITEM, item);
        items.setLink(item, node);
        items.setFlags(item, RmapItems.UNSTABLE_FLAG | (int) (seqnr & RmapItems.SEQNR_MASK));
        counters.unstableItemAdded();
        return NO_ITEM;
    }

    /**
     * The unstable half of remove_rmap_item_from_tree for an item flagged UNSTABLE: usually the
     * tree was already emptied at the start of this pass ({@code seqnr}), so only an item
     * inserted during this pass is erased from it; the counter drops either way.
     * @see "mm/ksm.c: remove_rmap_item_from_tree"
     */
    void remove(int item, long seqnr) {
        int age = (int) ((seqnr - (items.flags(item) & RmapItems.SEQNR_MASK)) & RmapItems.SEQNR_MASK);
        if (age == 0) {
            tree.erase(items.link(item));
        }
        counters.unstableItemRemoved();
        items.setFlags(item, 0);
    }

    /** The anonymous page a tree item still maps, or NONE. @see "mm/ksm.c: get_mergeable_page" */
    private int getMergeablePage(int item) {
        MmSlot slot = items.mmSlot(item);
        long vpn = items.vpn(item);
        if (slot.findMergeableVma(vpn) == null) {
            return NONE;
        }
        long pte = slot.mm.process.pageTable().get(vpn);
        if (!PageTable.present(pte)) {
            return NONE;
        }
        int frame = PageTable.frame(pte);
        return store.hasFlag(frame, PageStore.F_ANON) ? frame : NONE;
    }

    /** The tree, for {@link TreePrefetch}'s reads. */
    RbTree tree() {
        return tree;
    }

    /** Bytes per tree node: links, colour and its item. */
    int bytesPerNode() {
        return tree.bytesPerNode();
    }

    /** Model memory of the tree's nodes: the most any pass used. */
    long trackingBytes() {
        return (long) nodesHighWater * bytesPerNode();
    }

    @Override
    public void close() {
        tree.close();
    }
}
