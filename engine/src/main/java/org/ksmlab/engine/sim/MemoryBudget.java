package org.ksmlab.engine.sim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.ksmlab.engine.memory.PageMode;
import org.ksmlab.engine.memory.PageStore;
import org.ksmlab.engine.workload.Workload;

/**
 * Refuses a run that cannot fit in this machine's memory before anything is allocated, instead
 * of dying half-way with an OutOfMemoryError (or taking the host down when no limit stops it).
 *
 * <p>With byte pages ({@link PageMode#BYTE}) the model holds every page's 4 KiB off the Java heap, in {@link PageStore}'s mmap'd chunks,
 * and its metadata on the heap: frame refcount, mapcount and flags, the page-table entries,
 * KSM's rmap_items and the workload's own tables. {@link #HEAP_BYTES_PER_FRAME} is an upper
 * estimate of the heap part, measured rather than derived: a one-process {@code dup} of
 * 1,048,576 pages through KSM to stability ran with {@code -Xmx128m} and failed with
 * {@code -Xmx64m}, so its peak lies between 64 and 128 bytes per frame; 128 is used. A run is
 * refused when its page bytes plus heap estimate exceed what the system reports available
 * ({@code MemAvailable} of /proc/meminfo), or its heap estimate exceeds the JVM's heap limit.
 * Where /proc/meminfo is not readable only the heap limit is checked.
 */
public final class MemoryBudget {
    /** Upper estimate of the model's heap per frame (see the class comment). */
    public static final long HEAP_BYTES_PER_FRAME = 128;
    /**
     * Upper estimate of a symbolic-page run's memory per page, the whole process counted:
     * frame metadata, page tables and KSM's items and trees off the heap
     * ({@code OffHeapArray}), plus the JVM and its heap. Measured: {@code simulate --workload
     * vm-host:pages=16777216 --algo ksm --page-mode symbolic --set pages_to_scan=62500} peaked at
     * 808,032 KiB of resident memory ({@code /usr/bin/time}), 49 bytes per page; larger runs
     * spread the JVM's own share over more pages (see the README's 1 TiB measurement).
     */
    public static final long SYMBOLIC_BYTES_PER_FRAME = 49;

    private MemoryBudget() {
    }

    /** Throws {@link IllegalArgumentException} naming what the run needs and what there is, when it cannot fit (byte pages). */
    public static void check(Workload workload) {
        check(workload, PageMode.BYTE);
    }

    /** As {@link #check(Workload)}, for page contents held as {@code mode} says. */
    public static void check(Workload workload, PageMode mode) {
        check(workload, mode, availableBytes(Path.of("/proc/meminfo")), Runtime.getRuntime().maxMemory());
    }

    static void check(Workload workload, OptionalLong availableBytes, long maxHeapBytes) {
        check(workload, PageMode.BYTE, availableBytes, maxHeapBytes);
    }

    static void check(Workload workload, PageMode mode, OptionalLong availableBytes, long maxHeapBytes) {
        long frames = workload.framesAtMost();
        if (frames <= 0) {
            return;
        }
        if (mode == PageMode.SYMBOLIC) {
            checkSymbolic(workload, frames, availableBytes, maxHeapBytes);
            return;
        }
        long pageBytes = frames * PageStore.PAGE_SIZE;
        long heapBytes = frames * HEAP_BYTES_PER_FRAME;
        String need = "workload '" + workload.spec() + "' needs about " + gib(pageBytes + heapBytes) + " GiB: "
                + String.format("%,d", frames) + " pages of 4 KiB (" + gib(pageBytes) + " GiB, off the Java heap) and about "
                + gib(heapBytes) + " GiB of heap for their metadata";
        if (availableBytes.isPresent() && pageBytes + heapBytes > availableBytes.getAsLong()) {
            throw new IllegalArgumentException(need + "; this machine has " + gib(availableBytes.getAsLong())
                    + " GiB available (MemAvailable). Use fewer pages or processes");
        }
        if (heapBytes > maxHeapBytes) {
            throw new IllegalArgumentException(need + "; the JVM's heap limit is " + gib(maxHeapBytes)
                    + " GiB. Use fewer pages or processes, or a larger -Xmx");
        }
    }

    /**
     * Symbolic pages hold no page bytes, and the model's per-page state lives off the Java heap:
     * the run needs about {@link #SYMBOLIC_BYTES_PER_FRAME} bytes per page of the machine's
     * available memory (the heap's share is part of that figure).
     */
    private static void checkSymbolic(Workload workload, long frames, OptionalLong availableBytes, long maxHeapBytes) {
        long bytes = frames * SYMBOLIC_BYTES_PER_FRAME;
        String need = "workload '" + workload.spec() + "' needs about " + gib(bytes) + " GiB for "
                + String.format("%,d", frames) + " symbolic pages (about " + SYMBOLIC_BYTES_PER_FRAME + " bytes of memory each, measured)";
        if (availableBytes.isPresent() && bytes > availableBytes.getAsLong()) {
            throw new IllegalArgumentException(need + "; this machine has " + gib(availableBytes.getAsLong())
                    + " GiB available (MemAvailable). Use fewer pages or processes");
        }
    }

    /** What a run of {@code workload} holds at most, bytes: its pages and the heap estimate of their metadata (byte pages). */
    public static long bytesNeeded(Workload workload) {
        return bytesNeeded(workload, PageMode.BYTE);
    }

    /** As {@link #bytesNeeded(Workload)}, for page contents held as {@code mode} says. */
    public static long bytesNeeded(Workload workload, PageMode mode) {
        long frames = Math.max(0, workload.framesAtMost());
        return mode == PageMode.SYMBOLIC ? frames * SYMBOLIC_BYTES_PER_FRAME : frames * (PageStore.PAGE_SIZE + HEAP_BYTES_PER_FRAME);
    }

    /** This machine's MemAvailable, bytes; empty where /proc/meminfo cannot be read. */
    public static OptionalLong availableBytes() {
        return availableBytes(Path.of("/proc/meminfo"));
    }

    /** MemAvailable of a /proc/meminfo file, in bytes; empty when it cannot be read. */
    static OptionalLong availableBytes(Path meminfo) {
        try {
            for (String line : Files.readAllLines(meminfo)) {
                if (line.startsWith("MemAvailable:")) {
                    String[] f = line.substring("MemAvailable:".length()).trim().split("\\s+");
                    return OptionalLong.of(Long.parseLong(f[0]) * 1024);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or not readable: only the heap limit is checked
        }
        return OptionalLong.empty();
    }

    private static String gib(long bytes) {
        return String.format("%.1f", bytes / (double) (1L << 30));
    }
}
