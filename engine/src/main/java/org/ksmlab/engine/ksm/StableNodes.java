package org.ksmlab.engine.ksm;

import java.util.Arrays;
import org.agrona.collections.Int2ObjectHashMap;
import org.ksmlab.engine.memory.OffHeapArray;
import org.ksmlab.engine.memory.OffHeapIntMap;

/**
 * Stable-tree nodes (struct ksm_stable_node), struct-of-arrays off the heap: a regular node or a
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

    private final OffHeapArray kpfn = OffHeapArray.ints();
    private final OffHeapArray hlistHead = OffHeapArray.ints();
    private final OffHeapArray rmapHlistLen = OffHeapArray.ints();
    /** For a dup: its chain; for a node in the tree: NONE. */
    private final OffHeapArray chain = OffHeapArray.ints();
    private final OffHeapArray checksum = OffHeapArray.ints();
    /** Dup list links of dups, and the last full prune of chains (chain_prune_time), by node. */
    private final Int2ObjectHashMap<Chained> chained = new Int2ObjectHashMap<>();
    final RbTree tree = new RbTree();
    /** Stable node of each KSM frame (folio_stable_node); frames without one are absent. */
    private final OffHeapIntMap nodeOfFrame = new OffHeapIntMap(NONE);

    private int[] freeList = new int[64];
    private int freeCount;
    private int limit;
    long count;

    /** What only dups and chains have. */
    private static final class Chained {
        int dupNext = NONE;
        int dupPrev = NONE;
        /** For a chain: virtual ms of the last full prune (chain_prune_time). */
        long chainPruneMillis;
    }

    int allocate() {
        int n;
        if (freeCount > 0) {
            n = freeList[--freeCount];
        } else {
            n = limit++;
            long size = limit;
            kpfn.ensure(size);
            hlistHead.ensure(size);
            rmapHlistLen.ensure(size);
            chain.ensure(size);
            checksum.ensure(size);
            tree.ensure(n);
        }
        kpfn.setInt(n, NONE);
        hlistHead.setInt(n, NONE);
        rmapHlistLen.setInt(n, 0);
        chain.setInt(n, NONE);
        checksum.setInt(n, 0);
        chained.remove(n);
        count++;
        return n;
    }

    void free(int n) {
        kpfn.setInt(n, NONE);
        chained.remove(n);
        count--;
        if (freeCount == freeList.length) {
            freeList = Arrays.copyOf(freeList, freeCount * 2);
        }
        freeList[freeCount++] = n;
    }

    int kpfn(int n) { return kpfn.getInt(n); }
    void setKpfn(int n, int frame) { kpfn.setInt(n, frame); }
    int hlistHead(int n) { return hlistHead.getInt(n); }
    void setHlistHead(int n, int item) { hlistHead.setInt(n, item); }
    int rmapHlistLen(int n) { return rmapHlistLen.getInt(n); }
    void setRmapHlistLen(int n, int len) { rmapHlistLen.setInt(n, len); }
    int chain(int n) { return chain.getInt(n); }
    void setChain(int n, int c) { chain.setInt(n, c); }
    int checksum(int n) { return checksum.getInt(n); }
    void setChecksum(int n, int cs) { checksum.setInt(n, cs); }

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

    /** Bytes per stable node of the arrays above (dups and chains hold a little more). */
    static int bytesPerNode() {
        return 5 * Integer.BYTES + RbTree.bytesPerNode();
    }

    @Override
    public void close() {
        kpfn.close();
        hlistHead.close();
        rmapHlistLen.close();
        chain.close();
        checksum.close();
        tree.close();
        nodeOfFrame.close();
    }
}
