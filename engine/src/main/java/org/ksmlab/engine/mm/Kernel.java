package org.ksmlab.engine.mm;

import static org.ksmlab.engine.mm.VmFlags.*;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ksmlab.engine.memory.PageStore;

/**
 * The kernel model: processes, their address spaces, page faults and the system calls a
 * workload makes. It owns the {@link PageStore}, the virtual clock and the global counters,
 * and tells the installed {@link Merger} what it needs to know.
 *
 * <h2>Faults (mm/memory.c)</h2>
 * <ul>
 * <li>First touch of private anonymous memory: a read maps the shared zero page read-only, a
 *     write allocates a zeroed anonymous frame ({@code do_anonymous_page}).</li>
 * <li>First touch of a file mapping maps the page-cache frame (read-only when private); a
 *     write to a private file mapping copies it into a new anonymous frame
 *     ({@code do_cow_fault}) — how code patching turns libc text into anonymous memory.</li>
 * <li>A write to a present, write-protected pte ({@code do_wp_page}): a shared mapping is made
 *     writable; the zero page, a KSM or SKSM page, a page-cache page or an anonymous frame
 *     with other references is copied ({@code wp_page_copy}); an anonymous frame whose only
 *     reference is this mapping and that is not a KSM page is reused in place
 *     ({@code wp_can_reuse_anon_folio}).</li>
 * </ul>
 *
 * <h2>Counters</h2>
 * {@code nr_anon_pages} counts anonymous frames (KSM pages included) with at least one
 * mapping, as /proc/vmstat's NR_ANON_MAPPED; the zero page and page cache are not counted.
 * {@code cow_faults} counts write faults that copied a page (every {@code wp_page_copy} and
 * {@code do_cow_fault}); {@code minor_faults} counts every fault handled (pgfault).
 *
 * <p>Single-threaded: ksmd and workload events interleave in virtual time, so the lock,
 * trylock and pin paths of the kernel never fail here.
 */
public final class Kernel implements AutoCloseable {
    /** Top of the mmap area: mappings are placed top-down below it (mm/mmap.c, x86-64 layout). */
    public static final long MMAP_BASE = 0x7f00_0000_0000L;
    /** Lowest address mmap hands out (vm.mmap_min_addr is 64 KiB; we keep well above). */
    public static final long MMAP_MIN = 0x1000_0000L;
    /**
     * mm->start_brk of every process: where its heap begins (a PIE program's heap lies just
     * above its data segment, around here; the model has no program image).
     */
    public static final long BRK_BASE = 0x5555_5600_0000L;
    private static final int PAGE_SHIFT = PageStore.PAGE_SHIFT;
    private static final long PAGE_MASK = PageStore.PAGE_SIZE - 1;

    private final PageStore store;
    private final Merger merger;
    private final Map<Integer, Process> processes = new LinkedHashMap<>();
    /** VMAs mapping each file; a shmem object's page cache is dropped with its last mapping. */
    private final Map<MappedFile, Integer> fileMappings = new IdentityHashMap<>();
    /** Every file whose page cache may hold frames (regular files keep theirs after the last unmap). */
    private final Map<MappedFile, Boolean> knownFiles = new IdentityHashMap<>();
    private int nextPid = 1;
    /** Virtual time, nanoseconds since the model started. */
    private long nowNanos;

    private long nrAnonPages;
    private long cowFaults;
    private long minorFaults;

    public Kernel(Merger merger) {
        this.merger = merger;
        this.store = new PageStore(merger::frameFreed);
        merger.attach(this);
    }

    public PageStore store() { return store; }
    public Merger merger() { return merger; }
    public long nowNanos() { return nowNanos; }

    /** Moves the virtual clock forward (never back). */
    public void advanceTo(long nanos) {
        if (nanos < nowNanos) {
            throw new IllegalArgumentException("virtual time cannot go back: " + nanos + " < " + nowNanos);
        }
        nowNanos = nanos;
    }

    // ---------------------------------------------------------------- processes

    /** Starts a new process with an empty address space (as after exec of a fresh program). */
    public int spawn() {
        Process p = new Process(nextPid++, 0);
        processes.put(p.pid, p);
        return p.pid;
    }

    public Process process(int pid) {
        Process p = processes.get(pid);
        if (p == null) {
            throw new SyscallException(Errno.ESRCH, "no process with pid " + pid);
        }
        return p;
    }

    /** Live processes in creation order. */
    public List<Process> processes() {
        return new ArrayList<>(processes.values());
    }

