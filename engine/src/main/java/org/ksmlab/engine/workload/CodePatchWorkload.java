package org.ksmlab.engine.workload;

import static org.ksmlab.engine.memory.PageStore.PAGE_SIZE;

import java.util.List;
import java.util.Map;
import org.ksmlab.engine.knobs.Param;
import org.ksmlab.engine.mm.Kernel;
import org.ksmlab.engine.mm.MappedFile;
import org.ksmlab.engine.mm.VmFlags;

/**
 * {@code codepatch}: the SKSM RFC's headline experiment, 1000 × {@code sleep 500} whose libc
 * text is COW'd by code patching, then merged back.
 *
 * <p>Every one of {@code procs} processes maps the same {@code lib_pages}-page file privately
 * (PROT_READ|PROT_WRITE|PROT_EXEC, MAP_PRIVATE: code patching would mprotect the text writable;
 * mapping it writable is the same to the model) and has {@code base_pages} anonymous pages of
 * its own unique contents. Phases, in virtual time:
 * <ol>
 * <li>baseline (t = 0): each process reads every lib page (page cache, no anonymous memory) and
 *     writes its base pages; {@code nr_anon_pages_baseline} is recorded.</li>
 * <li>patched ({@code patch_ms}): each process writes the same 8-byte patch into the first
 *     {@code round(patched × lib_pages)} lib pages, a COW fault each ({@code do_wp_page} on a
 *     page-cache page) giving identical anonymous copies; {@code nr_anon_pages_patched}.</li>
 * <li>merged ({@code merge_ms}): each process madvise(MADV_MERGEABLE)s its lib mapping and its
 *     base pages. The workload knows mergers only through that call: {@code sksm} merges at
 *     once (its opt-in, see the sksm package), {@code sksm-aged} nominates after the age,
 *     {@code ksm} lets ksmd converge, {@code none} does nothing. {@code nr_anon_pages_merged}
 *     is recorded when the run stops (stable, with {@code --until-stable}).</li>
 * </ol>
 *
 * <p>Security domains: every process is in the first one's (one tenant's processes); the
 * {@code dup} workload, by contrast, leaves each process a domain of its own (one per guest).
 *
 * <h2>Defaults from the RFC's numbers</h2>
 * The RFC reports nr_anon_pages 39721 at baseline, 419927 after every executable page of libc
 * was COW'd, 45525 after MADV_MERGE, for 1000 processes. Per process: 39721 / 1000 ≈ 40
 * anonymous pages ({@code base_pages=40}); (419927 − 39721) / 1000 = 380.2 COW'd pages, i.e.
 * a 1.5 MiB libc text all patched ({@code lib_pages=380}, {@code patched=1.0}). The model then
 * gives exactly 40000, 420000 and, under {@code sksm}, 40000 + 380 = 40380: the 380 patched
 * contents once each (in the table), every base page unmatched (unique by construction).
 *
 * <h2>Why the merged number is below the RFC's 45525</h2>
 * The RFC kept 5804 pages more than baseline + one copy of libc. The model's patch is
 * byte-identical in every process and nothing runs between phases; on a real system some
 * patched pages may differ between processes (anything address-dependent written into them),
 * some merged pages are written again before nr_anon_pages is read (every write to a merged
 * page COWs under SKSM), and the rest of the system allocates meanwhile. The model has none of
 * these, so it gives the lower bound. Under {@code ksm} expect more than 40380: with
 * {@code max_page_sharing=256} each patched content needs ⌈1000/256⌉ = 4 KSM pages (40000 +
 * 4 × 380 = 41520).
 */
final class CodePatchWorkload implements Workload {
    static final WorkloadDefinition DEFINITION = new WorkloadDefinition("codepatch",
            "processes sharing a private library mapping whose text each patches identically (COW), then made mergeable",
            List.of(
                    Param.integer("procs", 1000, 1, 4096, "processes, each mapping the library"),
                    Param.integer("lib_pages", 380, 1, 1L << 20, "pages of library text (one file, mapped privately by every process)"),
                    Param.integer("base_pages", 40, 0, 1L << 20, "anonymous pages per process, each with its own unique contents"),
                    Param.fraction("patched", 1.0, "fraction of the library pages every process patches (the first ones), identically"),
                    Param.integer("patch_ms", 1000, 1, 1L << 40, "virtual time of the patch phase, ms"),
                    Param.integer("merge_ms", 2000, 1, 1L << 40, "virtual time of the merge phase (after patch_ms), ms"),
                    Param.integer("seed", 42, Long.MIN_VALUE, Long.MAX_VALUE, "seed of every page's contents")),
            CodePatchWorkload::new);

