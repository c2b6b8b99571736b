package org.ksmlab.engine.ksm;

import java.util.Arrays;
import org.agrona.collections.Int2ObjectHashMap;
import org.ksmlab.engine.memory.OffHeapIntMap;

/**
 * Stable-tree nodes (struct ksm_stable_node), one record each in the tree ({@link RbTree}): a regular node or a
 * dup holds one KSM page ({@link #kpfn}), the list of rmap_items mapping it
 * ({@link #hlistHead}, {@link #rmapHlistLen}) and the checksum of its contents
 * ({@link #checksum}: every item on it had that oldchecksum when it merged, see
 * {@link RmapItems}); a chain ({@code rmapHlistLen == STABLE_NODE_CHAIN}) holds a list of dups
 * with the same content. Regular nodes and chains are in the stable {@link #tree}; dups hang off
 * their chain ({@link #chain}, and the list links and prune time of {@link Chained}, kept only
 * for dups and chains, which are few: contents mapped more than max_page_sharing times).
 */
final class StableNodes implements AutoCloseable {
    static final int NONE = -1;
    /** rmap_hlist_len of a chain node (the kernel's STABLE_NODE_CHAIN). */
    static final int STABLE_NODE_CHAIN = -1024;

    // A node's fields, in its record of the tree (one record, one cache line, per node: a search
    // step reads the links, kpfn and rmap_hlist_len together; see RbTree).
    private static final int KPFN = 0;
    private static final int HLIST_HEAD = 1;
    private static final int RMAP_HLIST_LEN = 2;
    /** For a dup: its chain; for a node in the tree: NONE. */
    private static final int CHAIN = 3;
    private static final int CHECKSUM = 4;
    private static final int FIELDS = 5;
    /**
     * Symbolic mode only, a sixth field: the content identity of the node's KSM page, so a search
     * step compares with what the node's own record holds instead of reading the page's frame
     * record too. Not in the kernel's struct (its compare reads the page itself), and not counted
     * in {@link #bytesPerNode}: like a frame's handle it is how symbolic mode holds page contents,
     * not what KSM tracks, and the page modes must report the same tracking bytes.
     */
    private static final int CONTENT = 5;
    private final boolean identities;
    /** Dup list links of dups, and the last full prune of chains (chain_prune_time), by node. */
    private final Int2ObjectHashMap<Chained> chained = new Int2ObjectHashMap<>();
    final RbTree tree;
    /** Stable node of each KSM frame (folio_stable_node); frames without one are absent. */
    private final OffHeapIntMap nodeOfFrame = new OffHeapIntMap(NONE);

    /**
     * max_page_sharing, for the chains' counts of candidate dups (it only changes when there are
     * no stable nodes: max_page_sharing_store removes them all first).
     */
    private final java.util.function.IntSupplier maxPageSharing;

    private int[] freeList = new int[64];
    private int freeCount;
    private int limit;
    long count;

    /** {@code identities}: pages are symbolic, and each node keeps its page's content identity. */
    StableNodes(java.util.function.IntSupplier maxPageSharing, boolean identities) {
        this.maxPageSharing = maxPageSharing;
        this.identities = identities;
        this.tree = new RbTree(identities ? FIELDS + 1 : FIELDS);
    }

    /** What only dups and chains have. */
    private static final class Chained {
        int dupNext = NONE;
        int dupPrev = NONE;
        /** For a chain: virtual ms of the last full prune (chain_prune_time). */
        long chainPruneMillis;
        /** For a chain: its dups; those that can take another mapping (1 to max_page_sharing - 1); those gone stale (no kpfn). */
        int dups;
        int candidates;
        int stale;
    }

    int allocate() {
        int n;
        if (freeCount > 0) {
            n = freeList[--freeCount];
        } else {
            n = limit++;
            tree.ensure(n);
        }
        tree.setField(n, KPFN, NONE);
        tree.setField(n, HLIST_HEAD, NONE);
        tree.setField(n, RMAP_HLIST_LEN, 0);
        tree.setField(n, CHAIN, NONE);
        tree.setField(n, CHECKSUM, 0);
        if (identities) {
            tree.setField(n, CONTENT, 0);
        }
        chained.remove(n);
        count++;
        return n;
    }

    void free(int n) {
        tree.setField(n, KPFN, NONE);
        chained.remove(n);
        count--;
        if (freeCount == freeList.length) {
            freeList = Arrays.copyOf(freeList, freeCount * 2);
        }
        freeList[freeCount++] = n;
    }