    /**
     * fork(): the child gets a copy of every VMA; pages of private mappings are shared and
     * write-protected in both (copy-on-write); the merge-any flag is inherited.
     * @see "kernel/fork.c: dup_mmap; mm/memory.c: copy_present_pte"
     */
    public int fork(int pid) {
        Process parent = process(pid);
        Process child = new Process(nextPid++, pid);
        child.mergeAny = parent.mergeAny;
        child.brk = parent.brk;
        for (Vma v : parent.vmaView()) {
            Vma c = v.copy();
            child.vmas.put(c.start, c);
            if (c.file != null) {
                fileMappings.merge(c.file, 1, Integer::sum);
            }
            // vma_needs_copy: file mappings without anonymous pages are refaulted by the child.
            if (v.file != null && !v.anonVma) {
                continue;
            }
            boolean cow = isCowMapping(v.flags);
            PageTable ppt = parent.pageTable;
            ppt.forEachPresent(v.start >>> PAGE_SHIFT, v.end >>> PAGE_SHIFT, vpn -> {
                long pte = ppt.get(vpn);
                int frame = PageTable.frame(pte);
                if (frame != PageStore.ZERO_FRAME) {
                    store.get(frame);
                    mapFrame(frame);
                }
                if (cow && PageTable.writable(pte)) {
                    pte &= ~PageTable.WRITE;
                    ppt.set(vpn, pte);
                }
                child.pageTable.set(vpn, pte);
            });
        }
        processes.put(child.pid, child);
        merger.forked(parent, child);
        return child.pid;
    }

    /** exit(): the address space is torn down, every page unmapped. */
    public void exit(int pid) {
        exitMmap(process(pid));
        processes.remove(pid);
    }

    /** Tears an address space down: the merger is told first, then every VMA is unmapped. @see "mm/mmap.c: exit_mmap" */
    private void exitMmap(Process p) {
        merger.exiting(p);
        for (Vma v : new ArrayList<>(p.vmas.values())) {
            removeVma(p, v);
        }
        p.alive = false;
    }

    /**
     * execve(): the process gets a new, empty address space; the old one is torn down as at
     * exit. The merge-any flag survives (it is in MMF_INIT_MASK), and the merger is told so it
     * can register the new mm (ksm_execve).
     * @see "fs/exec.c: exec_mmap; mm/ksm.c: ksm_execve"
     */
    public void exec(int pid) {
        Process old = process(pid);
        exitMmap(old);
        Process fresh = new Process(pid, old.parentPid);
        fresh.mergeAny = old.mergeAny;
        processes.put(pid, fresh);
        merger.execed(fresh);
    }

    // ---------------------------------------------------------------- mmap family

    /**
     * mmap(): returns the start address. {@code file} is null for anonymous memory;
     * {@code pgoffPages} is the file offset in pages.
     * @see "mm/mmap.c: do_mmap"
     */
    public long mmap(int pid, long addr, long length, int prot, int flags, MappedFile file, long pgoffPages) {
        Process p = process(pid);
        if (length <= 0) {
            throw new SyscallException(Errno.EINVAL, "mmap length " + length + " must be > 0");
        }
        boolean shared = (flags & MAP_SHARED) != 0;
        boolean priv = (flags & MAP_PRIVATE) != 0;
        if (shared == priv) {
            throw new SyscallException(Errno.EINVAL, "mmap flags 0x" + Integer.toHexString(flags) + ": exactly one of MAP_SHARED, MAP_PRIVATE");
        }
        boolean anon = (flags & MAP_ANONYMOUS) != 0;
        if (anon == (file != null)) {
            throw new SyscallException(Errno.EINVAL, "mmap: MAP_ANONYMOUS goes with no file, a file mapping needs a file");
        }
        if ((flags & MAP_FIXED) != 0 && (addr & PAGE_MASK) != 0) {
            throw new SyscallException(Errno.EINVAL, "mmap MAP_FIXED address 0x" + Long.toHexString(addr) + " is not page aligned");
        }
        long len = pageAlign(length);
        long vmFlags = VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;
        if ((prot & PROT_READ) != 0) vmFlags |= VM_READ;
        if ((prot & PROT_WRITE) != 0) vmFlags |= VM_WRITE;
        if ((prot & PROT_EXEC) != 0) vmFlags |= VM_EXEC;
        if (shared) vmFlags |= VM_SHARED | VM_MAYSHARE;
        if ((flags & MAP_HUGETLB) != 0) vmFlags |= VM_HUGETLB;
        if (anon && shared) {
            file = MappedFile.shmem(len >>> PAGE_SHIFT);
            pgoffPages = 0;
        }
        long start;
        if ((flags & MAP_FIXED) != 0) {
            unmapRange(p, addr, addr + len);
            start = addr;
        } else if (addr != 0 && (addr & PAGE_MASK) == 0 && isFree(p, addr, addr + len)) {
            start = addr;
        } else {
            start = unmappedArea(p, len);
        }
        // A process with merge-any gets VM_MERGEABLE on every compatible new VMA (ksm_vma_flags).
        if (p.mergeAny && ksmCompatible(vmFlags)) {
            vmFlags |= VM_MERGEABLE;
        }
        Vma v = new Vma(start, start + len, vmFlags, file, pgoffPages);
        insertVma(p, v);
        if ((vmFlags & VM_MERGEABLE) != 0) {
            merger.vmaAdded(p, v);
        }
        mergeAround(p, start, start + len);
        return start;
    }

