package org.ksmlab.engine.ksm;

import static org.ksmlab.engine.ksm.RmapItems.NONE;

import java.util.ArrayList;
import java.util.List;
import org.ksmlab.engine.cost.WorkCounts;
import org.ksmlab.engine.memory.PageStore;

/**
 * The stable tree: KSM pages ordered by memcmp of their contents, never flushed. Each node holds
 * one KSM page and the rmap_items mapping it; a content whose page reached max_page_sharing
 * mappings becomes a chain of dups, several KSM pages of the same content (see
 * {@link StableNodes} for the layout). A node whose page was freed goes stale and is removed
 * lazily, when a walk meets it ({@link #ksmGetFolio}), as in the kernel.
 *
 * <p>Invariant: every node in the tree or on a chain that {@link #ksmGetFolio} accepts maps a
 * KSM frame whose {@code nodeOfFrame} is that node, and no node holds more than
 * max_page_sharing items unless a fork put them there.
 */
final class StableTree {
    /** The domain argument of the walks when the trees are not partitioned by security domain. */
    static final int ANY_DOMAIN = Integer.MIN_VALUE;

    final StableNodes nodes;
    /**
     * The security domain of each node (a chain's and its dups' are the same), kept only when the
     * tree is partitioned by domain ({@link MergePolicy#SAME_DOMAIN}); null otherwise, so
     * unrestricted KSM carries no extra bytes.
     */
    private int[] nodeDomain;
    private final RmapItems items;
    private final KsmCounters counters;
    private final KsmKnobs knobs;
    private final KsmPages pages;
    private final PageStore store;
    private final WorkCounts work;

    StableTree(RmapItems items, KsmCounters counters, KsmKnobs knobs, KsmPages pages, PageStore store, WorkCounts work) {
        this.items = items;
        this.counters = counters;
        this.knobs = knobs;
        this.nodes = new StableNodes(() -> knobs.maxPageSharing, pages.identities);
        this.pages = pages;
        this.store = store;
        this.work = work;
    }

    /** The stable node of a KSM frame, or NONE (only frames flagged KSM can have one: no lookup for the others). */
    int nodeOfFrame(int frame) {
        if (!store.hasFlag(frame, PageStore.F_KSM)) {
            assert nodes.nodeOfFrame(frame) == NONE : "frame " + frame + " has a stable node but no KSM flag";
            return NONE;
        }
        return nodes.nodeOfFrame(frame);
    }

    /**
     * Whether {@code item} is already a mapping of {@code frame}'s stable node (cmp_and_merge_page's
     * "rmap_item->head == stable_node"): the answer for most pages of every pass once memory has
     * merged. The same as {@code items.isStable(item) && items.link(item) == nodeOfFrame(frame)},
     * found from the item's side: a live node names its own frame in kpfn, and a frame's
     * nodeOfFrame names only the live node whose kpfn it is (both are set and cleared together). An
     * item's node record lies near its neighbours' (nodes were made in scan order), where the
     * frame-to-node table is a random probe per page (at a 1 TiB host's size a table of some 10
     * million entries, probed for each of 228 million merged pages every pass).
     */
    boolean isMappingOf(int item, int frame) {
        if (!items.isStable(item)) {
            return false;
        }
        int node = items.link(item);
        boolean mapping = nodes.kpfn(node) == frame;
        assert mapping == (nodeOfFrame(frame) == node)
                : "stable item " + item + " on node " + node + " (kpfn " + nodes.kpfn(node) + "), frame " + frame + " of node " + nodeOfFrame(frame);
        return mapping;
    }

    /** Whether {@code node} has mappings and room for {@code offset} + 1 more under max_page_sharing. */
    boolean isPageSharingCandidate(int node, int offset) {
        int len = nodes.rmapHlistLen(node);
        return len != 0 && len + offset < knobs.maxPageSharing;
    }

    /** Frees the nodes' memory (off the heap). */
    void close() {
        nodes.close();
    }

    /** Model memory of the nodes, bytes (with a partitioned tree, each node's domain too). */
    long trackingBytes() {
        return nodes.count * (nodes.bytesPerNode() + (nodeDomain == null ? 0 : Integer.BYTES));
    }

