package org.ksmlab.datasets.memory;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a memory dataset ({@link MemoryDataset}) as a stream, in bounded memory: page records go
 * straight into the zstd stream; with contents, a set of the hashes already stored (8 bytes per
 * distinct content, {@link LongSet}) keeps each content once. Everything is written into a
 * hidden folder beside the target, and the manifest last; {@link #finish} renames the folder
 * into place (an atomic rename onto a target that does not exist or is an empty folder), so a
 * reader sees the whole dataset or none. {@link #close} without {@code finish} deletes it.
 *
 * <p>Call order: {@link #beginProcess}, then per VMA {@link #beginVma}, its {@link #page}s in
 * ascending page order (and {@link #content} for an {@code ANON} page's bytes, when contents are
 * stored), {@link #endVma}; then the next process; then {@link #finish}.
 */
public final class DatasetWriter implements AutoCloseable {
    private final Path target;
    private final Path tmp;
    private final boolean withContents;
    private final MessageDigest pagesDigest;
    private final DataOutputStream pages;
    private final MessageDigest contentsDigest;
    private final DataOutputStream contents;
    private final LongSet stored;
    /** One page's bytes on their way into the contents stream (reused: no garbage per page). */
    private final byte[] pageBytes = new byte[MemoryDataset.PAGE_SIZE];
    private final List<MemoryDataset.ProcessInfo> processes = new ArrayList<>();
    private boolean finished;
    // the process being written
    private int pIndex = -1, pPid;
    private String pComm, pCmdline;
    private boolean pMergeAny;
    private long pVmasLeft, pVmas, pAnon, pZeroFilled, pZeroPage, pKsm, pThp;
    // the VMA being written
    private boolean inVma;
    private long vmaPages;
    private long lastIndex;
    // totals
    private long vmas, records, anonPages, contentCount;

    private DatasetWriter(Path target, boolean withContents) throws IOException {
        this.target = target.toAbsolutePath().normalize();
        this.withContents = withContents;
        checkTarget(this.target);
        Path parent = this.target.getParent();
        Files.createDirectories(parent);
        this.tmp = Files.createTempDirectory(parent, "." + this.target.getFileName() + ".tmp-");
        try {
            this.pagesDigest = MessageDigest.getInstance("SHA-256");
            this.pages = stream(tmp.resolve(MemoryDataset.PAGES), pagesDigest);
            pages.writeLong(MemoryDataset.PAGES_MAGIC);
            pages.writeInt(MemoryDataset.VERSION);
            if (withContents) {
                this.contentsDigest = MessageDigest.getInstance("SHA-256");
                this.contents = stream(tmp.resolve(MemoryDataset.CONTENTS), contentsDigest);
                contents.writeLong(MemoryDataset.CONTENTS_MAGIC);
                contents.writeInt(MemoryDataset.VERSION);
                this.stored = new LongSet();
            } else {
                this.contentsDigest = null;
                this.contents = null;
                this.stored = null;
            }
        } catch (NoSuchAlgorithmException e) {
            deleteTree(tmp);
            throw new IllegalStateException(e);
        } catch (IOException | RuntimeException e) {
            deleteTree(tmp);
            throw e;
        }
    }

    /**
     * A writer of a dataset at {@code target}, which must not exist or be an empty folder (checked
     * now, before anything is captured). {@code withContents}: also store each distinct page's bytes.
     */
    public static DatasetWriter create(Path target, boolean withContents) throws IOException {
        return new DatasetWriter(target, withContents);
    }

    /** Refuses a target that exists and is not an empty folder (a dataset is never overwritten). */
    public static void checkTarget(Path target) throws IOException {
        if (!Files.exists(target)) return;
        if (!Files.isDirectory(target)) {
            throw new FileAlreadyExistsException(target.toString(), null, "exists and is not a folder; a dataset is written into a new folder");
        }
        try (DirectoryStream<Path> d = Files.newDirectoryStream(target)) {
            if (d.iterator().hasNext()) {
                throw new FileAlreadyExistsException(target.toString(), null, "exists and is not empty; a dataset is written into a new folder");
            }
        }
    }

    private static DataOutputStream stream(Path file, MessageDigest digest) throws IOException {
        OutputStream raw = new DigestOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16), digest);
        ZstdOutputStream z = new ZstdOutputStream(raw, 3);
        z.setChecksum(true);
        return new DataOutputStream(new BufferedOutputStream(z, 1 << 16));
    }

    public boolean withContents() {
        return withContents;
    }

    /** Starts process number {@code index} (0, 1, ... in order), which has {@code vmaCount} VMAs. */
    public void beginProcess(int index, int pid, String comm, String cmdline, boolean mergeAny, long vmaCount) throws IOException {
        if (inVma || pVmasLeft != 0) throw new IllegalStateException("the previous process is not complete");
        if (index != processes.size()) throw new IllegalStateException("process index " + index + ", expected " + processes.size());
        if (pIndex >= 0) endProcess();
        pIndex = index;
        pPid = pid;
        pComm = comm;
        pCmdline = cmdline;
        pMergeAny = mergeAny;
        pVmasLeft = vmaCount;
        pVmas = vmaCount;
        pAnon = pZeroFilled = pZeroPage = pKsm = pThp = 0;
        pages.writeByte('P');
        pages.writeInt(index);
        pages.writeInt(pid);
        Varint.write(pages, vmaCount);
        if (vmaCount == 0) endProcess();
    }

    private void endProcess() {
        if (pIndex < 0 || processes.size() > pIndex) return;
        processes.add(new MemoryDataset.ProcessInfo(pIndex, pPid, pComm, pCmdline, pVmas, pAnon, pZeroFilled, pZeroPage, pKsm, pThp, pMergeAny));
    }

    public void beginVma(MemoryDataset.Vma v) throws IOException {
        if (inVma) throw new IllegalStateException("beginVma inside a VMA");
        if (pVmasLeft <= 0) throw new IllegalStateException("more VMAs than the process announced");
        if (v.start() % MemoryDataset.PAGE_SIZE != 0 || v.end() <= v.start() || v.end() % MemoryDataset.PAGE_SIZE != 0) {
            throw new IllegalArgumentException("VMA " + Long.toHexString(v.start()) + "-" + Long.toHexString(v.end()) + " is not page aligned");
        }
        inVma = true;
        vmaPages = v.pages();
        lastIndex = -1;
        pages.writeByte('V');
        pages.writeLong(v.start());
        pages.writeLong(v.end());
        pages.writeInt(v.flags());
        pages.writeUTF(v.vmFlags());
        pages.writeUTF(v.name());
    }

    /** One page of the current VMA: its index in the VMA, kind ({@link MemoryDataset.PageKind}), hash (ANON only), times written. */
    public void page(long index, int kind, long hash, long writes) throws IOException {
        if (!inVma) throw new IllegalStateException("page outside a VMA");
        if (index <= lastIndex || index >= vmaPages) throw new IllegalArgumentException("page index " + index + " out of order or outside the VMA");
        int k = kind & MemoryDataset.PageKind.KIND_MASK;
        if (k < MemoryDataset.PageKind.ANON || k > MemoryDataset.PageKind.ZERO_PAGE) throw new IllegalArgumentException("page kind " + kind);
        Varint.write(pages, index - lastIndex);
        lastIndex = index;
        pages.writeByte(kind);
        if (k == MemoryDataset.PageKind.ANON) pages.writeLong(hash);
        Varint.write(pages, writes);
        records++;
        if (k == MemoryDataset.PageKind.ZERO_PAGE) {
            pZeroPage++;
        } else {
            anonPages++;
            pAnon++;
            if (k == MemoryDataset.PageKind.ANON_ZERO) pZeroFilled++;
            if ((kind & MemoryDataset.PageKind.KSM) != 0) pKsm++;
            if ((kind & MemoryDataset.PageKind.THP) != 0) pThp++;
        }
    }

    /** The bytes of an ANON page with {@code hash} (4096 from the buffer's position), stored once per hash. */
    public void content(long hash, ByteBuffer page) throws IOException {
        if (!withContents) throw new IllegalStateException("this dataset stores no contents");
        if (!stored.add(hash)) return;
        contents.writeByte('C');
        contents.writeLong(hash);
        page.duplicate().get(pageBytes);
        contents.write(pageBytes);
        contentCount++;
    }

    public void endVma(long nonAnonPresent, long swapped) throws IOException {
        if (!inVma) throw new IllegalStateException("endVma outside a VMA");
        pages.writeByte(0);
        Varint.write(pages, nonAnonPresent);
        Varint.write(pages, swapped);
        inVma = false;
        vmas++;
        if (--pVmasLeft == 0) endProcess();
    }

    /**
     * Writes the trailer and the manifest and moves the dataset into place. {@code name},
     * {@code created}, {@code kernel}, {@code command} and {@code activity} go into the manifest
     * as given; processes, totals and files are this writer's.
     */
    public MemoryDataset.Manifest finish(String name, String created, String kernel, String command, MemoryDataset.Activity activity) throws IOException {
        if (inVma || pVmasLeft != 0) throw new IllegalStateException("finish inside a process");
        endProcess();
        pages.writeByte('E');
        MemoryDataset.Totals totals = new MemoryDataset.Totals(processes.size(), vmas, records, anonPages);
        pages.writeLong(totals.processes());
        pages.writeLong(totals.vmas());
        pages.writeLong(totals.records());
        pages.writeLong(totals.anonPages());
        pages.close();
        Map<String, MemoryDataset.FileInfo> files = new LinkedHashMap<>();
        files.put(MemoryDataset.PAGES, new MemoryDataset.FileInfo(Files.size(tmp.resolve(MemoryDataset.PAGES)), HexFormat.of().formatHex(pagesDigest.digest())));
        if (withContents) {
            contents.writeByte('E');
            contents.writeLong(contentCount);
            contents.close();
            files.put(MemoryDataset.CONTENTS, new MemoryDataset.FileInfo(Files.size(tmp.resolve(MemoryDataset.CONTENTS)),
                    HexFormat.of().formatHex(contentsDigest.digest())));
        }
        MemoryDataset.Manifest m = new MemoryDataset.Manifest(MemoryDataset.VERSION, name, created, kernel, command, withContents, activity,
                List.copyOf(processes), totals, files);
        Files.writeString(tmp.resolve(MemoryDataset.MANIFEST), manifestJson(m));
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        finished = true;
        return m;
    }

    /** The manifest as the file holds it (pretty JSON, snake_case keys, {@code format} first). */
    static String manifestJson(MemoryDataset.Manifest m) throws IOException {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("format", MemoryDataset.FORMAT);
        j.put("version", m.version());
        j.put("name", m.name());
        j.put("created", m.created());
        j.put("kernel", m.kernel());
        j.put("command", m.command());
        j.put("page_size", MemoryDataset.PAGE_SIZE);
        j.put("hash", "xxh64 (seed 0) of the page's 4096 bytes");
        j.put("contents_stored", m.contentsStored());
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("sampled", m.activity().sampled());
        if (m.activity().sampled()) {
            a.put("interval_ms", m.activity().intervalMs());
            a.put("duration_ms", m.activity().durationMs());
            a.put("samples", m.activity().samples());
        } else {
            a.put("reason", m.activity().reason());
        }
        j.put("write_activity", a);
        List<Map<String, Object>> ps = new ArrayList<>();
        for (MemoryDataset.ProcessInfo p : m.processes()) {
            Map<String, Object> pm = new LinkedHashMap<>();
            pm.put("index", p.index());
            pm.put("pid", p.pid());
            pm.put("comm", p.comm());
            pm.put("cmdline", p.cmdline());
            pm.put("merge_any", p.mergeAny());
            pm.put("vmas", p.vmas());
            pm.put("anon_pages", p.anonPages());
            pm.put("zero_filled_pages", p.zeroFilledPages());
            pm.put("zero_page_mappings", p.zeroPageMappings());
            pm.put("ksm_pages", p.ksmPages());
            pm.put("thp_pages", p.thpPages());
            ps.add(pm);
        }
        j.put("processes", ps);
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("processes", m.totals().processes());
        t.put("vmas", m.totals().vmas());
        t.put("records", m.totals().records());
        t.put("anon_pages", m.totals().anonPages());
        j.put("totals", t);
        Map<String, Object> f = new LinkedHashMap<>();
        m.files().forEach((k, v) -> f.put(k, Map.of("bytes", v.bytes(), "sha256", v.sha256())));
        j.put("files", f);
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(j) + "\n";
    }

    @Override
    public void close() throws IOException {
        if (finished) return;
        try {
            pages.close();
            if (contents != null) contents.close();
        } catch (IOException | RuntimeException ignored) {
            // the dataset is abandoned; only the cleanup matters
        }
        deleteTree(tmp);
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