    /**
     * brk(): moves the program break to {@code newBrk} (page aligned here) and returns the break
     * after the call; {@code brk(0)}, or a break below the heap's start, changes nothing and
     * returns the current one, as the kernel does. Growing maps the new part as anonymous
     * read-write memory right after the old break (do_brk_flags): it joins the heap VMA when the
     * flags are the same, and a merge-any process's new part is VM_MERGEABLE as mmap's is.
     * Growing into a mapping fails (the break stays); shrinking unmaps the tail.
     * @see "mm/mmap.c: SYSCALL_DEFINE1(brk), do_brk_flags"
     */
    public long brk(int pid, long newBrk) {
        Process p = process(pid);
        if (newBrk < BRK_BASE) {
            return p.brk;
        }
        long target = BRK_BASE + pageAlign(newBrk - BRK_BASE);
        if (target < p.brk) {
            unmapRange(p, target, p.brk);
            p.brk = target;
        } else if (target > p.brk) {
            if (!isFree(p, p.brk, target)) {
                return p.brk; // the kernel refuses silently: brk() returns the old break
            }
            mmap(pid, p.brk, target - p.brk, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, null, 0);
            p.brk = target;
        }
        return p.brk;
    }

    /** Anonymous private read-write memory: the common case. */
    public long mmapAnonymous(int pid, long length) {
        return mmap(pid, 0, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, null, 0);
    }

    /** munmap(): unmapped holes inside the range are fine, as in the kernel. */
    public void munmap(int pid, long addr, long length) {
        Process p = process(pid);
        if ((addr & PAGE_MASK) != 0) {
            throw new SyscallException(Errno.EINVAL, "munmap address 0x" + Long.toHexString(addr) + " is not page aligned");
        }
        if (length <= 0) {
            throw new SyscallException(Errno.EINVAL, "munmap length " + length + " must be > 0");
        }
        unmapRange(p, addr, addr + pageAlign(length));
    }

