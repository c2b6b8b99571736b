package org.ksmlab.livekernel.capture;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.lang.foreign.MemorySegment;
import org.ksmlab.engine.memory.PageChecksum;
import org.ksmlab.datasets.memory.DatasetWriter;
import org.ksmlab.datasets.memory.LongIntMap;
import org.ksmlab.datasets.memory.MemoryDataset;

/**
 * Captures running processes into a memory dataset: for every VMA of /proc/PID/smaps its range,
 * flags and name, and for every present page in it, from /proc/PID/pagemap and /proc/kpageflags,
 * whether it is anonymous (then its xxh64 hash, read through /proc/PID/mem, or "zero-filled"),
 * the shared zero page, or neither (page cache, counted per VMA), plus swapped pages.
 *
 * <p>Bounded memory: the pages are read {@value #CHUNK_PAGES} at a time (2 MiB of page bytes in
 * one reused direct buffer, its pagemap entries in another) and streamed into the
 * {@link DatasetWriter}; nothing grows with the process's size except, when contents are
 * stored, the writer's set of stored hashes (8 bytes per distinct content at half load), and,
 * with write activity, a count per page that was written. Reading a page through
 * /proc/PID/mem happens only where pagemap says an anonymous page is present, so the capture
 * never faults a page in (a read of a page not present would map the zero page).
 *
 * <p>A process that runs during the capture may change pages between the pagemap read and the
 * page read; stop it first ({@code --freeze}, SIGSTOP) for a consistent capture. A page that
 * vanished in between (the read fails) is not recorded.
 */
public final class Capture {
    /** Pages read per step: 2 MiB. */
    static final int CHUNK_PAGES = 512;
    private static final int PAGE = MemoryDataset.PAGE_SIZE;
    /** The page hash: the engine's xxh64 (seed 0), the kernel's checksum function in full 64 bits. */
    private static final PageChecksum HASH = PageChecksum.XXH64;
    /** The hash of a zero-filled page (a hash equal to it is checked byte by byte). */
    static final long ZERO_HASH = HASH.hash64(java.lang.foreign.Arena.global().allocate(PAGE), 0);

    /**
     * @param contents     store each distinct page's bytes too (contents.zst)
     * @param fullCmdline  record the processes' whole command lines (else only argv[0])
     */
    public record Options(boolean contents, boolean fullCmdline) {
    }

    /** What a capture did, for the command's summary line. */
    public record Summary(MemoryDataset.Manifest manifest, long pagemapEntries, long pagesRead, long vanished, long millis) {
    }