    /** Orders the tree by (security domain, contents) from now on: call before anything is inserted. */
    void partitionByDomain() {
        if (nodes.count != 0) {
            throw new IllegalStateException("the stable tree is partitioned before its first node");
        }
        nodeDomain = new int[0];
    }

    /**
     * The walk's direction by domain alone: negative or positive when {@code node} belongs to
     * another domain (go left or right), 0 when it is {@code domain}'s or the tree is not
     * partitioned (then contents decide).
     */
    private int compareDomain(int domain, int node) {
        return domain == ANY_DOMAIN ? 0 : Integer.compare(domain, nodeDomain[node]);
    }

    private void setDomain(int node, int domain) {
        if (nodeDomain == null) {
            return;
        }
        if (node >= nodeDomain.length) {
            nodeDomain = java.util.Arrays.copyOf(nodeDomain, Math.max(node + 1, nodeDomain.length * 2));
        }
        nodeDomain[node] = domain;
    }

    /**
     * The KSM page of a stable node, or NONE when the node is stale (its page was freed): the
     * stale node is then removed with its rmap_items' accounting, as the kernel does lazily.
     * @see "mm/ksm.c: ksm_get_folio"
     */
    int ksmGetFolio(int node) {
        int frame = nodes.kpfn(node);
        if (frame == NONE) {
            removeNodeFromStableTree(node);
            return NONE;
        }
        assert nodes.nodeOfFrame(frame) == node : "stable node " + node + " names frame " + frame + ", which is not its KSM page";
        return frame;
    }

    /**
     * A KSM frame was freed: its node goes stale (its kpfn is cleared, as the kernel's
     * ksm_get_folio finds the folio gone), and ksmd notices on its next look
     * ({@link #ksmGetFolio}).
     */
    void frameFreed(int frame) {
        int node = nodes.nodeOfFrame(frame);
        if (node != NONE) {
            nodes.setNodeOfFrame(frame, NONE);
            nodes.setKpfn(node, NONE);
        }
    }

    /** @see "mm/ksm.c: remove_node_from_stable_tree" */
    private void removeNodeFromStableTree(int node) {
        int cs = nodes.checksum(node);
        for (int it = nodes.hlistHead(node); it != NONE; ) {
            int next = items.hlistNext(it);
            counters.stableItemRemoved(items.mmSlot(it).mm.counters, next == NONE);
            nodes.setRmapHlistLen(node, nodes.rmapHlistLen(node) - 1);
            items.leaveStable(it, cs);
            it = next;
        }
        nodes.setHlistHead(node, NONE);
        if (nodes.isDup(node)) {
            dupDel(node);
        } else {
            nodes.tree.erase(node);
        }
        int frame = nodes.kpfn(node);
        if (frame != NONE && nodes.nodeOfFrame(frame) == node) {
            nodes.setNodeOfFrame(frame, NONE);
        }
        nodes.free(node);
    }

    /** Takes a dup off its chain. @see "mm/ksm.c: __stable_node_dup_del" */
    private void dupDel(int dup) {
        int chain = nodes.chain(dup);
        int prev = nodes.dupPrev(dup);
        int next = nodes.dupNext(dup);
        if (prev == NONE) {
            nodes.setHlistHead(chain, next);
        } else {
            nodes.setDupNext(prev, next);
        }
        if (next != NONE) {
            nodes.setDupPrev(next, prev);
        }
        nodes.setChain(dup, NONE);
        nodes.setDupNext(dup, NONE);
        nodes.setDupPrev(dup, NONE);
        counters.dupRemoved();
    }

    /** hlist_add_head of a dup on its chain. @see "mm/ksm.c: stable_node_chain_add_dup" */
    private void chainAddDup(int dup, int chain) {
        nodes.setChain(dup, chain);
        int first = nodes.hlistHead(chain);
        nodes.setDupNext(dup, first);
        nodes.setDupPrev(dup, NONE);
        if (first != NONE) {
            nodes.setDupPrev(first, dup);
        }
        nodes.setHlistHead(chain, dup);
        counters.dupAdded();
    }

