/**
 * KSM, as mm/ksm.c (Linux 6.x) does it, in virtual time.
 *
 * <h2>Overview (after mm/ksm.c's "DOC: Overview")</h2>
 * ksmd walks the VM_MERGEABLE memory of registered mms ({@link org.ksmlab.engine.ksm.MmSlot},
 * a circular list with one cursor; a newly registered mm goes just behind the cursor, so it is
 * normally first scanned in the next pass). It wakes, scans {@code pages_to_scan} present
 * anonymous pages, and sleeps {@code sleep_millisecs}; a batch that reaches the end of a pass
 * forfeits its remainder. Each visited page gets an rmap_item ({@link org.ksmlab.engine.ksm.RmapItems},
 * struct-of-arrays) and goes through {@code cmpAndMergePage}:
 * <ol>
 * <li>A page already merged and tracked by this item: nothing to do.</li>
 * <li>Otherwise its checksum (low 32 bits of xxh64) is compared with the previous visit's: a
 *     changed page is volatile and is neither searched nor inserted. A fresh page therefore
 *     needs two passes before it can merge.</li>
 * <li>With use_zero_pages, an unchanged all-zero page is mapped to the zero page.</li>
 * <li>The stable tree (KSM pages, ordered by memcmp) is searched; a match with room under
 *     max_page_sharing takes the page. Contents whose KSM pages are full form a chain of dups.</li>
 * <li>Otherwise the unstable tree (pages unchanged for a pass, ordered by memcmp, rebuilt from
 *     empty every pass) is searched: a match makes a new KSM page of both, inserted in the
 *     stable tree; no match inserts the page.</li>
 * </ol>
 * The techniques that keep the unstable tree safe are the kernel's: it is flushed every pass;
 * only pages whose checksum did not change are inserted; it is a red-black tree balanced by
 * colour, not content ({@link org.ksmlab.engine.ksm.RbTree}), so corruption by changing pages
 * never unbalances it, and nodes are erased by id, never by search; the stable tree is never
 * flushed. Smart scan skips pages that keep failing (skip_age 1, 2, 4, 8 passes); the
 * scan-time advisor ({@link org.ksmlab.engine.ksm.Advisor}) retunes pages_to_scan each pass.
 * Counters are the sysfs ones, fixed up lazily exactly where the kernel fixes them: a write to
 * a KSM page COWs at once, but pages_shared/pages_sharing change only when ksmd revisits the
 * address or finds the stale stable node; ksm_zero_pages drops at once.
 *
 * <p>The classes follow mm/ksm.c's parts: {@link org.ksmlab.engine.ksm.Ksm} (the merger:
 * ksm_do_scan, cmp_and_merge_page and the try_to_merge family, the madvise/prctl/fork/exit
 * hooks, the sysfs writes), {@code KsmScan} (struct ksm_scan: the cursor over the mm_slot list,
 * the rmap_items' life along it, smart scan), {@code StableTree} (with its chains and dups),
 * {@code UnstableTree}, {@code KsmCounters} (every counter moved by one named method),
 * {@code Ksmd} (batches, CPU time, the advisor), {@code KsmPages} (checksums and compares, with
 * their cost), {@link org.ksmlab.engine.ksm.KsmKnobs} (the sysfs values and their parsing) and
 * the off-heap stores {@code RmapItems} (ints per item) and {@code StableNodes} (a record per node, in its tree). Results travel as
 * return values: an rmap_item and its page packed in one long where the kernel uses a
 * {@code struct page **} out-argument, so the scan allocates nothing per page. Public: the
 * merger, its knobs, and {@link org.ksmlab.engine.ksm.RbTree}, which the micro benchmarks
 * measure as KSM walks it (the engine's one rule for benchmarks: a structure a benchmark
 * measures is public, documented API; everything else stays package-private).
 *
 * <h2>Checked against the live kernel</h2>
 * Linux 6.18 (kernel-check and the measurements in the README): per-pass counters of the
 * duplicate, unique, zero-page (use_zero_pages 0 and 1), chain, volatile and multi-process
 * scenarios equal the kernel's in every pass; the scan-time advisor's pages_to_scan sequence
 * (500, 70, 700, 7000, 30000 with advisor_target_scan_time=1) equals the kernel's pass by pass
 * whenever the modelled CPU lands in the kernel's integer percent of a CPU (4 of 5 runs);
 * ksmd's sleep in ticks (traced: msecs_to_jiffies plus the wheel's round-up); the chain rule;
 * the smart-scan visit schedule; zero-page merges counted as volatile in the merging pass; a forked child joining its parent's
 * KSM page beyond max_page_sharing; an mm with nothing mergeable left dropped (with its
 * MMF_VM_MERGE_ANY) at the next visit; run=2 resetting full_scans; the knobs' error answers.
 *
 * <h2>Where this model differs from the kernel</h2>
 * <ul>
 * <li>One NUMA node: merge_across_nodes is accepted but has no effect; no migrate_nodes list.</li>
 * <li>No locks, pins or swap: write_protect_page and replace_page never fail on a raised page
 *     count or a concurrent fault (they can fail only because the pte changed), so the
 *     "stuck in pages_volatile" cases that lru_add_drain_all exists for do not occur.</li>
 * <li>No THP: every page is 4 KiB; split_huge_page paths are absent.</li>
 * <li>Time: ksmd's CPU time is modelled from work counts ({@link org.ksmlab.engine.cost.CostModel})
 *     and a batch takes that long (over ksmd's share of a CPU) in virtual time; sleeps are whole
 *     ticks of {@code kernel.hz} with the timer wheel's round-up, a share of them a tick late, and
 *     a wake-up latency after the tick ({@code Ksmd}). Late ticks, wake-up latency and CPU share are
 *     means applied evenly, where the kernel's vary per wake-up; the machine's load is an input
 *     (kernel-check measures it), not modelled; lru_add_drain_all's wait and the freezer are not
 *     modelled.</li>
 * <li>stable_node_chains_prune_millisecs uses virtual time; chain pruning otherwise follows
 *     stable_node_dup().</li>
 * <li>Layout, not behaviour: an rmap_item is 12 bytes ({@link RmapItems}: its mm and address
 *     come from where it is stored, the unstable tree's nodes are handed out per pass, a stable
 *     item's oldchecksum is its stable node's unless kept aside, the stable hlist is singly
 *     linked), so the model's own tracking memory ({@code tracking_bytes}) is not the kernel's;
 *     {@code general_profit} charges the kernel's 64 bytes per item, as the kernel does.</li>
 * <li>Three variants that are in no kernel, defences against the merge side channel
 *     ({@link org.ksmlab.engine.ksm.MergePolicy}): {@code ksm-zero-only} (only all-zero pages,
 *     with the zero page), {@code ksm-same-domain} (trees ordered by the process's security domain
 *     first, which partitions them the way merge_across_nodes=0 partitions them by NUMA node), and
 *     {@code ksm-fake-merge} (a candidate page without a twin becomes a KSM page of its own, so
 *     every candidate copies on write, after VUsion's "same behaviour"). Same ksmd, knobs and
 *     counters as {@code ksm}.</li>
 * </ul>
 */
package org.ksmlab.engine.ksm;
