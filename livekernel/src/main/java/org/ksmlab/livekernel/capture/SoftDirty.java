package org.ksmlab.livekernel.capture;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ksmlab.datasets.memory.LongIntMap;
import org.ksmlab.livekernel.Libc;

/**
 * Write activity from soft-dirty bits: write "4" to /proc/PID/clear_refs (clear every page's
 * soft-dirty bit), wait T ms, read /proc/PID/pagemap (bit 55 set: written since), clear again;
 * D / T times. A page's count is the number of intervals in which it was written.
 *
 * <p>Needs a kernel with CONFIG_MEM_SOFT_DIRTY: without it clear_refs accepts "4" and does
 * nothing, and bit 55 stays 0, so an idle-looking result would be a lie. {@link #unavailable}
 * finds out first, on a page of this JVM: a page written after clear_refs must show the bit.
 *
 * @see "Documentation/admin-guide/mm/soft-dirty.rst"
 */
public final class SoftDirty {
    private SoftDirty() {
    }

    /** Why write activity cannot be sampled on this kernel, or empty when it can. */
    public static Optional<String> unavailable(Path proc) {
        var page = Libc.mmapAnonymous(4096);
        try {
            page.set(java.lang.foreign.ValueLayout.JAVA_LONG, 0, 1);
            Libc.writeFile(proc.resolve("self/clear_refs").toString(), "4\n");
            page.set(java.lang.foreign.ValueLayout.JAVA_LONG, 0, 2);
            try (FileChannel pm = FileChannel.open(proc.resolve("self/pagemap"), StandardOpenOption.READ)) {
                ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder());
                pm.read(b, (page.address() / 4096) * 8);
                long e = b.getLong(0);
                if ((e & PageFlags.PM_PRESENT) == 0) return Optional.of("the soft-dirty probe's page is not present (cannot tell)");
                if ((e & PageFlags.PM_SOFT_DIRTY) == 0) {
                    return Optional.of("this kernel has no soft-dirty tracking (CONFIG_MEM_SOFT_DIRTY is not set: a page written after "
                            + "clear_refs 4 shows no soft-dirty bit in /proc/PID/pagemap), so write activity cannot be captured here");
                }
                return Optional.empty();
            }
        } catch (IOException | RuntimeException e) {
            return Optional.of("the soft-dirty probe failed: " + e.getMessage());
        } finally {
            Libc.munmap(page);
        }
    }

    /**
     * Samples {@code pids} every {@code intervalMs} for {@code durationMs}: per pid, page address
     * → intervals in which it was written. Memory: one entry per page written at least once.
     */
    public static Map<Integer, LongIntMap> sample(Path proc, List<Integer> pids, long intervalMs, long durationMs, PrintWriter log)
            throws IOException, InterruptedException {
        Map<Integer, LongIntMap> out = new LinkedHashMap<>();
        Map<Integer, List<Smaps.Vma>> vmas = new LinkedHashMap<>();
        for (int pid : pids) {
            out.put(pid, new LongIntMap(-1));
            vmas.put(pid, Smaps.parse(java.nio.file.Files.readString(proc.resolve(pid + "/smaps"))));
            clear(proc, pid);
        }
        long samples = Math.max(1, durationMs / intervalMs);
        ByteBuffer b = ByteBuffer.allocateDirect(Capture.CHUNK_PAGES * 8).order(ByteOrder.nativeOrder());
        for (long s = 0; s < samples; s++) {
            Thread.sleep(intervalMs);
            for (int pid : pids) {
                LongIntMap counts = out.get(pid);
                try (FileChannel pm = FileChannel.open(proc.resolve(pid + "/pagemap"), StandardOpenOption.READ)) {
                    for (Smaps.Vma v : vmas.get(pid)) {
                        for (long a = v.start(); a < v.end(); a += Capture.CHUNK_PAGES * 4096L) {
                            int n = (int) Math.min(Capture.CHUNK_PAGES, (v.end() - a) / 4096);
                            b.clear().limit(n * 8);
                            while (b.hasRemaining() && pm.read(b, (a / 4096) * 8 + b.position()) > 0) {
                                // read the chunk
                            }
                            for (int j = 0; j < b.position() / 8; j++) {
                                if ((b.getLong(j * 8) & PageFlags.PM_SOFT_DIRTY) != 0) counts.add(a + j * 4096L, 1);
                            }
                        }
                    }
                }
                clear(proc, pid);
            }
        }
        log.printf("capture: write activity sampled every %d ms for %d ms (%d samples)%n", intervalMs, durationMs, samples);
        return out;
    }

    private static void clear(Path proc, int pid) {
        Libc.writeFile(proc.resolve(pid + "/clear_refs").toString(), "4\n");
    }
}