    /** A chain takes the place of {@code dup} in the tree, with {@code dup} as its first dup. @see "mm/ksm.c: alloc_stable_node_chain" */
    private int allocStableNodeChain(int dup, long nowMillis) {
        int chain = nodes.allocate();
        nodes.setRmapHlistLen(chain, StableNodes.STABLE_NODE_CHAIN);
        nodes.setChainPruneMillis(chain, nowMillis);
        counters.chainAdded();
        nodes.tree.replace(dup, chain);
        chainAddDup(dup, chain);
        return chain;
    }

    /** @see "mm/ksm.c: free_stable_node_chain" */
    private void freeStableNodeChain(int chain) {
        nodes.tree.erase(chain);
        nodes.free(chain);
        counters.chainRemoved();
    }

    /**
     * The dup of {@code node} to merge into: {@code node} itself when it is not a chain;
     * otherwise the non-full dup with the most mappings (walking all dups and pruning stale ones
     * at most every stable_node_chains_prune_millisecs), collapsing a chain left with one dup
     * into that dup. Returns NONE when the node or the whole chain went stale and was removed
     * (the caller's walk must restart). The dup's page is {@code nodes.kpfn(dup)}; the node now
     * at the walked tree position is {@link #treePosition}.
     * @see "mm/ksm.c: __stable_node_chain, stable_node_dup"
     */
    private int stableNodeChain(int node, boolean prune, long nowMillis) {
        if (!nodes.isChain(node)) {
            return ksmGetFolio(node) == NONE ? NONE : node;
        }
        if (!prune || nowMillis < nodes.chainPruneMillis(node) + knobs.stableNodeChainsPruneMillis) {
            prune = false;
        } else {
            nodes.setChainPruneMillis(node, nowMillis);
        }
        int found = NONE;
        int foundLen = 0;
        assert chainCountsHold(node) : "chain " + node + ": counts of dups, candidates and stale dups out of step with its list";
        if (!prune && nodes.chainCandidates(node) == 0 && nodes.chainStale(node) == 0) {
            // Every dup full and none stale: the walk below would visit them all (a ksm_get_folio
            // each) and keep the first, having found no candidate. The same result and the same
            // work without the chain-long walk, which a chain of many full dups (the zero page's,
            // at a 1 TiB host's size) would otherwise repeat at every search.
            work.stableSteps += nodes.chainDups(node);
            found = nodes.hlistHead(node);
        }
        for (int dup = found != NONE ? NONE : nodes.hlistHead(node); dup != NONE; ) {
            int nextDup = nodes.dupNext(dup);
            work.stableSteps++; // each dup examined is a ksm_get_folio, like a tree node
            int folio = ksmGetFolio(dup);
            if (folio != NONE) {
                if (found == NONE || (isPageSharingCandidate(dup, 0)
                        && (!isPageSharingCandidate(found, 0) || nodes.rmapHlistLen(dup) > foundLen))) {
                    found = dup;
                    foundLen = nodes.rmapHlistLen(dup);
                    if (!prune && isPageSharingCandidate(found, 0)) {
                        break;
                    }
                }
            }
            dup = nextDup;
        }
        if (found != NONE) {
            if (nodes.hlistHead(node) == found && nodes.dupNext(found) == NONE) {
                // One dup left below the limit: drop the chain, the dup takes its place.
                dupDel(found);
                nodes.tree.replace(node, found);
                nodes.free(node);
                counters.chainRemoved();
            } else if (nodes.hlistHead(node) != found && isPageSharingCandidate(found, 1)) {
                // A dup that can take one more merge goes to the head of the chain, so the
                // next search without pruning finds it first.
                dupDel(found);
                chainAddDup(found, node);
            }
        } else {
            freeStableNodeChain(node);
        }
        return found;
    }

    /** The chain's counts equal what its list holds (checked under assertions, as in the tests). */
    private boolean chainCountsHold(int chain) {
        int dups = 0, candidates = 0, stale = 0;
        for (int dup = nodes.hlistHead(chain); dup != NONE; dup = nodes.dupNext(dup)) {
            dups++;
            candidates += isPageSharingCandidate(dup, 0) ? 1 : 0;
            stale += nodes.kpfn(dup) == NONE ? 1 : 0;
        }
        return dups == nodes.chainDups(chain) && candidates == nodes.chainCandidates(chain) && stale == nodes.chainStale(chain);
    }

