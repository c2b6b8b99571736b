package org.ksmlab.engine.sim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.ksmlab.engine.memory.PageStore;
import org.ksmlab.engine.workload.Workload;

/**
 * Refuses a run that cannot fit in this machine's memory before anything is allocated, instead
 * of dying half-way with an OutOfMemoryError (or taking the host down when no limit stops it).
 *
 * <p>The model holds every page's 4 KiB off the Java heap, in {@link PageStore}'s mmap'd chunks,
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

    private MemoryBudget() {
    }

    /** Throws {@link IllegalArgumentException} naming what the run needs and what there is, when it cannot fit. */
    public static void check(Workload workload) {
        check(workload, availableBytes(Path.of("/proc/meminfo")), Runtime.getRuntime().maxMemory());
    }

    static void check(Workload workload, OptionalLong availableBytes, long maxHeapBytes) {
        long frames = workload.framesAtMost();
        if (frames <= 0) {
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

    /** What a run of {@code workload} holds at most, bytes: its pages and the heap estimate of their metadata. */
    public static long bytesNeeded(Workload workload) {
        return Math.max(0, workload.framesAtMost()) * (PageStore.PAGE_SIZE + HEAP_BYTES_PER_FRAME);
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
