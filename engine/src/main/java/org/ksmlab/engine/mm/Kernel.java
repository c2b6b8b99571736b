package org.ksmlab.engine.mm;

import static org.ksmlab.engine.mm.VmFlags.*;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ksmlab.engine.memory.PageMode;
import org.ksmlab.engine.memory.PageStore;

/**
 * The kernel model's system calls: processes (spawn, fork, exit, exec), their address spaces
 * (mmap, munmap, mremap, madvise, prctl) and memory access (reads and writes that fault pages
 * in). It owns the {@link PageStore}, the virtual clock and the process table, and tells the
 * installed {@link Merger} what it needs to know. The work behind the calls lives where the
 * kernel keeps it: faults in {@link Faults} (mm/memory.c), VMA operations in {@link VmaTree}
 * (mm/vma.c, mm/mmap.c), frame mappings and nr_anon_pages in {@link Rmap} (mm/rmap.c), what
 * mergers may do to ptes in {@link MergerServices}, and the accounting check in
 * {@link Invariants}. See the package documentation for the model and where it departs from the
 * kernel.
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
    /** The page-table leaves of every process, off the heap. */
    private final PteLeaves pteLeaves = new PteLeaves();
    private final Merger merger;
    private final Rmap rmap;
    private final Faults faults;
    private final VmaTree vmas;
    private final MergerServices services;
    private final KernelConfig config;
    private final Proposals proposals;
    private final Mremap mremap;
    private final Map<Integer, Process> processes = new LinkedHashMap<>();
    private int nextPid = 1;
    /** Virtual time, nanoseconds since the model started. */
    private long nowNanos;

    public Kernel(Merger merger) {
        this(merger, KernelConfig.DEFAULTS);
    }

    /** A kernel that behaves as {@code config} says where kernels differ, with byte pages. */
    public Kernel(Merger merger, KernelConfig config) {
        this(merger, config, PageMode.BYTE);
    }

    /**
     * A kernel that behaves as {@code config} says where kernels differ, holding page contents
     * as {@code pageMode} says (bytes, the reference; or symbolic identities, for sizes beyond
     * the host's memory).
     */
    public Kernel(Merger merger, KernelConfig config, PageMode pageMode) {
        this.merger = merger;
        this.config = config;
        this.store = new PageStore(pageMode, merger::frameFreed);
        this.rmap = new Rmap(store, merger);
        this.vmas = new VmaTree(store, rmap);
        this.faults = new Faults(store, merger, rmap, vmas, config);
        this.proposals = new Proposals(this, vmas, rmap, store, merger);
        this.mremap = new Mremap(vmas, merger, config);
        this.services = new MergerServices(store, merger, rmap, faults);
        merger.attach(this);
    }

    public PageStore store() { return store; }
    public Merger merger() { return merger; }
    /** The page-table changes a merger may make (replace_page, write_protect_page, break_ksm). */
    public MergerServices mergerServices() { return services; }
    public long nowNanos() { return nowNanos; }
    /** How this kernel behaves where kernels differ. */
    public KernelConfig config() { return config; }

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
        Process p = new Process(nextPid++, 0, pteLeaves);
        p.domain = p.pid; // a domain of its own until setDomain says otherwise
        processes.put(p.pid, p);
        return p.pid;
    }

    /**
     * Puts a process into security domain {@code domain} (a tenant: the model's notion, not the
     * kernel's; see {@link Process#domain()}). Only before the process maps anything, so every
     * page it ever holds was its domain's.
     * @throws IllegalStateException when the process already has a mapping
     */
    public void setDomain(int pid, int domain) {
        Process p = process(pid);
        if (!p.vmas.isEmpty()) {
            throw new IllegalStateException("pid " + pid + " already maps memory: its security domain is set before its first mapping");
        }
        p.domain = domain;
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
        Process child = new Process(nextPid++, pid, pteLeaves);
        child.mergeAny = parent.mergeAny;
        child.domain = parent.domain;
        child.brk = parent.brk;
        for (Vma v : parent.vmaView()) {
            Vma c = v.copy();
            vmas.insert(child, c);
            // vma_needs_copy: file mappings without anonymous pages are refaulted by the child.
            if (v.file != null && !v.hasAnonVma()) {
                continue;
            }
            boolean cow = isCowMapping(v.flags);
            PageTable ppt = parent.pageTable;
            ppt.forEachPresent(v.start >>> PAGE_SHIFT, v.end >>> PAGE_SHIFT, vpn -> {
                long pte = ppt.get(vpn);
                int frame = PageTable.frame(pte);
                if (frame != PageStore.ZERO_FRAME) {
                    store.get(frame);
                    rmap.mapFrame(frame);
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
            vmas.remove(p, v);
        }
        p.pageTable.release();
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
        Process fresh = new Process(pid, old.parentPid, pteLeaves);
        fresh.mergeAny = old.mergeAny;
        fresh.domain = old.domain;
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
            vmas.unmapRange(p, addr, addr + len);
            start = addr;
        } else if (addr != 0 && (addr & PAGE_MASK) == 0 && vmas.isFree(p, addr, addr + len)) {
            start = addr;
        } else {
            start = vmas.unmappedArea(p, len);
        }
        if (file == null) {
            pgoffPages = start >>> PAGE_SHIFT; // anonymous: vm_pgoff is the linear page index
        }
        // A process with merge-any gets VM_MERGEABLE on every compatible new VMA (ksm_vma_flags).
        // Since 6.17 before the merge attempt, so the new VMA merges with its mergeable
        // neighbours; before, after it (ksm_add_vma), so it could not (kernel.ksm_vma_merge_fix).
        boolean mergeAny = p.mergeAny && ksmCompatible(vmFlags);
        if (mergeAny && config.ksmVmaMergeFix()) {
            vmFlags |= VM_MERGEABLE;
        }
        Vma v = new Vma(start, start + len, vmFlags, file, pgoffPages);
        vmas.insert(p, v);
        if ((vmFlags & VM_MERGEABLE) != 0) {
            merger.vmaAdded(p, v);
        }
        vmas.mergeAround(p, start, start + len);
        if (mergeAny && !config.ksmVmaMergeFix()) {
            Vma merged = p.findVma(start);
            merged.flags |= VM_MERGEABLE;
            merger.vmaAdded(p, merged);
        }
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
            vmas.unmapRange(p, target, p.brk);
            p.brk = target;
        } else if (target > p.brk) {
            if (!vmas.isFree(p, p.brk, target)) {
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
        vmas.unmapRange(p, addr, addr + pageAlign(length));
    }

    /**
     * mremap(): shrink, grow in place, or move; see {@link Mremap}.
     * @see "mm/mremap.c"
     */
    public long mremap(int pid, long oldAddr, long oldLength, long newLength, int flags, long newAddr) {
        return mremap.mremap(process(pid), oldAddr, oldLength, newLength, flags, newAddr);
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
        boolean hole = !vmas.isFullyMapped(p, start, end);
        switch (advice) {
            case MADV_DONTNEED -> {
                for (Vma v : vmas.overlapping(p, start, end)) {
                    if ((v.flags & (VM_LOCKED | VM_PFNMAP)) != 0) {
                        throw new SyscallException(Errno.EINVAL, "MADV_DONTNEED on a locked or PFN-mapped VMA " + v);
                    }
                    rmap.zapRange(p, Math.max(start, v.start), Math.min(end, v.end));
                }
            }
            case MADV_MERGEABLE, MADV_UNMERGEABLE -> {
                for (Vma v : vmas.overlapping(p, start, end)) {
                    long s = Math.max(start, v.start);
                    long e = Math.min(end, v.end);
                    long newFlags = merger.madviseMergeable(p, v, s, e, advice);
                    vmas.updateFlags(p, s, e, newFlags);
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

    /**
     * mprotect(): sets the protection of every VMA piece in the range (splitting and re-merging
     * VMAs); ptes lose write permission with PROT_WRITE, so a later write faults; ENOMEM when
     * part of the range is not mapped (nothing changed then).
     * @see "mm/mprotect.c: do_mprotect_pkey, mprotect_fixup"
     */
    public void mprotect(int pid, long addr, long length, int prot) {
        Process p = process(pid);
        if ((addr & PAGE_MASK) != 0) {
            throw new SyscallException(Errno.EINVAL, "mprotect start 0x" + Long.toHexString(addr) + " is not page aligned");
        }
        if ((prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC)) != 0) {
            throw new SyscallException(Errno.EINVAL, "mprotect prot 0x" + Integer.toHexString(prot) + ": expected PROT_READ|PROT_WRITE|PROT_EXEC bits");
        }
        long end = addr + pageAlign(length);
        if (!vmas.isFullyMapped(p, addr, end)) {
            throw new SyscallException(Errno.ENOMEM, "mprotect: part of [0x" + Long.toHexString(addr) + ", 0x" + Long.toHexString(end) + ") is not mapped");
        }
        long bits = ((prot & PROT_READ) != 0 ? VM_READ : 0) | ((prot & PROT_WRITE) != 0 ? VM_WRITE : 0) | ((prot & PROT_EXEC) != 0 ? VM_EXEC : 0);
        for (Vma v : vmas.overlapping(p, addr, end)) {
            long s = Math.max(addr, v.start);
            long e = Math.min(end, v.end);
            if ((prot & PROT_WRITE) != 0 && (v.flags & VM_MAYWRITE) == 0) {
                throw new SyscallException(Errno.EACCES, "mprotect: PROT_WRITE on " + v + ", which was not mapped writable");
            }
            if ((prot & PROT_WRITE) == 0) {
                PageTable pt = p.pageTable;
                pt.forEachPresent(s >>> PAGE_SHIFT, e >>> PAGE_SHIFT, vpn -> pt.set(vpn, pt.get(vpn) & ~PageTable.WRITE));
            }
            vmas.updateFlags(p, s, e, (v.flags & ~(VM_READ | VM_WRITE | VM_EXEC)) | bits);
        }
    }

    /**
     * process_madvise(pidfd of {@code targetPid}, range, advice) called by {@code callerPid}: to
     * another process the kernel allows only advice that does not change what it reads
     * (MADV_COLD, MADV_PAGEOUT, MADV_WILLNEED, MADV_COLLAPSE), so MADV_MERGEABLE,
     * MADV_UNMERGEABLE and MADV_DONTNEED are EINVAL (measured on 6.18), unless
     * {@code kernel.process_madvise_ksm} lets the KSM advice through. To itself it is madvise.
     * @see "mm/madvise.c: process_madvise_remote_valid"
     */
    public void processMadvise(int callerPid, int targetPid, long addr, long length, int advice) {
        process(callerPid);
        process(targetPid);
        if (callerPid != targetPid) {
            boolean ksmAdvice = advice == MADV_MERGEABLE || advice == MADV_UNMERGEABLE;
            if (!(ksmAdvice && config.processMadviseKsm())) {
                throw new SyscallException(Errno.EINVAL, "process_madvise: advice " + advice + " is not allowed on another process");
            }
        }
        madvise(targetPid, addr, length, advice);
    }

    /** The 2022 proposal's /proc/PID/ksm_enabled; see {@link Proposals#ksmEnabled}. */
    public void ksmEnabled(int pid, String mode) {
        if (!config.ksmEnabledProcfs()) {
            throw new SyscallException(Errno.ENOENT, "/proc/" + pid + "/ksm_enabled: no such file (a 2022 proposal; kernel.ksm_enabled_procfs=1 models it)");
        }
        proposals.ksmEnabled(process(pid), mode);
    }

    /** The 2019 process_vm_mmap proposal; see {@link Proposals#cloneRange}. Returns the new mapping's start. */
    public long cloneRange(int pid, int sourcePid, long sourceAddr, long length) {
        if (!config.processVmMmap()) {
            throw new SyscallException(Errno.ENOSYS, "process_vm_mmap: no such system call (a 2019 proposal; kernel.process_vm_mmap=1 models it)");
        }
        return proposals.cloneRange(process(pid), process(sourcePid), sourceAddr, pageAlign(length));
    }

    // ---------------------------------------------------------------- memory access

    /** Reads the byte at {@code addr}, faulting the page in if needed. */
    public byte readByte(int pid, long addr) {
        long pte = faults.access(process(pid), addr, false);
        return store.readByte(PageTable.frame(pte), (int) (addr & PAGE_MASK));
    }

    /** Reads the 8 bytes at {@code addr} (little-endian; must not cross a page). */
    public long readLong(int pid, long addr) {
        checkWord(addr);
        long pte = faults.access(process(pid), addr, false);
        return store.readLong(PageTable.frame(pte), (int) (addr & PAGE_MASK));
    }

    public void writeByte(int pid, long addr, byte value) {
        long pte = faults.access(process(pid), addr, true);
        store.writeByte(PageTable.frame(pte), (int) (addr & PAGE_MASK), value);
    }

    public void writeLong(int pid, long addr, long value) {
        checkWord(addr);
        long pte = faults.access(process(pid), addr, true);
        store.writeLong(PageTable.frame(pte), (int) (addr & PAGE_MASK), value);
    }

    /** A whole-page store: faults the page writable, then lets {@code writer} fill the frame. */
    public void writePage(int pid, long addr, FrameWriter writer) {
        long pte = faults.access(process(pid), addr & ~PAGE_MASK, true);
        writer.write(store, PageTable.frame(pte));
    }

    /**
     * {@link #writePage} of content {@code id} of a workload seeded {@code seed}
     * ({@link PageStore#fillPattern(int, long, long)}) with no writer object per page: what a
     * workload of hundreds of millions of pages writes without leaving garbage on the heap.
     */
    public void writePagePattern(int pid, long addr, long seed, long id) {
        long pte = faults.access(process(pid), addr & ~PAGE_MASK, true);
        store.fillPattern(PageTable.frame(pte), seed, id);
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

    private static long pageAlign(long length) {
        return (length + PAGE_MASK) & ~PAGE_MASK;
    }

    // ---------------------------------------------------------------- counters and checks

    public long nrAnonPages() { return rmap.nrAnonPages(); }
    public long cowFaults() { return faults.cowFaults(); }
    public long minorFaults() { return faults.minorFaults(); }

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
        c.put("nr_anon_pages", rmap.nrAnonPages());
        c.put("cow_faults", faults.cowFaults());
        c.put("minor_faults", faults.minorFaults());
        c.put("vmas", vmaCount());
        c.put("processes", (long) processes.size());
        merger.counters(c);
        return c;
    }

    /**
     * Checks frame accounting against a recount from the page tables ({@link Invariants}).
     * @throws IllegalStateException naming the first frame or pte that disagrees
     */
    public void checkInvariants() {
        Invariants.check(processes.values(), store, vmas.knownFiles(), merger, rmap.nrAnonPages());
    }

    /** Bytes mapped for the processes' page-table leaves. */
    public long pageTableBytes() {
        return pteLeaves.reservedBytes();
    }

    @Override
    public void close() {
        merger.close();
        store.close();
        pteLeaves.close();
    }
}