    /**
     * The node at the tree position a walk reached {@code walked} at, after
     * {@link #stableNodeChain} chose {@code dup} there: the chain while {@code dup} is still on
     * it, else {@code dup} itself (not a chain, or the chain collapsed into it).
     */
    private int treePosition(int walked, int dup) {
        return nodes.isDup(dup) ? walked : dup;
    }

    /**
     * Searches for a KSM page identical to {@code frame} that can take one more mapping, among
     * the KSM pages of security domain {@code domain} when the tree is partitioned (else
     * {@link #ANY_DOMAIN}). Returns its frame, or NONE (also when every dup of that content is full: the page must then find a
     * partner in the unstable tree to make a new dup).
     * @see "mm/ksm.c: stable_tree_search"
     */
    int search(int frame, int domain, long nowMillis) {
        if (nodeOfFrame(frame) != NONE) {
            return frame; // KSM page forked
        }
        again:
        while (true) {
            RbTree tree = nodes.tree;
            int n = tree.root();
            while (n != RbTree.NIL) {
                work.stableSteps++;
                int byDomain = compareDomain(domain, n);
                if (byDomain != 0) {
                    n = byDomain < 0 ? tree.left(n) : tree.right(n); // another domain's node only steers
                    continue;
                }
                int dup = stableNodeChain(n, true, nowMillis);
                if (dup == NONE) {
                    continue again; // walked over a stale node: the tree changed, restart
                }
                n = treePosition(n, dup);
                int ret = memcmpKsmPage(frame, dup);
                if (ret < 0) {
                    n = tree.left(n);
                } else if (ret > 0) {
                    n = tree.right(n);
                } else {
                    if (!isPageSharingCandidate(dup, 0)) {
                        return NONE;
                    }
                    int kf = ksmGetFolio(dup);
                    if (kf == NONE) {
                        continue again;
                    }
                    return kf;
                }
            }
            return NONE;
        }
    }

    /**
     * memcmp_pages of {@code frame} and the KSM page of {@code dup}. In symbolic mode the identity
     * the node keeps stands for the page: a KSM frame is never written (the store refuses), so
     * its identity is the one it had when the node was made, and a step of the walk reads the
     * node's record alone, not also its page's frame record (a second miss to memory per step at
     * a 1 TiB host's size).
     */
    private int memcmpKsmPage(int frame, int dup) {
        int kpfn = nodes.kpfn(dup);
        if (!pages.identities) {
            return pages.memcmpPages(frame, kpfn);
        }
        int identity = nodes.content(dup);
        assert identity == store.contentIdentity(kpfn) : "stable node " + dup + " keeps identity " + identity + ", its page " + kpfn + " holds " + store.contentIdentity(kpfn);
        return pages.memcmpPageToIdentity(frame, identity);
    }

    /**
     * Inserts a new KSM page: a new node, or a new dup of the chain for its content (making the
     * chain if the content had a single node), in security domain {@code domain}'s part of a
     * partitioned tree (else {@link #ANY_DOMAIN}), with {@code checksum}, the checksum of its
     * contents (the oldchecksum its rmap_items had when it merged). Returns the page's node.
     * @see "mm/ksm.c: stable_tree_insert"
     */
    int insert(int kframe, int checksum, int domain, long nowMillis) {
        int parent;
        boolean asLeft;
        int match;
        again:
        while (true) {
            RbTree tree = nodes.tree;
            int n = tree.root();
            parent = RbTree.NIL;
            asLeft = false;
            match = NONE;
            while (n != RbTree.NIL) {
                work.stableSteps++;
                int byDomain = compareDomain(domain, n);
                if (byDomain != 0) {
                    parent = n;
                    asLeft = byDomain < 0;
                    n = asLeft ? tree.left(n) : tree.right(n);
                    continue;
                }
                int dup = stableNodeChain(n, false, nowMillis);
                if (dup == NONE) {
                    continue again;
                }
                n = treePosition(n, dup);
                int ret = memcmpKsmPage(kframe, dup);
                parent = n;
                if (ret < 0) {
                    n = tree.left(n);
                    asLeft = true;
                } else if (ret > 0) {
                    n = tree.right(n);
                    asLeft = false;
                } else {
                    match = n;
                    break;
                }
            }
            break;
        }
        int dup = nodes.allocate();
        nodes.setKpfn(dup, kframe);
        if (pages.identities) {
            nodes.setContent(dup, store.contentIdentity(kframe));
        }
        nodes.setChecksum(dup, checksum);
        setDomain(dup, domain);
        if (match == NONE) {
            nodes.tree.link(dup, parent, asLeft);
        } else {
            int chain = nodes.isChain(match) ? match : allocStableNodeChain(match, nowMillis);
            setDomain(chain, domain);
            chainAddDup(dup, chain);
        }
        nodes.setNodeOfFrame(kframe, dup);
        return dup;
    }

