package org.ksmlab.engine.mm;

/**
 * What the kernel model tells a page merger (KSM, SKSM, or none) and asks of it. The kernel
 * model knows mergers only through this interface, so each merger plugs in without the mm
 * code knowing which one it is. Default methods do nothing: {@link NoMerger} is the baseline.
 *
 * <p>Call order for advice: {@link Kernel#madvise} validates the range, then for each VMA
 * piece calls {@link #madviseMergeable} (which may unmerge pages and returns the VMA's new
 * flags); the kernel then splits and merges VMAs. {@link #madviseMerge} gets the whole range.
 */
public interface Merger {
    /** Name used on the command line ("none", "ksm", "sksm", ...). */
    String name();

    /**
     * A knob write while the model runs (a scenario's knob step), with the kernel's answer to a
     * bad value; mergers without runtime knobs refuse.
     */
    default void writeKnob(String knob, String value) {
        throw new IllegalArgumentException("algorithm '" + name() + "' takes no knob writes while it runs (" + knob + "=" + value + ")");
    }

    /** Called once when installed, before any process exists. */
    default void attach(Kernel kernel) {
    }

    /**
     * MADV_MERGEABLE / MADV_UNMERGEABLE on {@code [start, end)} inside {@code vma}: return the
     * VMA's new flags. The default is the kernel's flag logic with KSM compiled in but nothing
     * scanning: set VM_MERGEABLE on compatible VMAs, clear it on UNMERGEABLE.
     * @see "mm/ksm.c: ksm_madvise"
     */
    default long madviseMergeable(Process p, Vma vma, long start, long end, int advice) {
        if (advice == VmFlags.MADV_MERGEABLE) {
            return VmFlags.ksmCompatible(vma.flags()) ? vma.flags() | VmFlags.VM_MERGEABLE : vma.flags();
        }
        return vma.flags() & ~VmFlags.VM_MERGEABLE;
    }

    /** SKSM's MADV_MERGE on an aligned, mapped range; the default (no SKSM) does nothing. */
    default void madviseMerge(Process p, long start, long end) {
    }

    /** prctl(PR_SET_MEMORY_MERGE, enable): after the kernel set or cleared mergeAny on p. */
    default void prctlMergeAny(Process p, boolean enable) {
    }

    /** A VMA was created by mmap in a process with mergeAny, already flagged VM_MERGEABLE. */
    default void vmaAdded(Process p, Vma vma) {
    }

    /** After fork copied the address space of {@code parent} into {@code child}. */
    default void forked(Process parent, Process child) {
    }

    /** Before the address space of {@code p} is torn down (exit, and the old mm at exec). */
    default void exiting(Process p) {
    }

    /** After exec gave the process {@code p} a new, empty address space (merge-any already carried over). */
    default void execed(Process p) {
    }

    /** mremap is about to move {@code [start, end)}: KSM unmerges it first (move_vma). */
    default void beforeMove(Process p, Vma vma, long start, long end) {
    }

    /** A pte that mapped the zero page with {@link PageTable#KSM_ZERO} was zapped or COW'd. */
    default void ksmZeroPteRemoved(Process p, long vpn) {
    }

    /** A write fault copied a KSM/SKSM frame for {@code p} at {@code vpn} (merge-then-break). */
    default void mergedPageCopied(Process p, long vpn, int oldFrame) {
    }

    /** A frame was freed (its last reference dropped); flags as they were at the free. */
    default void frameFreed(int frame, int flags) {
    }

    /** References this merger holds on {@code frame} beyond the ptes (for the accounting check). */
    default int referencesHeld(int frame) {
        return 0;
    }

    /**
     * Mappings of merged pages that the merger's reverse map cannot find now (for KSM: ptes on a
     * KSM page whose stable node has no rmap_item at that address in that mm or an ancestor, so
     * rmap_walk_ksm, which migration and reclaim use, would miss them). Scenario phases report
     * it; upstream kernels keep it 0 (mremap unmerges before it moves).
     */
    default long rmapUnreachable() {
        return 0;
    }

    /** Structured details for the end of a run (e.g. KSM's per-process ksm_stat), added to {@code final}. */
    default void finalDetails(java.util.Map<String, Object> into) {
    }

    /** Counters this merger contributes to samples (sysfs-like snake_case names). */
    default void counters(java.util.Map<String, Long> into) {
    }

    /** The kernel is closed: give back what the merger holds off the Java heap (the default holds none). */
    default void close() {
    }
}
