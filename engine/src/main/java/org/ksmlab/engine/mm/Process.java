package org.ksmlab.engine.mm;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A process and its address space (the model folds task_struct and mm_struct into one):
 * VMAs ordered by start address, a page table, and the mm flags mergers read.
 */
public final class Process {
    final int pid;
    final int parentPid;
    /** VMAs by start address; never overlapping. */
    final TreeMap<Long, Vma> vmas = new TreeMap<>();
    final PageTable pageTable;
    /** MMF_VM_MERGE_ANY: prctl(PR_SET_MEMORY_MERGE, 1) is in force; inherited by fork. */
    boolean mergeAny;
    boolean alive = true;
    /** mm->brk: the program break (the heap's end); {@link Kernel#BRK_BASE} until the first brk grows it. */
    long brk = Kernel.BRK_BASE;
    /** Per-merger state attached to this mm (KSM's mm_slot, SKSM's write tracking, ...). */
    Object mergerState;
    /**
     * The security domain (tenant) the process belongs to: not a kernel notion but the model's,
     * for the defences that merge only inside one domain and for the exposure metrics. A spawned
     * process is a domain of its own (numbered by its pid) until {@link Kernel#setDomain} puts
     * it in another, before it maps anything; fork and exec keep it.
     */
    int domain;

    Process(int pid, int parentPid, PteLeaves leaves) {
        this.pid = pid;
        this.parentPid = parentPid;
        this.pageTable = new PageTable(leaves);
    }

    public int pid() { return pid; }
    public int parentPid() { return parentPid; }
    public boolean isAlive() { return alive; }
    public boolean mergeAny() { return mergeAny; }
    /** The security domain of the process (see the field). */
    public int domain() { return domain; }
    public PageTable pageTable() { return pageTable; }
    public int vmaCount() { return vmas.size(); }

    /** The merger's per-mm state, or null. */
    public Object mergerState() { return mergerState; }
    public void setMergerState(Object state) { mergerState = state; }

    /**
     * The VMA {@link #findVma} found last (the kernel's per-thread vmacache did the same): ksmd
     * and the trees look up one VMA many times in a row. Dropped whenever a VMA enters or leaves
     * the tree ({@link #putVma}, {@link #removeVma}); a VMA changed in place stays right.
     */
    private Vma lastFound;

    /** The VMA containing {@code addr}, or null (find_vma + bounds check). */
    public Vma findVma(long addr) {
        Vma c = lastFound;
        if (c != null && c.start <= addr && addr < c.end) {
            return c;
        }
        Map.Entry<Long, Vma> e = vmas.floorEntry(addr);
        if (e == null || e.getValue().end <= addr) {
            return null;
        }
        lastFound = e.getValue();
        return lastFound;
    }

    /** Puts {@code v} in the VMA tree (its start is its key). */
    void putVma(Vma v) {
        lastFound = null;
        vmas.put(v.start, v);
    }

    /** Takes the VMA starting at {@code start} out of the tree. */
    void removeVma(long start) {
        lastFound = null;
        vmas.remove(start);
    }

    /** The VMA containing {@code addr}, else the first VMA above it, else null (vma_iter_init + for_each_vma). */
    public Vma vmaAtOrAfter(long addr) {
        Map.Entry<Long, Vma> e = vmas.floorEntry(addr);
        if (e != null && e.getValue().end > addr) {
            return e.getValue();
        }
        e = vmas.higherEntry(addr);
        return e == null ? null : e.getValue();
    }

    /** The VMA after {@code v} in address order, or null. */
    public Vma nextVma(Vma v) {
        Map.Entry<Long, Vma> e = vmas.higherEntry(v.start);
        return e == null ? null : e.getValue();
    }


    /** A snapshot of the VMAs in address order. */
    public List<Vma> vmas() {
        return new ArrayList<>(vmas.values());
    }

    /** The live VMA objects in address order (do not modify the collection). */
    Iterable<Vma> vmaView() {
        return vmas.values();
    }

    @Override
    public String toString() {
        return "pid " + pid;
    }
}