    private final Path proc;
    private final Options options;
    private final ByteBuffer entries = ByteBuffer.allocateDirect(CHUNK_PAGES * 8).order(ByteOrder.nativeOrder());
    private final ByteBuffer pages = ByteBuffer.allocateDirect(CHUNK_PAGES * PAGE);
    /** {@link #pages} as a native segment, for the hash. */
    private final MemorySegment pagesSegment = MemorySegment.ofBuffer(pages);
    private final ByteBuffer flagWord = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());
    private final long[] pfn = new long[CHUNK_PAGES];
    private final int[] kind = new int[CHUNK_PAGES];
    private long pagemapEntries, pagesRead, vanished;

    public Capture(Path proc, Options options) {
        this.proc = proc;
        this.options = options;
    }

    /**
     * Captures {@code pids} (in this order) into a new dataset at {@code out}. {@code writes}
     * (may be null): per pid, the times each page address was seen written during activity
     * sampling ({@link SoftDirty}); {@code activity} says whether and how that was sampled.
     */
    public Summary capture(List<Integer> pids, Path out, String name, String command, MemoryDataset.Activity activity,
                           Map<Integer, LongIntMap> writes, PrintWriter log) throws IOException {
        long t0 = System.nanoTime();
        MemoryDataset.Manifest m;
        try (DatasetWriter w = DatasetWriter.create(out, options.contents());
             FileChannel kpageflags = FileChannel.open(proc.resolve("kpageflags"), StandardOpenOption.READ)) {
            for (int i = 0; i < pids.size(); i++) {
                int pid = pids.get(i);
                List<Smaps.Vma> vmas = Smaps.parse(read(proc.resolve(pid + "/smaps"), pid));
                w.beginProcess(i, pid, firstLine(proc.resolve(pid + "/comm")), cmdline(pid), mergeAny(pid), vmas.size());
                LongIntMap written = writes == null ? null : writes.get(pid);
                try (FileChannel pagemap = FileChannel.open(proc.resolve(pid + "/pagemap"), StandardOpenOption.READ);
                     FileChannel mem = FileChannel.open(proc.resolve(pid + "/mem"), StandardOpenOption.READ)) {
                    for (Smaps.Vma v : vmas) {
                        w.beginVma(new MemoryDataset.Vma(v.start(), v.end(), v.datasetFlags(), v.vmFlags(), v.path()));
                        vma(v, pagemap, mem, kpageflags, w, written);
                    }
                }
                log.printf("capture: pid %d (%s): %d VMAs%n", pid, firstLine(proc.resolve(pid + "/comm")), vmas.size());
                log.flush();
            }
            m = w.finish(name, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), firstLine(proc.resolve("sys/kernel/osrelease")),
                    command, activity);
        }
        return new Summary(m, pagemapEntries, pagesRead, vanished, (System.nanoTime() - t0) / 1_000_000);
    }

    private void vma(Smaps.Vma v, FileChannel pagemap, FileChannel mem, FileChannel kpageflags, DatasetWriter w, LongIntMap written) throws IOException {
        long total = (v.end() - v.start()) / PAGE;
        long nonAnon = 0, swapped = 0;
        for (long first = 0; first < total; first += CHUNK_PAGES) {
            int n = (int) Math.min(CHUNK_PAGES, total - first);
            long addr0 = v.start() + first * PAGE;
            readFully(pagemap, entries, n * 8, (addr0 / PAGE) * 8, "pagemap");
            pagemapEntries += n;
            // classify: 0 none, else PageKind (with KSM/THP flags)
            for (int j = 0; j < n; j++) {
                long e = entries.getLong(j * 8);
                kind[j] = 0;
                if ((e & PageFlags.PM_PRESENT) == 0) {
                    if ((e & PageFlags.PM_SWAP) != 0) swapped++;
                    continue;
                }
                long f = frameFlags(kpageflags, e & PageFlags.PM_PFN_MASK);
                if (PageFlags.has(f, PageFlags.KPF_ZERO_PAGE)) {
                    kind[j] = MemoryDataset.PageKind.ZERO_PAGE;
                } else if (PageFlags.has(f, PageFlags.KPF_ANON)) {
                    kind[j] = MemoryDataset.PageKind.ANON | (PageFlags.has(f, PageFlags.KPF_KSM) ? MemoryDataset.PageKind.KSM : 0)
                            | (PageFlags.has(f, PageFlags.KPF_THP) ? MemoryDataset.PageKind.THP : 0);
                } else {
                    nonAnon++;
                }
            }
            // read runs of anonymous pages through /proc/PID/mem, hash each page
            int j = 0;
            while (j < n) {
                if (kind[j] == 0) {
                    j++;
                    continue;
                }
                if ((kind[j] & 0x0F) == MemoryDataset.PageKind.ZERO_PAGE) {
                    w.page(first + j, kind[j], 0, writes(written, addr0 + (long) j * PAGE));
                    j++;
                    continue;
                }
                int k = j;
                while (k < n && (kind[k] & 0x0F) == MemoryDataset.PageKind.ANON) k++;
                int got = readRun(mem, addr0 + (long) j * PAGE, k - j);
                for (int q = j; q < k; q++) {
                    if (q - j >= got) {
                        vanished++;
                        continue;
                    }
                    int off = (q - j) * PAGE;
                    long h = HASH.hash64(pagesSegment, off);
                    long ws = writes(written, addr0 + (long) q * PAGE);
                    if (h == ZERO_HASH && isZero(pages, off)) {
                        w.page(first + q, (kind[q] & ~0x0F) | MemoryDataset.PageKind.ANON_ZERO, 0, ws);
                    } else {
                        w.page(first + q, kind[q], h, ws);
                        if (w.withContents()) w.content(h, pages.slice(off, PAGE));
                    }
                    pagesRead++;
                }
                j = k;
            }
        }
        w.endVma(nonAnon, swapped);
    }

    private static long writes(LongIntMap written, long addr) {
        if (written == null) return 0;
        int c = written.get(addr);
        return c < 0 ? 0 : c;
    }

    /** Reads {@code count} pages at {@code addr} into {@link #pages}; returns how many whole pages it got. */
    private int readRun(FileChannel mem, long addr, int count) {
        pages.clear().limit(count * PAGE);
        long pos = addr;
        try {
            while (pages.hasRemaining()) {
                int r = mem.read(pages, pos);
                if (r <= 0) break;
                pos += r;
            }
        } catch (IOException e) {
            // EIO: a page went away under us (the process unmapped it); keep what was read
        }
        return pages.position() / PAGE;
    }

    private long frameFlags(FileChannel kpageflags, long pfn) throws IOException {
        flagWord.clear();
        if (kpageflags.read(flagWord, pfn * 8) != 8) throw new IOException("short read of /proc/kpageflags at frame 0x" + Long.toHexString(pfn));
        return flagWord.getLong(0);
    }

    private static void readFully(FileChannel ch, ByteBuffer b, int bytes, long pos, String what) throws IOException {
        b.clear().limit(bytes);
        while (b.hasRemaining()) {
            int r = ch.read(b, pos + b.position());
            if (r <= 0) throw new IOException("short read of " + what + " at 0x" + Long.toHexString(pos));
        }
    }

    static boolean isZero(ByteBuffer b, int off) {
        for (int i = 0; i < PAGE; i += 8) {
            if (b.getLong(off + i) != 0) return false;
        }
        return true;
    }

    private String cmdline(int pid) throws IOException {
        byte[] b = Files.readAllBytes(proc.resolve(pid + "/cmdline"));
        String s = new String(b, StandardCharsets.UTF_8);
        String[] args = s.split("\0");
        if (!options.fullCmdline()) return args.length == 0 ? "" : args[0];
        return String.join(" ", args).strip();
    }

    private boolean mergeAny(int pid) {
        try {
            for (String l : Files.readAllLines(proc.resolve(pid + "/ksm_stat"))) {
                if (l.startsWith("ksm_merge_any")) return l.contains("yes");
            }
        } catch (IOException e) {
            // no ksm_stat (no KSM): not merge-any
        }
        return false;
    }

    private static String read(Path p, int pid) throws IOException {
        try {
            return Files.readString(p);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("pid " + pid + ": no such process (" + p + " does not exist)");
        }
    }

    private static String firstLine(Path p) {
        try {
            return Files.readAllLines(p).stream().findFirst().orElse("").strip();
        } catch (IOException e) {
            return "";
        }
    }
}