    /**
     * Adds {@code item} to the mappings of {@code node}; only a fork-shared KSM page
     * ({@code maxPageSharingBypass}) may go over max_page_sharing.
     * @see "mm/ksm.c: stable_tree_append"
     */
    void append(int item, int node, boolean maxPageSharingBypass) {
        nodes.setRmapHlistLen(node, nodes.rmapHlistLen(node) + 1);
        if (!maxPageSharingBypass && nodes.rmapHlistLen(node) > knobs.maxPageSharing) {
            throw new IllegalStateException("stable node " + node + " over max_page_sharing");
        }
        int first = nodes.hlistHead(node);
        items.enterStable(item, node, first, nodes.checksum(node)); // hlist_add_head
        nodes.setHlistHead(node, item);
        counters.stableItemAdded(items.mmSlot(item).mm.counters, first == NONE);
    }

    /**
     * The stable half of remove_rmap_item_from_tree: {@code item} (flagged STABLE) leaves its
     * node's mappings, unless the node went stale, which took its items' accounting with it.
     * @see "mm/ksm.c: remove_rmap_item_from_tree"
     */
    void removeRmapItem(int item) {
        int node = items.link(item);
        if (ksmGetFolio(node) == NONE) {
            return; // the stale node was removed with all its items
        }
        hlistDel(node, item);
        counters.stableItemRemoved(items.mmSlot(item).mm.counters, nodes.hlistHead(node) == NONE);
        nodes.setRmapHlistLen(node, nodes.rmapHlistLen(node) - 1);
        items.leaveStable(item, nodes.checksum(node));
    }

    /**
     * hlist_del of a singly linked list: the item before {@code item} is found by walking from
     * the head (at most max_page_sharing items, unless forks added more).
     */
    private void hlistDel(int node, int item) {
        int next = items.hlistNext(item);
        int it = nodes.hlistHead(node);
        if (it == item) {
            nodes.setHlistHead(node, next);
            return;
        }
        while (items.hlistNext(it) != item) {
            it = items.hlistNext(it);
        }
        items.setHlistNext(it, next);
    }

    /** The items on a stable node's hlist, first to last (tests and rmap walks). */
    int hlistFirst(int node) {
        return nodes.hlistHead(node);
    }

    /** Removes every stable node whose page is no longer mapped (max_page_sharing, run=2). @see "mm/ksm.c: remove_all_stable_nodes" */
    void removeAllStableNodes() {
        List<Integer> all = new ArrayList<>();
        collect(nodes.tree.root(), all);
        for (int n : all) {
            if (nodes.isChain(n)) {
                for (int d = nodes.hlistHead(n); d != NONE; ) {
                    int nd = nodes.dupNext(d);
                    removeStableNode(d);
                    d = nd;
                }
                if (nodes.hlistHead(n) == NONE) {
                    freeStableNodeChain(n);
                }
            } else {
                removeStableNode(n);
            }
        }
    }

    private void collect(int n, List<Integer> out) {
        if (n == RbTree.NIL) return;
        collect(nodes.tree.left(n), out);
        out.add(n);
        collect(nodes.tree.right(n), out);
    }

    /** @see "mm/ksm.c: remove_stable_node" */
    private void removeStableNode(int node) {
        int frame = ksmGetFolio(node);
        if (frame == NONE) {
            return;
        }
        if (store.mapcount(frame) == 0) {
            nodes.setNodeOfFrame(frame, NONE);
            removeNodeFromStableTree(node);
        }
    }
}
