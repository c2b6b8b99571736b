package org.ksmlab.datasets.memory;

import java.util.List;
import java.util.Map;

/**
 * A memory dataset: captured real processes (format {@value #FORMAT}, version {@value #VERSION};
 * the README's "Memory datasets" section is the reference). A dataset is a folder:
 *
 * <ul>
 *   <li>{@value #MANIFEST}: what was captured, how, where, and each file's SHA-256 (JSON);</li>
 *   <li>{@value #PAGES}: a zstd stream (frame checksum on) of big-endian records: a header
 *       ({@link #PAGES_MAGIC}, the version), then per process {@code 'P'} index, pid, VMA count;
 *       per VMA {@code 'V'} start, end, flags ({@link VmaFlags}), raw smaps VmFlags, name, then
 *       its page records: varint index delta (≥ 1; 0 ends the VMA), kind byte ({@link PageKind}),
 *       for {@link PageKind#ANON} the page's 64-bit hash, varint times written (soft-dirty
 *       samples); after the 0: varint present pages that were not anonymous (page cache) and
 *       varint swapped pages; finally {@code 'E'} and the totals;</li>
 *   <li>{@value #CONTENTS} (only when contents were asked for): a zstd stream of
 *       ({@link #CONTENTS_MAGIC}, version), then {@code 'C'} hash + 4096 bytes once per distinct
 *       non-zero content, then {@code 'E'} and the count.</li>
 * </ul>
 *
 * The page hash is xxHash64 (seed 0) of the page's 4096 bytes ({@code LongHashFunction.xx(0)});
 * equal hashes are taken as equal pages (a 64-bit collision among a few million pages has a
 * probability around 10^-7).
 */
public final class MemoryDataset {
    public static final String FORMAT = "ksmlab-memory-dataset";
    public static final int VERSION = 1;
    public static final String MANIFEST = "dataset.json";
    public static final String PAGES = "pages.zst";
    public static final String CONTENTS = "contents.zst";
    static final long PAGES_MAGIC = 0x4B534D4C50414745L; // "KSMLPAGE"
    static final long CONTENTS_MAGIC = 0x4B534D4C434F4E54L; // "KSMLCONT"
    public static final int PAGE_SIZE = 4096;

    private MemoryDataset() {
    }

    /** What a page record says about one page. */
    public static final class PageKind {
        /** An anonymous page; its hash follows. */
        public static final int ANON = 1;
        /** An anonymous page whose 4096 bytes are zero (no hash stored). */
        public static final int ANON_ZERO = 2;
        /** The shared zero page is mapped here (a page only read). */
        public static final int ZERO_PAGE = 3;
        /** Flag: the page was a KSM page at capture (already merged). */
        public static final int KSM = 0x10;
        /** Flag: the page was part of a transparent huge page. */
        public static final int THP = 0x20;
        static final int KIND_MASK = 0x0F;

        private PageKind() {
        }
    }

    /** A VMA's flags in the dataset (our bits, from /proc/PID/smaps' VmFlags and the maps line). */
    public static final class VmaFlags {
        public static final int READ = 1, WRITE = 2, EXEC = 4;
        /** VM_SHARED (sh) or VM_MAYSHARE (ms): a shared mapping. */
        public static final int SHARED = 8;
        /** VM_MERGEABLE (mg) at capture: KSM scans it now. */
        public static final int MERGEABLE = 0x10;
        /** KSM could scan it (private; not VM_IO, VM_PFNMAP, VM_MIXEDMAP, VM_DONTEXPAND, VM_HUGETLB): vma_ksm_compatible. */
        public static final int KSM_COMPATIBLE = 0x20;
        /** No file behind it (anonymous, [heap], [stack]). */
        public static final int ANONYMOUS = 0x40;

        private VmaFlags() {
        }
    }

    /** dataset.json. */
    public record Manifest(int version, String name, String created, String kernel, String command, boolean contentsStored,
                           Activity activity, List<ProcessInfo> processes, Totals totals, Map<String, FileInfo> files) {
    }

    /**
     * Write activity: sampled with soft-dirty bits every {@code intervalMs} for {@code durationMs}
     * ({@code samples} intervals), or not ({@code sampled} false, {@code reason} says why).
     */
    public record Activity(boolean sampled, long intervalMs, long durationMs, long samples, String reason) {
        public static Activity none(String reason) {
            return new Activity(false, 0, 0, 0, reason);
        }
    }

    /** One captured process, as the manifest lists it. */
    public record ProcessInfo(int index, int pid, String comm, String cmdline, long vmas, long anonPages, long zeroFilledPages,
                              long zeroPageMappings, long ksmPages, long thpPages, boolean mergeAny) {
    }

    /** Totals over every process (checked against the pages file's trailer). */
    public record Totals(long processes, long vmas, long records, long anonPages) {
    }

    /** A file of the dataset: its size and SHA-256 (hex). */
    public record FileInfo(long bytes, String sha256) {
    }

    /** One VMA as the pages file holds it. */
    public record Vma(long start, long end, int flags, String vmFlags, String name) {
        public long pages() {
            return (end - start) / PAGE_SIZE;
        }

        public boolean has(int flag) {
            return (flags & flag) != 0;
        }
    }

    /** A dataset that cannot be read: the message names the dataset, the file and what is wrong. */
    public static final class BadDataset extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        public BadDataset(String message) {
            super(message);
        }

        public BadDataset(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
