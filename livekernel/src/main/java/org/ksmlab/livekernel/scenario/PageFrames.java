package org.ksmlab.livekernel.scenario;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which frame backs each page, from /proc/PID/pagemap (one 64-bit entry per page: bit 63
 * present, bits 0-54 the page frame number, shown to root only) and what kind of frame it is,
 * from /proc/kpageflags (one 64-bit flag word per frame: {@link #KPF_ANON}, {@link #KPF_KSM},
 * {@link #KPF_ZERO_PAGE}).
 *
 * @see "Documentation/admin-guide/mm/pagemap.rst"
 */
final class PageFrames {
    static final long PM_PRESENT = 1L << 63;
    static final long PM_SWAP = 1L << 62;
    static final long PM_PFN_MASK = (1L << 55) - 1;
    static final int KPF_ANON = 12;
    static final int KPF_KSM = 21;
    static final int KPF_ZERO_PAGE = 24;
    private static final long PAGE = 4096;

    private final Path proc;

    PageFrames(Path proc) {
        this.proc = proc;
    }

    static boolean present(long entry) {
        return (entry & PM_PRESENT) != 0;
    }

    static long pfn(long entry) {
        return entry & PM_PFN_MASK;
    }

    static boolean flag(long flags, int bit) {
        return (flags >>> bit & 1) != 0;
    }

    /** The pagemap entries of {@code [addr, addr + bytes)} of process {@code pid}. */
    long[] entries(int pid, long addr, long bytes) {
        int n = Math.toIntExact(bytes / PAGE);
        long[] out = new long[n];
        if (n == 0) return out;
        try (FileChannel ch = FileChannel.open(proc.resolve(pid + "/pagemap"), StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(Math.min(n, 65536) * 8).order(ByteOrder.nativeOrder());
            long pos = (addr / PAGE) * 8;
            int k = 0;
            while (k < n) {
                b.clear();
                b.limit(Math.min(b.capacity(), (n - k) * 8));
                int r = ch.read(b, pos);
                if (r <= 0) throw new IOException("short read of pagemap at page 0x" + Long.toHexString(pos / 8));
                b.flip();
                while (b.remaining() >= 8) {
                    out[k++] = b.getLong();
                    pos += 8;
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + proc.resolve(pid + "/pagemap") + ": " + e.getMessage(), e);
        }
    }

    /** /proc/kpageflags of each frame in {@code pfns} (any order), in the same order. */
    long[] flags(long[] pfns) {
        long[] out = new long[pfns.length];
        if (pfns.length == 0) return out;
        try (FileChannel ch = FileChannel.open(proc.resolve("kpageflags"), StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder());
            Map<Long, Long> seen = new java.util.HashMap<>();
            for (int i = 0; i < pfns.length; i++) {
                Long cached = seen.get(pfns[i]);
                if (cached == null) {
                    b.clear();
                    if (ch.read(b, pfns[i] * 8) != 8) throw new IOException("short read at frame 0x" + Long.toHexString(pfns[i]));
                    cached = b.getLong(0);
                    seen.put(pfns[i], cached);
                }
                out[i] = cached;
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + proc.resolve("kpageflags") + ": " + e.getMessage(), e);
        }
    }

    /**
     * A range's counters from its pagemap entries and their frames' flags (same length):
     * {@code present_pages}, {@code distinct_frames} among them, {@code ksm_pages} (on a KSM
     * frame), {@code zero_pages} (on the shared zero page).
     */
    static Map<String, Long> regionCounters(long[] entries, long[] frameFlags) {
        long present = 0, ksm = 0, zero = 0;
        long[] pfns = new long[entries.length];
        int np = 0;
        for (int i = 0; i < entries.length; i++) {
            if (!present(entries[i])) continue;
            present++;
            pfns[np++] = pfn(entries[i]);
            if (flag(frameFlags[i], KPF_KSM)) ksm++;
            if (flag(frameFlags[i], KPF_ZERO_PAGE)) zero++;
        }
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("present_pages", present);
        m.put("distinct_frames", distinct(Arrays.copyOf(pfns, np)));
        m.put("ksm_pages", ksm);
        m.put("zero_pages", zero);
        return m;
    }

    static long distinct(long[] values) {
        long[] s = values.clone();
        Arrays.sort(s);
        long n = 0;
        for (int i = 0; i < s.length; i++) {
            if (i == 0 || s[i] != s[i - 1]) n++;
        }
        return n;
    }

    /** The frames of the present entries, in order (flags are read for these). */
    static long[] presentPfns(long[] entries) {
        return Arrays.stream(entries).filter(PageFrames::present).map(PageFrames::pfn).toArray();
    }

    /** Per entry: its frame's flags, 0 for a page not present. */
    long[] flagsOf(long[] entries) {
        long[] pfns = presentPfns(entries);
        long[] f = flags(pfns);
        long[] out = new long[entries.length];
        int k = 0;
        for (int i = 0; i < entries.length; i++) {
            if (present(entries[i])) out[i] = f[k++];
        }
        return out;
    }

    /** Anonymous frames (KPF_ANON; the zero page is not one) among present entries: their pfns. */
    static long[] anonymousPfns(long[] entries, long[] frameFlags) {
        long[] out = new long[entries.length];
        int n = 0;
        for (int i = 0; i < entries.length; i++) {
            if (present(entries[i]) && flag(frameFlags[i], KPF_ANON) && !flag(frameFlags[i], KPF_ZERO_PAGE)) {
                out[n++] = pfn(entries[i]);
            }
        }
        return Arrays.copyOf(out, n);
    }
}