    int kpfn(int n) { return tree.field(n, KPFN); }

    /** The content identity of the node's KSM page (symbolic mode only; see {@link #CONTENT}). */
    int content(int n) { return tree.field(n, CONTENT); }

    void setContent(int n, int identity) { tree.setField(n, CONTENT, identity); }

    void setKpfn(int n, int frame) {
        int c = chain(n);
        if (c != NONE) {
            chained(c).stale += (frame == NONE ? 1 : 0) - (kpfn(n) == NONE ? 1 : 0);
        }
        tree.setField(n, KPFN, frame);
    }
    int hlistHead(int n) { return tree.field(n, HLIST_HEAD); }
    void setHlistHead(int n, int item) { tree.setField(n, HLIST_HEAD, item); }
    int rmapHlistLen(int n) { return tree.field(n, RMAP_HLIST_LEN); }
    void setRmapHlistLen(int n, int len) {
        int c = chain(n);
        if (c != NONE) {
            chained(c).candidates += (candidate(len) ? 1 : 0) - (candidate(rmapHlistLen(n)) ? 1 : 0);
        }
        tree.setField(n, RMAP_HLIST_LEN, len);
    }

    int chain(int n) { return tree.field(n, CHAIN); }

    /** Makes {@code n} a dup of chain {@code c} (NONE: of none), moving its part of the chains' counts. */
    void setChain(int n, int c) {
        int old = chain(n);
        if (old != NONE) {
            count(chained(old), n, -1);
        }
        tree.setField(n, CHAIN, c);
        if (c != NONE) {
            count(chained(c), n, 1);
        }
    }

    private void count(Chained c, int dup, int sign) {
        c.dups += sign;
        c.candidates += candidate(rmapHlistLen(dup)) ? sign : 0;
        c.stale += kpfn(dup) == NONE ? sign : 0;
    }

    /** Whether a dup with {@code len} mappings can take another (is_page_sharing_candidate). */
    private boolean candidate(int len) {
        return len != 0 && len < maxPageSharing.getAsInt();
    }

    /** A chain's dups. */
    int chainDups(int chain) { Chained c = chained.get(chain); return c == null ? 0 : c.dups; }
    /** A chain's dups that can take another mapping. */
    int chainCandidates(int chain) { Chained c = chained.get(chain); return c == null ? 0 : c.candidates; }
    /** A chain's dups gone stale. */
    int chainStale(int chain) { Chained c = chained.get(chain); return c == null ? 0 : c.stale; }
    int checksum(int n) { return tree.field(n, CHECKSUM); }
    void setChecksum(int n, int cs) { tree.setField(n, CHECKSUM, cs); }

    private Chained chained(int n) {
        Chained c = chained.get(n);
        if (c == null) {
            c = new Chained();
            chained.put(n, c);
        }
        return c;
    }

    int dupNext(int n) { Chained c = chained.get(n); return c == null ? NONE : c.dupNext; }
    void setDupNext(int n, int d) { chained(n).dupNext = d; }
    int dupPrev(int n) { Chained c = chained.get(n); return c == null ? NONE : c.dupPrev; }
    void setDupPrev(int n, int d) { chained(n).dupPrev = d; }
    long chainPruneMillis(int n) { Chained c = chained.get(n); return c == null ? 0 : c.chainPruneMillis; }
    void setChainPruneMillis(int n, long ms) { chained(n).chainPruneMillis = ms; }

    boolean isChain(int n) { return rmapHlistLen(n) == STABLE_NODE_CHAIN; }
    boolean isDup(int n) { return chain(n) != NONE; }

    int nodeOfFrame(int frame) {
        return nodeOfFrame.get(frame);
    }

    void setNodeOfFrame(int frame, int node) {
        if (node == NONE) {
            nodeOfFrame.remove(frame);
        } else {
            nodeOfFrame.put(frame, node);
        }
    }

    /**
     * Bytes per stable node: its record (dups and chains hold a little more), without the content
     * identity symbolic mode adds (see {@link #CONTENT}).
     */
    int bytesPerNode() {
        return tree.bytesPerNode() - (identities ? Integer.BYTES : 0);
    }

    @Override
    public void close() {
        tree.close();
        nodeOfFrame.close();
    }
}
