/**
 * SKSM: synchronous page merging by {@code madvise(MADV_MERGE)} (RFC, Mathieu Desnoyers,
 * 2025-02-28, mm/sksm.c), and the variants its review proposed.
 *
 * <h2>Overview</h2>
 * There is no daemon and no scan. A process calls MADV_MERGE on a range; for each present
 * anonymous page in it the kernel
 * <ol>
 * <li>write-protects the pte (from now on every write to the page faults and copies: a page
 *     that went through MADV_MERGE is never reused in place, {@code PageStore.F_SKSM});</li>
 * <li>computes {@code checksum = u32 xxh64(page)};</li>
 * <li>walks the bucket {@code hash_32(checksum, 16)} of a static 65536-bucket chained table,
 *     comparing the checksum, then the contents;</li>
 * <li>on a match replaces the pte with the table's page (the old frame is released); without
 *     one adds the page itself to the table, where it stays until the frame is freed.</li>
 * </ol>
 * The zero page is in the table from boot, so zero-filled pages merge with it (their ptes are
 * marked like KSM's zero-page merges, {@code KSM_ZERO}). A range in a VMA KSM could not merge
 * (shared, PFN-mapped, hugetlb, ...) is ignored; the kernel model returns EINVAL for an
 * unaligned start and ENOMEM for holes before the merger is called. The table holds no page
 * reference; {@code frameFreed} removes a page from it.
 *
 * <h2>Classes</h2>
 * {@link org.ksmlab.engine.sksm.Sksm} (the merger; {@code sksm} with the RFC's
 * {@code ChainedChecksumTable}, {@code sksm-resizable} with {@code ResizableChecksumTable}, an
 * open-addressing table keyed by the full 64-bit hash that doubles when half full),
 * {@code SksmAged} ({@code sksm-aged}: the user-space agent), {@link
 * org.ksmlab.engine.sksm.SksmAlgorithms} (the variants' knobs, validation and constructors,
 * which {@code sim.Algorithms} registers). {@link org.ksmlab.engine.sksm.ChecksumTable} is
 * public, with its two tables' factories, because the micro benchmarks measure the tables SKSM
 * runs (the same rule as the ksm package's RbTree). Frame ids are {@code frame}, virtual page
 * numbers {@code vpn} (see the memory package). The RFC's behaviour the model follows is
 * summarised in docs/kernel-behaviour.md.
 *
 * <h2>How user space opts in (a modelling decision)</h2>
 * Workloads opt in the way KSM users do, with {@code MADV_MERGEABLE} after writing their pages,
 * so one workload runs unchanged under every merger.
 * <ul>
 * <li>{@code sksm}, {@code sksm-resizable}: MADV_MERGEABLE keeps the kernel's flag logic and
 *     then MADV_MERGEs the range at once. It stands for the application calling MADV_MERGE
 *     itself at that point, the RFC's usage. It happens once: a page written later stays
 *     unmerged until another MADV_MERGE (periodic re-merging is not modelled).</li>
 * <li>{@code sksm-aged}: MADV_MERGEABLE registers the range with a simulated user-space agent
 *     (the VM_MERGEABLE flag is the registration). Every {@code scan_ms} it reads and clears
 *     the soft-dirty bits of registered ranges and MADV_MERGEs runs of pages unwritten for
 *     {@code age_ms}; a page COW'd after merging more than {@code max_breaks} times is not
 *     nominated again (RoaringBitmaps per process).</li>
 * </ul>
 * Direct {@code madvise(MADV_MERGE)} works under all three. prctl(PR_SET_MEMORY_MERGE) only sets
 * VMA flags (no ksmd); under {@code sksm-aged} that registers the process's ranges.
 *
 * <h2>Counters</h2>
 * Cumulative: {@code sksm_madvise_calls}, {@code sksm_pages_examined} (present anonymous pages
 * not yet merged, each checksummed), {@code sksm_pages_merged} (ptes replaced, zero-page merges
 * included), {@code sksm_zero_merged}, {@code sksm_wp_no_match} (pages write-protected and
 * added to the table), {@code sksm_cow_after_merge} (write faults copying a merged page or a
 * zero-page merge), {@code sksm_checksum_collisions}. Current: {@code sksm_table_entries} (the
 * zero page included), {@code sksm_table_slots}, {@code sksm_table_resizes},
 * {@code sksm_chain_max}, {@code sksm_zero_pages}, {@code sksm_pages_sharing} (mappings of table
 * pages beyond the first, plus zero-page merges). Ratios as ×1000 longs:
 * {@code sksm_pages_per_call_milli}, {@code sksm_chain_mean_milli}. {@code cpu_ns} is the
 * modelled CPU time of all SKSM work (cost package). {@code sksm-aged} adds
 * {@code sksm_agent_scans}, {@code sksm_agent_pages_visited}, {@code sksm_agent_nominated},
 * {@code sksm_agent_blocked}, {@code sksm_agent_aging_page_scans} (pages found clean but too
 * young, summed over scans: it is a stability counter, so {@code --until-stable} waits for
 * aging pages to come of age; pages written every scan do not count, so steady churn does not
 * keep a run from being stable).
 *
 * <h2>Where this model differs from the kernel</h2>
 * <ul>
 * <li>One global table and no locking (the RFC takes a global mutex per lookup); single thread.</li>
 * <li>No huge pages to split (4 KiB pages only).</li>
 * <li>Clearing soft-dirty in the real kernel write-protects ptes, so the next write takes a
 *     fault; the model only clears the bit, and charges the scan per pte visited.</li>
 * <li>The table page's {@code sksm_pages_sharing} counts every mapping beyond the first,
 *     fork-shared ones included.</li>
 * </ul>
 */
package org.ksmlab.engine.sksm;
