package org.ksmlab.engine.scenario;

import java.util.Map;

/**
 * The side a scenario runs on: the kernel model ({@link ModelMachine}, virtual time) or the
 * live kernel (real processes; the livekernel module). {@link ScenarioRun} keeps the scenario's
 * own bookkeeping (names, regions, what every page should hold) and asks a machine only for
 * system calls, page stores, read-back checks, counters and the passing of time, so both sides
 * run the very same plan.
 *
 * <p>Processes are named by the pid the machine gave them; addresses and lengths are bytes,
 * page aligned. A call the kernel refuses throws {@link org.ksmlab.engine.mm.SyscallException}
 * with its errno; a call this machine cannot make at all (a proposal the live kernel lacks)
 * throws it with {@code ENOSYS} or the error the kernel gives.
 */
public interface Machine {
    /** "model" or "kernel": which side this is, for results. */
    String side();

    int spawn();

    /**
     * Puts a just-spawned process into security domain {@code domain} (a scenario's
     * {@code domains}). Domains are the model's notion, for the defences that merge only inside
     * one; the live kernel has none, so its machine ignores them (the default).
     */
    default void setDomain(int pid, int domain) {
    }

    /** mmap of {@code bytes}, at {@code addr} when it is free (a hint; 0 for anywhere); returns the start. */
    long mmap(int pid, long addr, long bytes, int prot, boolean shared, String file, long filePage);

    void munmap(int pid, long addr, long bytes);

    /** mremap; {@code move}: MREMAP_MAYMOVE (with MREMAP_FIXED to {@code newAddr} when it is not 0). Returns the new start. */
    long mremap(int pid, long oldAddr, long oldBytes, long newBytes, boolean move, long newAddr);

    /** brk: moves the program break to {@code newBrk} (0: only asks); returns the break after the call. */
    long brk(int pid, long newBrk);

    void mprotect(int pid, long addr, long bytes, int prot);

    void madvise(int pid, long addr, long bytes, Step.Advice advice);

    void processMadvise(int callerPid, int targetPid, long addr, long bytes, Step.Advice advice);

    void prctlMergeAny(int pid, boolean on);

    /** Writes {@code mode} to /proc/PID/ksm_enabled (a proposal; ENOENT where the file does not exist). */
    void ksmEnabled(int pid, String mode);

    /** process_vm_mmap (a proposal; ENOSYS where it does not exist): returns the new mapping's start. */
    long cloneRange(int pid, int sourcePid, long sourceAddr, long bytes);

    int fork(int pid);

    void exec(int pid);

    void exit(int pid);

    /** Stores whole pages: page at {@code addrs[k]} gets content {@code ids[k]} ({@link Content#ZERO_ID}: zeros). */
    void write(int pid, long[] addrs, long[] ids);

    /** Stores {@code words[k]} at offset {@link ScenarioRun#PATCH_OFFSET} of the page at {@code addrs[k]}. */
    void patch(int pid, long[] addrs, long[] words);

    /** Reads one word of each page (a read fault where it is not mapped yet). */
    void read(int pid, long[] addrs);

    /**
     * Reads every page back and compares it with content {@code ids[k]} plus patch
     * {@code patches[k]} (0: none); returns null when all agree, else the first difference.
     */
    String verify(int pid, long[] addrs, long[] ids, long[] patches);

    /** System-wide counters now (the merger's, nr_anon_pages, vmas, ...). */
    Map<String, Long> counters();

    /** One process's counters now: vmas and its ksm_stat fields. */
    Map<String, Long> processCounters(int pid);

    /**
     * A range's pages now: {@code present_pages}, {@code distinct_frames} (among present pages),
     * {@code ksm_pages} (present pages on a KSM frame), {@code zero_pages} (on the zero page),
     * and {@code vmas}, the VMAs that overlap it.
     */
    Map<String, Long> regionCounters(int pid, long addr, long bytes);

    /** Writes merger (and kernel-model) knobs now, in order. */
    void writeKnobs(Map<String, String> knobs);

    /** Lets {@code ms} of time pass (virtual or real). */
    void runForMs(long ms);

    /** Lets ksmd complete {@code n} more full scans; an error for a merger without full scans. */
    void runFullScans(long n);

    /** Lets time pass until the merger's counters are stable. */
    void runUntilStable();

    /** Runs {@code action} every {@code periodMs} from now + period on, while time passes. */
    void every(long periodMs, Runnable action);

    /** Milliseconds since the run started (virtual for the model, wall for the kernel). */
    long nowMs();
}