    /**
     * mremap(): shrink, grow in place, or move ({@link VmFlags#MREMAP_MAYMOVE}, with
     * {@link VmFlags#MREMAP_FIXED} to {@code newAddr}). Moving carries the page-table entries to
     * the new address; frames are not copied. Returns the new start.
     * @see "mm/mremap.c"
     */
    public long mremap(int pid, long oldAddr, long oldLength, long newLength, int flags, long newAddr) {
        Process p = process(pid);
        if ((oldAddr & PAGE_MASK) != 0) {
            throw new SyscallException(Errno.EINVAL, "mremap old address 0x" + Long.toHexString(oldAddr) + " is not page aligned");
        }
        if (newLength <= 0 || oldLength <= 0) {
            throw new SyscallException(Errno.EINVAL, "mremap lengths must be > 0 (old " + oldLength + ", new " + newLength + ")");
        }
        if ((flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED)) != 0 || ((flags & MREMAP_FIXED) != 0 && (flags & MREMAP_MAYMOVE) == 0)) {
            throw new SyscallException(Errno.EINVAL, "mremap flags " + flags + ": MREMAP_FIXED needs MREMAP_MAYMOVE");
        }
        long oldLen = pageAlign(oldLength);
        long newLen = pageAlign(newLength);
        boolean fixed = (flags & MREMAP_FIXED) != 0;
        if (fixed) {
            if ((newAddr & PAGE_MASK) != 0) {
                throw new SyscallException(Errno.EINVAL, "mremap new address 0x" + Long.toHexString(newAddr) + " is not page aligned");
            }
            if (newAddr < oldAddr + oldLen && oldAddr < newAddr + newLen) {
                throw new SyscallException(Errno.EINVAL, "mremap: old and new ranges overlap");
            }
        }
        Vma vma = p.findVma(oldAddr);
        if (vma == null || vma.end < oldAddr + Math.min(oldLen, newLen)) {
            throw new SyscallException(Errno.EFAULT, "mremap: [0x" + Long.toHexString(oldAddr) + ", +" + oldLen + ") is not inside one mapping");
        }
        if (!fixed) {
            if (newLen <= oldLen) {
                if (newLen < oldLen) {
                    unmapRange(p, oldAddr + newLen, oldAddr + oldLen);
                }
                return oldAddr;
            }
            if (vma.end == oldAddr + oldLen && isFree(p, vma.end, oldAddr + newLen)) {
                vma.end = oldAddr + newLen; // vma_expand
                mergeAround(p, vma.start, vma.end);
                return oldAddr;
            }
            if ((flags & MREMAP_MAYMOVE) == 0) {
                throw new SyscallException(Errno.ENOMEM, "mremap: cannot grow in place and MREMAP_MAYMOVE not given");
            }
        }
        if (newLen < oldLen) {
            unmapRange(p, oldAddr + newLen, oldAddr + oldLen);
            oldLen = newLen;
        }
        if (vma.end < oldAddr + oldLen) {
            throw new SyscallException(Errno.EFAULT, "mremap: old range crosses the end of its mapping");
        }
        long dest;
        if (fixed) {
            unmapRange(p, newAddr, newAddr + newLen);
            dest = newAddr;
        } else {
            dest = unmappedArea(p, newLen);
        }
        split(p, oldAddr);
        split(p, oldAddr + oldLen);
        Vma old = p.findVma(oldAddr);
        merger.beforeMove(p, old, oldAddr, oldAddr + oldLen);
        Vma moved = new Vma(dest, dest + newLen, old.flags, old.file, old.pgoff);
        moved.anonVma = old.anonVma;
        long delta = (dest >>> PAGE_SHIFT) - (oldAddr >>> PAGE_SHIFT);
        PageTable pt = p.pageTable;
        List<long[]> ptes = new ArrayList<>();
        pt.forEachPresent(oldAddr >>> PAGE_SHIFT, (oldAddr + oldLen) >>> PAGE_SHIFT, vpn -> ptes.add(new long[] {vpn, pt.get(vpn)}));
        for (long[] e : ptes) {
            pt.set(e[0], 0);
        }
        for (long[] e : ptes) {
            pt.set(e[0] + delta, e[1]);
        }
        p.vmas.remove(old.start);
        insertVma(p, moved);
        if (old.file != null) {
            fileMappings.merge(old.file, -1, Integer::sum);
        }
        mergeAround(p, dest, dest + newLen);
        return dest;
    }

    // ---------------------------------------------------------------- madvise, prctl

    /**
     * madvise(): validates like the kernel (EINVAL for an unaligned start, a negative length or
     * unknown advice), applies the advice to every mapped part of the range, and then reports
     * ENOMEM if part of the range was not mapped.
     * @see "mm/madvise.c: do_madvise, madvise_walk_vmas"
     */
    public void madvise(int pid, long addr, long length, int advice) {
        Process p = process(pid);
        if ((addr & PAGE_MASK) != 0) {
            throw new SyscallException(Errno.EINVAL, "madvise start 0x" + Long.toHexString(addr) + " is not page aligned");
        }
        if (length < 0) {
            throw new SyscallException(Errno.EINVAL, "madvise length " + length + " is negative");
        }
        switch (advice) {
            case MADV_NORMAL, MADV_DONTNEED, MADV_MERGEABLE, MADV_UNMERGEABLE, MADV_HUGEPAGE,
                 MADV_NOHUGEPAGE, MADV_MERGE -> { }
            default -> throw new SyscallException(Errno.EINVAL, "madvise advice " + advice
                    + " is not one of NORMAL(0) DONTNEED(4) MERGEABLE(12) UNMERGEABLE(13) HUGEPAGE(14) NOHUGEPAGE(15) MERGE(26)");
        }
        long start = addr;
        long end = addr + pageAlign(length);
        if (end == start) {
            return;
        }
        boolean hole = !isFullyMapped(p, start, end);
        switch (advice) {
            case MADV_DONTNEED -> {
                for (Vma v : overlapping(p, start, end)) {
                    if ((v.flags & (VM_LOCKED | VM_PFNMAP)) != 0) {
                        throw new SyscallException(Errno.EINVAL, "MADV_DONTNEED on a locked or PFN-mapped VMA " + v);
                    }
                    zapRange(p, Math.max(start, v.start), Math.min(end, v.end));
                }
            }
            case MADV_MERGEABLE, MADV_UNMERGEABLE -> {
                for (Vma v : overlapping(p, start, end)) {
                    long s = Math.max(start, v.start);
                    long e = Math.min(end, v.end);
                    long newFlags = merger.madviseMergeable(p, v, s, e, advice);
                    updateVmaFlags(p, s, e, newFlags);
                }
            }
            case MADV_HUGEPAGE, MADV_NOHUGEPAGE, MADV_NORMAL -> {
                // 4 KiB pages only: the advice is accepted; the kernel would set VM_(NO)HUGEPAGE
                // and split the VMA, which we do not model (see README, what is modelled).
            }
            case MADV_MERGE -> merger.madviseMerge(p, start, end);
            default -> throw new AssertionError(advice);
        }
        if (hole) {
            throw new SyscallException(Errno.ENOMEM, "madvise: part of [0x" + Long.toHexString(start) + ", 0x" + Long.toHexString(end) + ") is not mapped");
        }
    }

    /**
     * prctl(PR_SET_MEMORY_MERGE, arg) and prctl(PR_GET_MEMORY_MERGE). Setting marks every
     * compatible VMA VM_MERGEABLE in place (flags change, VMAs are not re-merged, as in
     * ksm_add_vmas) and every future one at mmap; clearing unmerges (through the merger) and
     * clears the flag everywhere.
     * @see "mm/ksm.c: ksm_enable_merge_any, ksm_disable_merge_any"
     */
    public long prctl(int pid, int option, long arg) {
        Process p = process(pid);
        switch (option) {
            case PR_GET_MEMORY_MERGE -> {
                return p.mergeAny ? 1 : 0;
            }
            case PR_SET_MEMORY_MERGE -> {
                if (arg != 0 && arg != 1) {
                    throw new SyscallException(Errno.EINVAL, "PR_SET_MEMORY_MERGE takes 0 or 1, got " + arg);
                }
                boolean enable = arg == 1;
                if (enable == p.mergeAny) {
                    return 0;
                }
                if (enable) {
                    p.mergeAny = true;
                    for (Vma v : p.vmaView()) {
                        if (ksmCompatible(v.flags)) {
                            v.flags |= VM_MERGEABLE;
                        }
                    }
                    merger.prctlMergeAny(p, true);
                } else {
                    merger.prctlMergeAny(p, false);
                    for (Vma v : p.vmaView()) {
                        v.flags &= ~VM_MERGEABLE;
                    }
                    p.mergeAny = false;
                }
                return 0;
            }
            default -> throw new SyscallException(Errno.EINVAL, "prctl option " + option + " is not PR_SET_MEMORY_MERGE(67) or PR_GET_MEMORY_MERGE(68)");
        }
    }

    // ---------------------------------------------------------------- memory access

    /** Reads the byte at {@code addr}, faulting the page in if needed. */
    public byte readByte(int pid, long addr) {
        long pte = access(process(pid), addr, false);
        return store.readByte(PageTable.frame(pte), (int) (addr & PAGE_MASK));
    }

    /** Reads the 8 bytes at {@code addr} (little-endian; must not cross a page). */
    public long readLong(int pid, long addr) {
        checkWord(addr);
        long pte = access(process(pid), addr, false);
        return store.readLong(PageTable.frame(pte), (int) (addr & PAGE_MASK));
    }

    public void writeByte(int pid, long addr, byte value) {
        long pte = access(process(pid), addr, true);
        store.writeByte(PageTable.frame(pte), (int) (addr & PAGE_MASK), value);
    }

    public void writeLong(int pid, long addr, long value) {
        checkWord(addr);
        long pte = access(process(pid), addr, true);
        store.writeLong(PageTable.frame(pte), (int) (addr & PAGE_MASK), value);
    }

    /** A whole-page store: faults the page writable, then lets {@code writer} fill the frame. */
    public void writePage(int pid, long addr, FrameWriter writer) {
        long pte = access(process(pid), addr & ~PAGE_MASK, true);
        writer.write(store, PageTable.frame(pte));
    }

    /** Fills a frame with new contents (the bytes a workload stores into a page). */
    @FunctionalInterface
    public interface FrameWriter {
        void write(PageStore store, int frame);
    }

    /** The frame mapped at {@code addr} without faulting, or -1 when the pte is none. */
    public int frameAt(int pid, long addr) {
        long pte = process(pid).pageTable.get(addr >>> PAGE_SHIFT);
        return PageTable.present(pte) ? PageTable.frame(pte) : -1;
    }

    private static void checkWord(long addr) {
        if ((addr & PAGE_MASK) > PageStore.PAGE_SIZE - Long.BYTES) {
            throw new IllegalArgumentException("8-byte access at 0x" + Long.toHexString(addr) + " crosses a page");
        }
    }

    /** Handles the fault an access would take and returns the (now valid) pte. */
    private long access(Process p, long addr, boolean write) {
        Vma vma = p.findVma(addr);
        if (vma == null) {
            throw new SegmentationFault(p.pid, addr, "no mapping");
        }
        if ((vma.flags & (write ? VM_WRITE : VM_READ)) == 0) {
            throw new SegmentationFault(p.pid, addr, (write ? "write to " : "read of ") + vma);
        }
        long vpn = addr >>> PAGE_SHIFT;
        long pte = p.pageTable.get(vpn);
        if (!PageTable.present(pte)) {
            minorFaults++;
            pte = doFault(p, vma, vpn, write);
        } else if (write && !PageTable.writable(pte)) {
            minorFaults++;
            pte = doWpPage(p, vma, vpn, pte);
        }
        if (write && (pte & PageTable.SOFT_DIRTY) == 0) {
            pte |= PageTable.SOFT_DIRTY;
            p.pageTable.set(vpn, pte);
        }
        return pte;
    }

    /** A fault on a pte_none entry. @see "mm/memory.c: do_pte_missing" */
    private long doFault(Process p, Vma vma, long vpn, boolean write) {
        long pte;
        if (vma.file == null) {
            if (!write) {
                pte = PageTable.make(PageStore.ZERO_FRAME, false); // do_anonymous_page: zero page
            } else {
                int frame = store.allocate(PageStore.F_ANON);
                mapFrame(frame);
                vma.anonVma = true;
                pte = PageTable.make(frame, true);
            }
        } else {
            long index = vma.filePageIndex(vpn << PAGE_SHIFT);
            if (index >= vma.file.sizePages()) {
                throw new SegmentationFault(p.pid, vpn << PAGE_SHIFT, "SIGBUS: beyond the end of " + vma.file);
            }
            int pc = vma.file.pageCacheFrame(store, index);
            if ((vma.flags & VM_SHARED) != 0) {
                store.get(pc);
                mapFrame(pc);
                pte = PageTable.make(pc, (vma.flags & VM_WRITE) != 0);
            } else if (!write) {
                store.get(pc);
                mapFrame(pc);
                pte = PageTable.make(pc, false);
            } else {
                int frame = store.allocateCopy(pc, PageStore.F_ANON); // do_cow_fault
                mapFrame(frame);
                vma.anonVma = true;
                cowFaults++;
                pte = PageTable.make(frame, true);
            }
        }
        p.pageTable.set(vpn, pte);
        return pte;
    }

    /** A write to a present, write-protected pte. @see "mm/memory.c: do_wp_page" */
    private long doWpPage(Process p, Vma vma, long vpn, long pte) {
        int frame = PageTable.frame(pte);
        if ((vma.flags & VM_SHARED) != 0) {
            pte |= PageTable.WRITE; // wp_page_shared
            p.pageTable.set(vpn, pte);
            return pte;
        }
        int f = store.flags(frame);
        boolean merged = (f & (PageStore.F_KSM | PageStore.F_SKSM)) != 0;
        if (frame != PageStore.ZERO_FRAME && !merged && (f & PageStore.F_ANON) != 0
                && store.refcount(frame) == 1) {
            // wp_can_reuse_anon_folio: we hold the only reference and it is not a KSM page.
            pte |= PageTable.WRITE;
            p.pageTable.set(vpn, pte);
            return pte;
        }
        // wp_page_copy
        int copy = frame == PageStore.ZERO_FRAME ? store.allocate(PageStore.F_ANON) : store.allocateCopy(frame, PageStore.F_ANON);
        mapFrame(copy);
        vma.anonVma = true;
        cowFaults++;
        long newPte = PageTable.make(copy, true) | (pte & PageTable.SOFT_DIRTY);
        p.pageTable.set(vpn, newPte);
        if (frame == PageStore.ZERO_FRAME) {
            if ((pte & PageTable.KSM_ZERO) != 0) {
                merger.ksmZeroPteRemoved(p, vpn);
            }
        } else {
            if (merged) {
                merger.mergedPageCopied(p, vpn, frame); // before the old frame may be freed
            }
            unmapFrame(frame);
        }
        return newPte;
    }

    // ---------------------------------------------------------------- services for mergers

    /**
     * Replaces the pte at {@code vpn} with a read-only mapping of {@code newFrame} (taking a
     * reference and a mapping on it) and drops the old frame's mapping and reference.
     * {@code extraPteBits} may carry {@link PageTable#KSM_ZERO}.
     * @see "mm/ksm.c: replace_page"
     */
    public void replacePage(Process p, long vpn, int newFrame, long extraPteBits) {
        long old = p.pageTable.get(vpn);
        if (!PageTable.present(old)) {
            throw new IllegalStateException("replacePage on a non-present pte at vpn 0x" + Long.toHexString(vpn));
        }
        if (newFrame != PageStore.ZERO_FRAME) {
            store.get(newFrame);
            mapFrame(newFrame);
        }
        p.pageTable.set(vpn, PageTable.make(newFrame, false) | (old & PageTable.SOFT_DIRTY) | extraPteBits);
        int oldFrame = PageTable.frame(old);
        if (oldFrame != PageStore.ZERO_FRAME) {
            unmapFrame(oldFrame);
        } else if ((old & PageTable.KSM_ZERO) != 0) {
            merger.ksmZeroPteRemoved(p, vpn);
        }
    }

    /** Clears the write bit of the pte at {@code vpn} (write_protect_page). */
    public void writeProtect(Process p, long vpn) {
        long pte = p.pageTable.get(vpn);
        if (PageTable.writable(pte)) {
            p.pageTable.set(vpn, pte & ~PageTable.WRITE);
        }
    }

    /**
     * Breaks the sharing of a merged page at {@code vpn} by faulting it writable (a COW copy),
     * as KSM's unmerge does ({@code break_ksm}); the contents are unchanged.
     */
    public void breakCow(Process p, long vpn) {
        Vma vma = p.findVma(vpn << PAGE_SHIFT);
        long pte = p.pageTable.get(vpn);
        if (vma == null || !PageTable.present(pte)) {
            return;
        }
        minorFaults++;
        doWpPage(p, vma, vpn, pte);
    }

    // ---------------------------------------------------------------- VMAs

    private void insertVma(Process p, Vma v) {
        p.vmas.put(v.start, v);
        if (v.file != null) {
            fileMappings.merge(v.file, 1, Integer::sum);
            knownFiles.put(v.file, Boolean.TRUE);
        }
    }

    /** Removes a whole VMA, zapping its ptes. */
    private void removeVma(Process p, Vma v) {
        zapRange(p, v.start, v.end);
        p.vmas.remove(v.start);
        if (v.file != null) {
            int left = fileMappings.merge(v.file, -1, Integer::sum);
            if (left == 0) {
                fileMappings.remove(v.file);
                if (v.file.isShmem()) {
                    v.file.evict(store);
                    knownFiles.remove(v.file);
                }
            }
        }
    }

    /** Splits the VMA containing {@code addr} so that a VMA starts at {@code addr}. @see "mm/vma.c: split_vma" */
    private void split(Process p, long addr) {
        Vma v = p.findVma(addr);
        if (v == null || v.start == addr) {
            return;
        }
        Vma tail = v.copy();
        tail.start = addr;
        if (v.file != null) {
            tail.pgoff = v.filePageIndex(addr);
            fileMappings.merge(v.file, 1, Integer::sum);
        }
        v.end = addr;
        p.vmas.put(tail.start, tail);
    }

    private void unmapRange(Process p, long start, long end) {
        split(p, start);
        split(p, end);
        for (Vma v : overlapping(p, start, end)) {
            removeVma(p, v);
        }
    }

    /** Sets {@code flags} on exactly {@code [start, end)}, splitting and re-merging VMAs (vma_modify_flags). */
    private void updateVmaFlags(Process p, long start, long end, long flags) {
        Vma v = p.findVma(start);
        if (v.flags == flags) {
            return;
        }
        split(p, start);
        split(p, end);
        p.findVma(start).flags = flags;
        mergeAround(p, start, end);
    }

    /** Merges VMAs touching {@code [start, end)} with identical neighbours (vma_merge). */
    private void mergeAround(Process p, long start, long end) {
        Map.Entry<Long, Vma> e = p.vmas.lowerEntry(start);
        if (e == null) {
            e = p.vmas.ceilingEntry(start);
        }
        Vma cur = e == null ? null : e.getValue();
        while (cur != null && cur.start <= end) {
            Map.Entry<Long, Vma> n = p.vmas.higherEntry(cur.start);
            if (n == null) {
                return;
            }
            Vma next = n.getValue();
            if (cur.canMergeWith(next)) {
                cur.end = next.end;
                cur.anonVma |= next.anonVma;
                p.vmas.remove(next.start);
                if (next.file != null) {
                    fileMappings.merge(next.file, -1, Integer::sum);
                }
            } else {
                cur = next;
            }
        }
    }

    private List<Vma> overlapping(Process p, long start, long end) {
        List<Vma> out = new ArrayList<>();
        Map.Entry<Long, Vma> first = p.vmas.floorEntry(start);
        long from = first != null && first.getValue().end > start ? first.getKey() : start;
        for (Vma v : p.vmas.subMap(from, true, end, false).values()) {
            if (v.end > start) {
                out.add(v);
            }
        }
        return out;
    }

    private boolean isFullyMapped(Process p, long start, long end) {
        long at = start;
        for (Vma v : overlapping(p, start, end)) {
            if (v.start > at) {
                return false;
            }
            at = v.end;
        }
        return at >= end;
    }

    private boolean isFree(Process p, long start, long end) {
        return start >= MMAP_MIN && end <= MMAP_BASE && overlapping(p, start, end).isEmpty();
    }

    /** Top-down search for a gap of {@code len} bytes below {@link #MMAP_BASE} (unmapped_area_topdown). */
    private long unmappedArea(Process p, long len) {
        long top = MMAP_BASE;
        for (Vma v : p.vmas.descendingMap().values()) {
            if (v.start >= top) {
                continue;
            }
            if (top - v.end >= len) {
                return top - len;
            }
            top = v.start;
        }
        if (top - MMAP_MIN >= len) {
            return top - len;
        }
        throw new SyscallException(Errno.ENOMEM, "no free virtual range of " + len + " bytes");
    }

    // ---------------------------------------------------------------- ptes and frames

    private void zapRange(Process p, long start, long end) {
        PageTable pt = p.pageTable;
        pt.forEachPresent(start >>> PAGE_SHIFT, end >>> PAGE_SHIFT, vpn -> zapPte(p, vpn, pt.get(vpn)));
    }

    private void zapPte(Process p, long vpn, long pte) {
        p.pageTable.set(vpn, 0);
        int frame = PageTable.frame(pte);
        if (frame != PageStore.ZERO_FRAME) {
            unmapFrame(frame);
        } else if ((pte & PageTable.KSM_ZERO) != 0) {
            merger.ksmZeroPteRemoved(p, vpn);
        }
    }

    /** A new pte maps {@code frame} (folio_add_*_rmap): mapcount++, nr_anon_pages on 0→1. */
    private void mapFrame(int frame) {
        store.incMapcount(frame);
        if (store.mapcount(frame) == 1 && store.hasFlag(frame, PageStore.F_ANON)) {
            nrAnonPages++;
        }
    }

    /** A pte stops mapping {@code frame}: mapcount--, nr_anon_pages on 1→0, put_page. */
    private void unmapFrame(int frame) {
        store.decMapcount(frame);
        if (store.mapcount(frame) == 0 && store.hasFlag(frame, PageStore.F_ANON)) {
            nrAnonPages--;
        }
        store.put(frame);
    }

    private static long pageAlign(long length) {
        return (length + PAGE_MASK) & ~PAGE_MASK;
    }

    // ---------------------------------------------------------------- counters and checks

    public long nrAnonPages() { return nrAnonPages; }
    public long cowFaults() { return cowFaults; }
    public long minorFaults() { return minorFaults; }

    /** VMAs over all live processes. */
    public long vmaCount() {
        long n = 0;
        for (Process p : processes.values()) {
            n += p.vmas.size();
        }
        return n;
    }

    /** The kernel's counters plus the merger's, in a stable order. */
    public Map<String, Long> counters() {
        Map<String, Long> c = new LinkedHashMap<>();
        c.put("virtual_ms", nowNanos / 1_000_000);
        c.put("nr_anon_pages", nrAnonPages);
        c.put("cow_faults", cowFaults);
        c.put("minor_faults", minorFaults);
        c.put("vmas", vmaCount());
        c.put("processes", (long) processes.size());
        merger.counters(c);
        return c;
    }

    /**
     * Checks frame accounting against a recount from the page tables (VM_BUG_ON style):
     * every frame's mapcount equals the ptes mapping it; its refcount equals those mappings
     * plus the page cache's reference plus what the merger holds; nr_anon_pages equals the
     * mapped anonymous frames; no pte maps a merged or zero frame writable.
     *
     * @throws IllegalStateException naming the first frame or pte that disagrees
     */
    public void checkInvariants() {
        int limit = store.frameLimit();
        int[] maps = new int[limit];
        for (Process p : processes.values()) {
            for (Vma v : p.vmaView()) {
                PageTable pt = p.pageTable;
                pt.forEachPresent(v.start >>> PAGE_SHIFT, v.end >>> PAGE_SHIFT, vpn -> {
                    long pte = pt.get(vpn);
                    int frame = PageTable.frame(pte);
                    if (store.isFree(frame)) {
                        throw new IllegalStateException(p + " vpn 0x" + Long.toHexString(vpn) + " maps free frame " + frame);
                    }
                    if (PageTable.writable(pte) && (frame == PageStore.ZERO_FRAME
                            || store.hasFlag(frame, PageStore.F_KSM | PageStore.F_SKSM))) {
                        throw new IllegalStateException(p + " vpn 0x" + Long.toHexString(vpn) + " maps shared frame " + frame + " writable");
                    }
                    maps[frame]++;
                });
            }
        }
        int[] cached = new int[limit];
        for (MappedFile f : knownFiles.keySet()) {
            f.forEachCached(frame -> cached[frame]++);
        }
        long anon = 0;
        for (int frame = 1; frame < limit; frame++) {
            if (store.isFree(frame)) {
                if (maps[frame] != 0) {
                    throw new IllegalStateException("free frame " + frame + " is mapped " + maps[frame] + " times");
                }
                continue;
            }
            if (store.mapcount(frame) != maps[frame]) {
                throw new IllegalStateException("frame " + frame + " mapcount " + store.mapcount(frame) + " but " + maps[frame] + " ptes map it");
            }
            int expected = maps[frame] + cached[frame] + merger.referencesHeld(frame);
            if (store.refcount(frame) != expected) {
                throw new IllegalStateException("frame " + frame + " refcount " + store.refcount(frame) + " but expected " + expected
                        + " (ptes " + maps[frame] + ", page cache " + cached[frame] + ", merger " + merger.referencesHeld(frame) + ")");
            }
            if (maps[frame] > 0 && store.hasFlag(frame, PageStore.F_ANON)) {
                anon++;
            }
        }
        if (anon != nrAnonPages) {
            throw new IllegalStateException("nr_anon_pages " + nrAnonPages + " but " + anon + " mapped anonymous frames");
        }
    }

    @Override
    public void close() {
        store.close();
    }
}