    /** Content ids: library page i is LIB_ID + i, base page j of process p is BASE_ID + p·base_pages + j. */
    private static final long LIB_ID = 1L << 40;
    private static final long BASE_ID = 1L << 41;
    /** Where the patch goes inside a page (a call site in the middle of the page). */
    private static final int PATCH_OFFSET = 0x800;

    private final WorkloadSpec spec;
    private final Map<String, Number> params;
    private final int procs;
    private final int libPages;
    private final int basePages;
    private final int patchedPages;
    private final long patchMs;
    private final long mergeMs;
    private final long seed;

    private CodePatchWorkload(WorkloadDefinition.Values v) {
        this.spec = v.spec();
        this.params = v.values();
        this.procs = v.getInt("procs");
        this.libPages = v.getInt("lib_pages");
        this.basePages = v.getInt("base_pages");
        this.patchedPages = (int) Math.round(v.getDouble("patched") * libPages);
        this.patchMs = v.getLong("patch_ms");
        this.mergeMs = v.getLong("merge_ms");
        this.seed = v.getLong("seed");
        if (mergeMs <= patchMs) {
            throw new IllegalArgumentException("workload 'codepatch': merge_ms=" + mergeMs + " must be after patch_ms=" + patchMs);
        }
        if ((long) procs * (libPages + basePages) > 1L << 26) {
            throw new IllegalArgumentException("workload 'codepatch': procs*(lib_pages+base_pages) = " + (long) procs * (libPages + basePages)
                    + " exceeds the model's limit of 2^26 pages (256 GiB)");
        }
    }

    /** The library's page-cache pages, plus per process its patched (COW'd) copies and its own pages. */
    @Override
    public long framesAtMost() {
        return libPages + (long) procs * (patchedPages + basePages);
    }

    @Override public WorkloadSpec spec() { return spec; }
    @Override public long seed() { return seed; }
    @Override public Map<String, Number> params() { return params; }

    @Override
    public void start(Kernel kernel, Scheduler scheduler) {
        MappedFile lib = new MappedFile("libc.so.6", libPages,
                (store, frame, index) -> PageContents.fill(store, frame, seed, LIB_ID + index));
        int[] pids = new int[procs];
        long[] libAddr = new long[procs];
        long[] baseAddr = new long[procs];
        long libBytes = (long) libPages * PAGE_SIZE;
        long baseBytes = (long) basePages * PAGE_SIZE;
        for (int p = 0; p < procs; p++) {
            int pid = kernel.spawn();
            // One tenant: the RFC's processes are one user's programs on one host, so they form one
            // security domain (the first process's); merging between them crosses no tenant boundary.
            kernel.setDomain(pid, pids[0] == 0 ? pid : kernel.process(pids[0]).domain());
            pids[p] = pid;
            libAddr[p] = kernel.mmap(pid, 0, libBytes, VmFlags.PROT_READ | VmFlags.PROT_WRITE | VmFlags.PROT_EXEC,
                    VmFlags.MAP_PRIVATE, lib, 0);
            for (int i = 0; i < libPages; i++) {
                kernel.readLong(pid, libAddr[p] + (long) i * PAGE_SIZE); // the process runs: its text is faulted in
            }
            if (basePages > 0) {
                baseAddr[p] = kernel.mmapAnonymous(pid, baseBytes);
                for (int j = 0; j < basePages; j++) {
                    long id = BASE_ID + (long) p * basePages + j;
                    kernel.writePage(pid, baseAddr[p] + (long) j * PAGE_SIZE, (store, frame) -> PageContents.fill(store, frame, seed, id));
                }
            }
        }
        scheduler.record("nr_anon_pages_baseline", kernel.nrAnonPages());
        scheduler.at(patchMs * 1_000_000L, () -> {
            for (int p = 0; p < procs; p++) {
                for (int i = 0; i < patchedPages; i++) {
                    kernel.writeLong(pids[p], libAddr[p] + (long) i * PAGE_SIZE + PATCH_OFFSET, patchWord(i));
                }
            }
            scheduler.record("nr_anon_pages_patched", kernel.nrAnonPages());
        });
        scheduler.at(mergeMs * 1_000_000L, () -> {
            for (int p = 0; p < procs; p++) {
                kernel.madvise(pids[p], libAddr[p], libBytes, VmFlags.MADV_MERGEABLE);
                if (basePages > 0) {
                    kernel.madvise(pids[p], baseAddr[p], baseBytes, VmFlags.MADV_MERGEABLE);
                }
            }
            scheduler.offeredForMerging();
        });
    }

    @Override
    public void finish(Kernel kernel, Scheduler scheduler) {
        scheduler.record("nr_anon_pages_merged", kernel.nrAnonPages());
    }

    /** The 8 bytes every process writes into library page {@code i}: the same in all of them. */
    private long patchWord(int i) {
        return PageContents.mix64(seed ^ (0xC0DEL << 32) ^ i);
    }
}
