package org.ksmlab.engine.scenario;

import java.util.List;
import java.util.Map;

/**
 * One step of a scenario's timeline: a system call of a named process, a knob write, a wait, a
 * named phase at which counters are recorded, or an expectation. Steps between two waits happen
 * at the same virtual instant, in file order; only waits let time pass (and ksmd run).
 *
 * <p>Processes and regions are named. A region is a named range of one process's address space
 * (created by {@link Mmap}, {@link Brk} or a moving {@link Mremap}); a forked child inherits its
 * parent's regions under the same names and addresses; exec and exit drop a process's regions.
 */
public sealed interface Step {
    /** Where the step was written. */
    Origin origin();

    /**
     * A system call that may fail. {@code errno} null: it must succeed (a failure stops the run
     * with the step's origin). {@code errno} set (e.g. EINVAL): it may fail with that error (as it
     * does on kernels without a proposal a variant turns on); the run goes on, and the failure is
     * counted in the phases' {@code failed_calls} and, per process, {@code failed_calls.P}.
     */
    sealed interface Syscall extends Step {
        String process();

        String errno();
    }

    /** A new process with an empty address space (fork is the other way to get one). */
    record Spawn(Origin origin, String process) implements Step {
    }

    /**
     * mmap of {@code pages} pages, anonymous ({@code file} null) or of a declared file (private
     * unless {@code shared}), at any free address or at {@code place} (as MAP_FIXED_NOREPLACE:
     * EEXIST if that space is taken).
     */
    record Mmap(Origin origin, String process, String region, long pages, int prot, boolean shared,
                String file, long filePage, Placement place, String errno) implements Syscall {
    }

    /** munmap of pages of a region (the region keeps its name; the pages become unmapped). */
    record Munmap(Origin origin, String process, String region, PageRange range, String errno) implements Syscall {
    }

    /**
     * mremap of pages of a region. Without {@code to}: in place, to {@code newPages} (grow where the
     * space after it is free, or shrink). With {@code to}: moved (MREMAP_MAYMOVE, and
     * MREMAP_FIXED when {@code place} says where) as a new region {@code to} of {@code newPages}.
     */
    record Mremap(Origin origin, String process, String region, PageRange range, long newPages,
                  String to, Placement place, String errno) implements Syscall {
    }

    /**
     * Where a new mapping goes, relative to region {@code region}: right after its end, ending
     * right where it starts, or at its start (a move over it: MREMAP_FIXED replaces what is
     * there). Address-space layouts differ between the model and a real process, so scenarios
     * that need neighbours say so this way.
     */
    record Placement(String region, Where where) {
    }

    /** See {@link Placement}. */
    enum Where { AFTER, BEFORE, AT }

    /** brk: the process's heap (region {@code heap}) grows by {@code pages} (or shrinks, when negative). */
    record Brk(Origin origin, String process, long pages) implements Step {
    }

    /** Stores whole pages: each chosen page gets its content (a write fault where the page is not writable). */
    record Write(Origin origin, String process, String region, Pages pages, Content content) implements Step {
    }

    /**
     * Stores 8 bytes at offset 0x800 of each chosen page (as code patching does): page i of the
     * region gets the word {@code mix64(seed ^ 0xC0DE << 32 ^ i)}, the same in every process.
     */
    record Patch(Origin origin, String process, String region, Pages pages) implements Step {
    }

    /** Reads one word of each chosen page (a read fault maps the zero page or the page cache's page). */
    record Read(Origin origin, String process, String region, Pages pages) implements Step {
    }

    /** madvise on pages of a region: mergeable, unmergeable, dontneed, or SKSM's merge. */
    record Madvise(Origin origin, String process, String region, PageRange range, Advice advice, String errno) implements Syscall {
    }

    /** The advice a {@link Madvise} gives. */
    enum Advice { MERGEABLE, UNMERGEABLE, DONTNEED, MERGE }

    /** mprotect of pages of a region to {@code prot} (PROT_* bits; 0 is PROT_NONE). */
    record Mprotect(Origin origin, String process, String region, PageRange range, int prot, String errno) implements Syscall {
    }

    /**
     * process_madvise(pidfd of {@code target}, pages of the target's region, advice), called by
     * {@code process}: how a controller would advise memory of a process it did not write.
     * Current kernels refuse MADV_MERGEABLE there (EINVAL); the model follows the knob
     * {@code kernel.process_madvise_ksm}.
     */
    record ProcessMadvise(Origin origin, String process, String target, String region, PageRange range, Advice advice,
                          String errno) implements Syscall {
    }

    /**
     * The 2022 proposal's /proc/PID/ksm_enabled (never merged): a controller writes
     * {@code always}, {@code madvise} or {@code never} for process {@code process}. Only the
     * model has it, with {@code kernel.ksm_enabled_procfs=1}; elsewhere the file does not exist (ENOENT).
     */
    record KsmEnabled(Origin origin, String process, String mode, String errno) implements Syscall {
    }

    /**
     * The 2019 process_vm_mmap proposal (never merged): maps pages of {@code source}'s region
     * {@code from} into {@code process} as a new region {@code to}, sharing the anonymous pages
     * copy-on-write; {@code source} may be {@code process} itself, so one anonymous page is then
     * mapped twice in one mm. Only the model has it, with {@code kernel.process_vm_mmap=1} (ENOSYS otherwise).
     */
    record CloneRange(Origin origin, String process, String source, String from, PageRange range, String to,
                      String errno) implements Syscall {
    }

    /** prctl(PR_SET_MEMORY_MERGE, on). */
    record Prctl(Origin origin, String process, boolean mergeAny, String errno) implements Syscall {
    }

    /** fork: {@code child} gets a copy-on-write copy of the address space, and the regions' names. */
    record Fork(Origin origin, String process, String child) implements Step {
    }

    /** execve: a new, empty address space (merge-any carries over). */
    record Exec(Origin origin, String process) implements Step {
    }

    /** exit: the address space is torn down. */
    record Exit(Origin origin, String process) implements Step {
    }

    /** Writes merger knobs (for ksm the sysfs names, in order), e.g. run=2 or pages_to_scan=1000. */
    record Knob(Origin origin, Map<String, String> values) implements Step {
    }

    /** Lets time pass: {@code amount} virtual ms, {@code amount} full scans of ksmd, or until stable. */
    record Wait(Origin origin, WaitKind kind, long amount) implements Step {
    }

    /** What a {@link Wait} waits for. */
    enum WaitKind { MS, FULL_SCANS, STABLE }

    /** Records every counter (global, per process) under {@code name}. */
    record Phase(Origin origin, String name) implements Step {
    }

    /**
     * Checks counters now, each exactly: a global counter ({@code pages_sharing}), a process's
     * ({@code ksm_merging_pages.P}, ...), a region's ({@code distinct_frames.P.R}, {@code vmas.P.R}).
     * With {@code variant} set, only in a run of that variant. A failed expectation is reported
     * with the step's origin; the run goes on.
     */
    record Expect(Origin origin, String variant, Map<String, Long> values) implements Step {
    }

    /**
     * Runs {@code steps} every {@code periodMs} virtual ms, the first time {@code periodMs} after
     * this step: a periodic writer (writes, patches, reads and madvise only).
     */
    record Every(Origin origin, long periodMs, List<Step> steps) implements Step {
    }
}
