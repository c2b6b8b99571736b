package org.ksmlab.engine.ksm;

/**
 * What a KSM variant may merge. In-tree KSM merges any two equal pages of any two mms, which is
 * what makes merging observable: a write to a merged page takes a copy-on-write fault, so a
 * process can time its own write and learn that some other process holds the same contents.
 * The other policies are defences against that side channel, each on the same ksmd, the same
 * knobs and the same trees. None of them is in any kernel: they are proposals from the
 * literature and the KSM hardening debates, modelled here so their cost in saving can be
 * measured on the same workloads as unrestricted KSM.
 */
public enum MergePolicy {
    /** In-tree KSM (mm/ksm.c): any equal pages merge. */
    UNRESTRICTED("ksm"),
    /**
     * Only all-zero pages merge, and only with the kernel's zero page ({@code use_zero_pages=1},
     * which this variant turns on): every process already maps the zero page, so learning that
     * some page is zero tells nothing about another tenant. Equal non-zero pages are left alone:
     * after the checksum test they are neither searched for nor inserted in a tree.
     */
    ZERO_PAGES_ONLY("ksm-zero-only"),
    /**
     * Partitioned trees: a page merges only with pages of its own security domain (the
     * process's {@link org.ksmlab.engine.mm.Process#domain()}), as if each domain had its own
     * stable and unstable tree, the way merge_across_nodes=0 gives each NUMA node its own
     * ({@code root_stable_tree[nid]}). The model keeps one tree of each kind ordered by
     * (domain, contents), which partitions it exactly; a walk visits at most a few nodes of other
     * domains near the root (counted as tree steps) where separate trees would not.
     */
    SAME_DOMAIN("ksm-same-domain"),
    /**
     * Fake merging, after the "same behaviour" principle of VUsion (Oliverio et al., "Secure Page
     * Fusion with VUsion", SOSP 2017): every page that passes the checksum test and finds no
     * twin is made a KSM page of its own (write-protected, in the stable tree with one mapping)
     * instead of waiting in the unstable tree, so from that visit on a write to it takes the same
     * copy-on-write fault whether it merged with another page or not. VUsion makes candidates
     * copy-on-access (reads fault too); the model times only writes, so copy-on-write is the part
     * that matters here. Its cost: a COW fault on every write to a candidate page.
     */
    FAKE_MERGE("ksm-fake-merge");

    private final String algorithmName;

    MergePolicy(String algorithmName) {
        this.algorithmName = algorithmName;
    }

    /** The merger's {@code --algo} name. */
    public String algorithmName() {
        return algorithmName;
    }

    /** Whether equal non-zero pages may merge at all. */
    boolean mergesNonZeroPages() {
        return this != ZERO_PAGES_ONLY;
    }

    /** Whether the trees are partitioned by security domain. */
    boolean partitionsByDomain() {
        return this == SAME_DOMAIN;
    }

    /** Whether a candidate page without a twin is made a KSM page of its own. */
    boolean fakeMerges() {
        return this == FAKE_MERGE;
    }
}
