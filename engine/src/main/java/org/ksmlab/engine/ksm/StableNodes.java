package org.ksmlab.engine.ksm;

import java.util.Arrays;

/**
 * Stable-tree nodes as struct-of-arrays (struct ksm_stable_node): a regular node or a dup
 * holds one KSM page ({@code kpfn}) and the list of rmap_items mapping it
 * ({@code hlistHead}, {@code rmapHlistLen}); a chain ({@code rmapHlistLen == STABLE_NODE_CHAIN})
 * holds a list of dups with the same content. Regular nodes and chains are in the stable
 * {@link #tree}; dups hang off their chain ({@code dupNext}/{@code dupPrev}, chain head in
 * {@code hlistHead}).
 */
final class StableNodes {
    static final int NONE = -1;
    /** rmap_hlist_len of a chain node (the kernel's STABLE_NODE_CHAIN). */
    static final int STABLE_NODE_CHAIN = -1024;

    int[] kpfn = new int[0];
    int[] hlistHead = new int[0];
    int[] rmapHlistLen = new int[0];
    /** For a dup: its chain; for a node in the tree: NONE. */
    int[] chain = new int[0];
    int[] dupNext = new int[0];
    int[] dupPrev = new int[0];
    /** For a chain: virtual ms of the last full prune (chain_prune_time). */
    long[] chainPruneMillis = new long[0];
    final RbTree tree = new RbTree();
    /** Stable node of each KSM frame (folio_stable_node), NONE for other frames. */
    int[] nodeOfFrame = new int[0];

    private int[] freeList = new int[64];
    private int freeCount;
    private int limit;
    long count;

    int allocate() {
        int n;
        if (freeCount > 0) {
            n = freeList[--freeCount];
        } else {
            n = limit++;
            if (n >= kpfn.length) {
                int cap = Math.max(64, kpfn.length * 2);
                kpfn = Arrays.copyOf(kpfn, cap);
                hlistHead = Arrays.copyOf(hlistHead, cap);
                rmapHlistLen = Arrays.copyOf(rmapHlistLen, cap);
                chain = Arrays.copyOf(chain, cap);
                dupNext = Arrays.copyOf(dupNext, cap);
                dupPrev = Arrays.copyOf(dupPrev, cap);
                chainPruneMillis = Arrays.copyOf(chainPruneMillis, cap);
            }
            tree.ensure(n);
        }
        kpfn[n] = NONE;
        hlistHead[n] = NONE;
        rmapHlistLen[n] = 0;
        chain[n] = NONE;
        dupNext[n] = NONE;
        dupPrev[n] = NONE;
        chainPruneMillis[n] = 0;
        count++;
        return n;
    }

    void free(int n) {
        kpfn[n] = NONE;
        count--;
        if (freeCount == freeList.length) {
            freeList = Arrays.copyOf(freeList, freeCount * 2);
        }
        freeList[freeCount++] = n;
    }

    boolean isChain(int n) { return rmapHlistLen[n] == STABLE_NODE_CHAIN; }
    boolean isDup(int n) { return chain[n] != NONE; }

    int nodeOfFrame(int frame) {
        return frame < nodeOfFrame.length ? nodeOfFrame[frame] : NONE;
    }

    void setNodeOfFrame(int frame, int node) {
        if (frame >= nodeOfFrame.length) {
            int old = nodeOfFrame.length;
            nodeOfFrame = Arrays.copyOf(nodeOfFrame, Math.max(frame + 1, old * 2));
            Arrays.fill(nodeOfFrame, old, nodeOfFrame.length, NONE);
        }
        nodeOfFrame[frame] = node;
    }

    /** Bytes per stable node of the arrays above. */
    static int bytesPerNode() {
        return 6 * Integer.BYTES + Long.BYTES + RbTree.bytesPerNode();
    }

    int capacity() {
        return kpfn.length;
    }
}
