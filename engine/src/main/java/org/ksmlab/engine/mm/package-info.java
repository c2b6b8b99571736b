/**
 * The kernel model: processes, their address spaces, page tables, page faults and the system
 * calls a workload makes, over the frames of the memory package. Mergers (KSM, SKSM, none) plug
 * in through {@link org.ksmlab.engine.mm.Merger}; the mm code never knows which one it runs.
 *
 * <h2>Overview</h2>
 * The classes follow the kernel's files:
 * <ul>
 * <li>{@link org.ksmlab.engine.mm.Kernel}: the system calls (fork, exit, exec, mmap, munmap,
 *     mremap, madvise, prctl, reads and writes), the process table and the virtual clock; it
 *     validates arguments with the kernel's errors ({@link org.ksmlab.engine.mm.Errno}) and
 *     hands the work to the classes below.</li>
 * <li>{@code Faults} (mm/memory.c): a missing pte is filled by {@code do_anonymous_page} (a
 *     read maps the zero page, a write allocates) or from the page cache, with
 *     {@code do_cow_fault} copying a private file page on write; a write to a write-protected
 *     pte goes through {@code do_wp_page}, which reuses an anonymous frame only this mapping
 *     references and that is not merged ({@code wp_can_reuse_anon_folio}) and copies anything
 *     else.</li>
 * <li>{@code VmaTree} (mm/vma.c, mm/mmap.c): a process's VMAs by start address, never
 *     overlapping; split at an address, flags set on an exact range (the VMA is split, then
 *     merged back with identical neighbours), top-down search for a free range.</li>
 * <li>{@code Rmap} (mm/rmap.c): a pte that maps a frame holds a mapping and a reference;
 *     nr_anon_pages counts anonymous frames from their first mapping to their last.</li>
 * <li>{@link org.ksmlab.engine.mm.MergerServices}: the only pte changes a merger makes
 *     (write_protect_page, replace_page, the unsharing fault of break_ksm).</li>
 * <li>{@code Invariants}: the accounting check (below).</li>
 * <li>{@link org.ksmlab.engine.mm.Process} (task and mm in one), {@link org.ksmlab.engine.mm.Vma},
 *     {@link org.ksmlab.engine.mm.VmFlags} (the include/linux/mm.h and uapi values),
 *     {@link org.ksmlab.engine.mm.PageTable} (a pte is a long: frame id in bits 0-31, then
 *     PRESENT, WRITE, SOFT_DIRTY, KSM_ZERO), {@link org.ksmlab.engine.mm.MappedFile} (a file or
 *     shmem object and its page cache).</li>
 * </ul>
 * Naming: {@code frame} is a frame id of the page store, {@code vpn} a virtual page number
 * ({@code addr >>> PAGE_SHIFT}), {@code addr}, {@code start} and {@code end} byte addresses.
 *
 * <p>Invariants, checked by {@code Kernel.checkInvariants()} after every operation of the
 * no-data-loss property: a frame's mapcount equals the ptes that map it; its refcount equals
 * those plus the page cache's reference plus what the merger holds; nr_anon_pages equals the
 * mapped anonymous frames; no pte maps the zero page or a merged frame writable.
 *
 * <h2>Checked against the live kernel</h2>
 * Only through KSM: kernel-check (Linux 6.18) runs the same workloads as real processes that
 * mmap anonymous memory, write it and madvise(MADV_MERGEABLE) it, and compares KSM's counters
 * per full scan (see the ksm package). The model also reproduces two separate measurements
 * that rest on this package: a fork after merging (200 identical pages, then fork: shared 1,
 * sharing 399, the child's ptes sharing the parent's KSM page) and an mm with nothing mergeable
 * left dropped at ksmd's next visit, keeping merge-any. Since the scenarios, kernel-check
 * --scenario also compares nr_anon_pages (distinct anonymous frames of the scenario's processes,
 * from pagemap), cow-driven frame counts and VMA counts per phase with the live kernel (the
 * shipped scenarios agree on every counter); the fault rules, VMA splitting and merging, mremap
 * and exec follow the kernel source cited at each method, and the SKSM RFC's nr_anon_pages figures are compared with the
 * codepatch workload in the README (a comparison with a measurement, not a check).
 *
 * <h2>Where this model differs from the kernel</h2>
 * <ul>
 * <li>4 KiB pages only: no THP or large folios, no split paths.</li>
 * <li>No swap, page reclaim, LRU lists or NUMA; no GUP pins, so a refcount is exactly the
 *     mappings, the page cache and the merger.</li>
 * <li>No mprotect, VM_DONTCOPY or WIPEONFORK; MADV_HUGEPAGE/NOHUGEPAGE are accepted and do not
 *     split VMAs.</li>
 * <li>anon_vma identity is not modelled: anonymous neighbours with equal flags always merge.</li>
 * <li>exec gives the process a new, empty address space (no program is loaded); merge-any is
 *     kept, as the kernel keeps MMF_VM_MERGE_ANY.</li>
 * <li>Single-threaded, in virtual time: locks, trylocks and races never fail or happen.</li>
 * <li>Processes carry a security domain ({@link org.ksmlab.engine.mm.Process#domain()}): a
 *     tenant, which the kernel has no notion of. A spawned process is a domain of its own until
 *     {@link org.ksmlab.engine.mm.Kernel#setDomain} (before its first mapping) groups it; fork and
 *     exec keep it. Only the defences that merge inside one domain and the exposure metrics read it.</li>
 * </ul>
 */
package org.ksmlab.engine.mm;
