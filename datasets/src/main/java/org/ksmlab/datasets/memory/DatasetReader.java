package org.ksmlab.datasets.memory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.luben.zstd.ZstdIOException;
import com.github.luben.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a memory dataset ({@link MemoryDataset}) as a stream of events, in bounded memory.
 * Everything is checked: the manifest's format and version, each file's SHA-256 against the
 * manifest, the zstd frame checksum, the record structure, and the trailer's totals against the
 * manifest's. Any problem is a {@link MemoryDataset.BadDataset} that names the dataset, the file
 * and what is wrong (truncated, corrupt, another version); a caller drops what it built from a
 * stream that ended in one.
 */
public final class DatasetReader {
    /** What the pages file holds, in order. Every method may be left out. */
    public interface Visitor {
        default void process(int index, int pid, long vmaCount) {
        }

        default void vma(MemoryDataset.Vma vma) {
        }

        /** A page of the current VMA: its index in the VMA, kind and flags, hash (ANON only, else 0), times written. */
        default void page(long index, int kind, long hash, long writes) {
        }

        default void endVma(long nonAnonPresent, long swapped) {
        }
    }

    private DatasetReader() {
    }

    /** The manifest alone. */
    public static MemoryDataset.Manifest manifest(DatasetSource src) {
        byte[] bytes;
        try (InputStream in = src.open(MemoryDataset.MANIFEST)) {
            bytes = in.readAllBytes();
        } catch (NoSuchFileException e) {
            throw new MemoryDataset.BadDataset("dataset " + src.label() + ": no " + MemoryDataset.MANIFEST + ": not a memory dataset (capture writes one)");
        } catch (IOException e) {
            throw new MemoryDataset.BadDataset("dataset " + src.label() + ": cannot read " + MemoryDataset.MANIFEST + ": " + e.getMessage(), e);
        }
        JsonNode j;
        try {
            j = new ObjectMapper().readTree(new String(bytes, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw bad(src, MemoryDataset.MANIFEST, "not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (j == null || !j.isObject()) throw bad(src, MemoryDataset.MANIFEST, "not a JSON object");
        if (!MemoryDataset.FORMAT.equals(j.path("format").asText())) {
            throw bad(src, MemoryDataset.MANIFEST, "format '" + j.path("format").asText() + "', expected " + MemoryDataset.FORMAT);
        }
        int version = j.path("version").asInt(-1);
        if (version != MemoryDataset.VERSION) {
            throw bad(src, MemoryDataset.MANIFEST, "format version " + version + " is not supported; this build reads version " + MemoryDataset.VERSION);
        }
        try {
            JsonNode a = need(j, "write_activity", src);
            MemoryDataset.Activity activity = a.path("sampled").asBoolean(false)
                    ? new MemoryDataset.Activity(true, need(a, "interval_ms", src).asLong(), need(a, "duration_ms", src).asLong(), need(a, "samples", src).asLong(), null)
                    : MemoryDataset.Activity.none(a.path("reason").asText(""));
            List<MemoryDataset.ProcessInfo> ps = new ArrayList<>();
            for (JsonNode p : need(j, "processes", src)) {
                ps.add(new MemoryDataset.ProcessInfo(need(p, "index", src).asInt(), need(p, "pid", src).asInt(), p.path("comm").asText(""),
                        p.path("cmdline").asText(""), need(p, "vmas", src).asLong(), need(p, "anon_pages", src).asLong(),
                        need(p, "zero_filled_pages", src).asLong(), p.path("zero_page_mappings").asLong(), p.path("ksm_pages").asLong(),
                        p.path("thp_pages").asLong(), p.path("merge_any").asBoolean(false)));
            }
            JsonNode t = need(j, "totals", src);
            MemoryDataset.Totals totals = new MemoryDataset.Totals(need(t, "processes", src).asLong(), need(t, "vmas", src).asLong(),
                    need(t, "records", src).asLong(), need(t, "anon_pages", src).asLong());
            Map<String, MemoryDataset.FileInfo> files = new LinkedHashMap<>();
            for (var e : need(j, "files", src).properties()) {
                files.put(e.getKey(), new MemoryDataset.FileInfo(need(e.getValue(), "bytes", src).asLong(), need(e.getValue(), "sha256", src).asText()));
            }
            if (!files.containsKey(MemoryDataset.PAGES)) throw bad(src, MemoryDataset.MANIFEST, "lists no " + MemoryDataset.PAGES);
            boolean contents = j.path("contents_stored").asBoolean(false);
            if (contents && !files.containsKey(MemoryDataset.CONTENTS)) throw bad(src, MemoryDataset.MANIFEST, "says contents are stored but lists no " + MemoryDataset.CONTENTS);
            return new MemoryDataset.Manifest(version, j.path("name").asText(src.name()), j.path("created").asText(""), j.path("kernel").asText(""),
                    j.path("command").asText(""), contents, activity, List.copyOf(ps), totals, files);
        } catch (MemoryDataset.BadDataset e) {
            throw e;
        } catch (RuntimeException e) {
            throw bad(src, MemoryDataset.MANIFEST, "malformed (" + e.getMessage() + ")");
        }
    }

    private static JsonNode need(JsonNode n, String key, DatasetSource src) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) throw bad(src, MemoryDataset.MANIFEST, "has no '" + key + "'");
        return v;
    }

    /** Reads the manifest and streams the pages file into {@code visitor}; returns the manifest. */
    public static MemoryDataset.Manifest read(DatasetSource src, Visitor visitor) {
        MemoryDataset.Manifest m = manifest(src);
        String file = MemoryDataset.PAGES;
        MemoryDataset.FileInfo info = m.files().get(file);
        MessageDigest digest = sha256();
        long processes = 0, vmas = 0, records = 0, anon = 0;
        try (InputStream raw = src.open(file);
             DigestInputStream dig = new DigestInputStream(new BufferedInputStream(raw, 1 << 16), digest);
             ZstdInputStream z = new ZstdInputStream(dig);
             DataInputStream in = new DataInputStream(new BufferedInputStream(z, 1 << 16))) {
            if (in.readLong() != MemoryDataset.PAGES_MAGIC) throw bad(src, file, "does not start with the pages file's magic number");
            int version = in.readInt();
            if (version != MemoryDataset.VERSION) throw bad(src, file, "format version " + version + ", expected " + MemoryDataset.VERSION);
            while (true) {
                int tag = in.readUnsignedByte();
                if (tag == 'E') break;
                if (tag != 'P') throw bad(src, file, "corrupt: record tag " + tag + " where a process ('P') or the end ('E') belongs");
                int index = in.readInt();
                int pid = in.readInt();
                long vmaCount = Varint.read(in);
                if (index != processes) throw bad(src, file, "corrupt: process " + index + " where process " + processes + " belongs");
                processes++;
                visitor.process(index, pid, vmaCount);
                for (long v = 0; v < vmaCount; v++) {
                    if (in.readUnsignedByte() != 'V') throw bad(src, file, "corrupt: process " + index + "'s VMA " + v + " has no VMA tag");
                    MemoryDataset.Vma vma = new MemoryDataset.Vma(in.readLong(), in.readLong(), in.readInt(), in.readUTF(), in.readUTF());
                    if (vma.end() <= vma.start() || vma.start() % MemoryDataset.PAGE_SIZE != 0 || vma.end() % MemoryDataset.PAGE_SIZE != 0) {
                        throw bad(src, file, "corrupt: VMA " + Long.toHexString(vma.start()) + "-" + Long.toHexString(vma.end()) + " is not a page-aligned range");
                    }
                    vmas++;
                    visitor.vma(vma);
                    long pageIndex = -1;
                    long pages = vma.pages();
                    while (true) {
                        long delta = Varint.read(in);
                        if (delta == 0) break;
                        pageIndex += delta;
                        if (pageIndex >= pages) throw bad(src, file, "corrupt: page " + pageIndex + " beyond its VMA's " + pages + " pages");
                        int kind = in.readUnsignedByte();
                        int k = kind & MemoryDataset.PageKind.KIND_MASK;
                        if (k < MemoryDataset.PageKind.ANON || k > MemoryDataset.PageKind.ZERO_PAGE) throw bad(src, file, "corrupt: page kind " + kind);
                        long hash = k == MemoryDataset.PageKind.ANON ? in.readLong() : 0;
                        long writes = Varint.read(in);
                        records++;
                        if (k != MemoryDataset.PageKind.ZERO_PAGE) anon++;
                        visitor.page(pageIndex, kind, hash, writes);
                    }
                    visitor.endVma(Varint.read(in), Varint.read(in));
                }
            }
            MemoryDataset.Totals t = new MemoryDataset.Totals(in.readLong(), in.readLong(), in.readLong(), in.readLong());
            if (in.read() != -1) throw bad(src, file, "corrupt: data after the end record");
            if (!t.equals(new MemoryDataset.Totals(processes, vmas, records, anon))) {
                throw bad(src, file, "corrupt: its end record says " + t + ", its records add up to " + new MemoryDataset.Totals(processes, vmas, records, anon));
            }
            if (!t.equals(m.totals())) throw bad(src, file, "does not belong to this manifest: it holds " + t + ", the manifest says " + m.totals());
            while (dig.read() != -1) {
                // drain to the file's end so the digest covers all of it
            }
        } catch (MemoryDataset.BadDataset e) {
            throw e;
        } catch (NoSuchFileException e) {
            throw bad(src, file, "is missing");
        } catch (EOFException e) {
            throw bad(src, file, "is truncated: it ends inside a record" + checkDigest(digest, info));
        } catch (ZstdIOException e) {
            throw bad(src, file, "is truncated or corrupt (zstd: " + e.getMessage() + ")" + checkDigest(digest, info));
        } catch (java.io.UTFDataFormatException e) {
            throw bad(src, file, "is corrupt: a VMA name is not valid UTF-8");
        } catch (IOException e) {
            String msg = String.valueOf(e.getMessage());
            throw bad(src, file, (msg.toLowerCase(java.util.Locale.ROOT).contains("truncat") ? "is truncated" : "cannot be read") + " (" + msg + ")");
        }
        String hex = HexFormat.of().formatHex(digest.digest());
        if (!hex.equals(info.sha256())) {
            throw bad(src, file, "is corrupt: its SHA-256 is " + hex + ", the manifest says " + info.sha256());
        }
        return m;
    }

    private static String checkDigest(MessageDigest d, MemoryDataset.FileInfo info) {
        return info == null ? "" : " (the manifest says it has " + info.bytes() + " bytes)";
    }

    /**
     * Reads the stored contents ({@value MemoryDataset#CONTENTS}): {@code sink} gets each
     * distinct content's hash and 4096 bytes; an error when the dataset stores none.
     */
    public static long readContents(DatasetSource src, java.util.function.ObjLongConsumer<byte[]> sink) {
        MemoryDataset.Manifest m = manifest(src);
        String file = MemoryDataset.CONTENTS;
        if (!m.contentsStored()) throw bad(src, file, "was not written: the capture stored hashes only (capture --contents stores contents)");
        MessageDigest digest = sha256();
        long n = 0;
        try (InputStream raw = src.open(file);
             DigestInputStream dig = new DigestInputStream(new BufferedInputStream(raw, 1 << 16), digest);
             ZstdInputStream z = new ZstdInputStream(dig);
             DataInputStream in = new DataInputStream(new BufferedInputStream(z, 1 << 16))) {
            if (in.readLong() != MemoryDataset.CONTENTS_MAGIC || in.readInt() != MemoryDataset.VERSION) throw bad(src, file, "has no contents header of version " + MemoryDataset.VERSION);
            byte[] page = new byte[MemoryDataset.PAGE_SIZE];
            while (true) {
                int tag = in.readUnsignedByte();
                if (tag == 'E') break;
                if (tag != 'C') throw bad(src, file, "corrupt: record tag " + tag);
                long hash = in.readLong();
                in.readFully(page);
                sink.accept(page, hash);
                n++;
            }
            if (in.readLong() != n) throw bad(src, file, "corrupt: its end record disagrees with its " + n + " contents");
            while (dig.read() != -1) {
                // drain
            }
        } catch (MemoryDataset.BadDataset e) {
            throw e;
        } catch (EOFException e) {
            throw bad(src, file, "is truncated: it ends inside a record");
        } catch (IOException e) {
            throw bad(src, file, "is truncated or corrupt (" + e.getMessage() + ")");
        }
        if (!HexFormat.of().formatHex(digest.digest()).equals(m.files().get(file).sha256())) {
            throw bad(src, file, "is corrupt: its SHA-256 differs from the manifest's");
        }
        return n;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static MemoryDataset.BadDataset bad(DatasetSource src, String file, String what) {
        return new MemoryDataset.BadDataset("dataset " + src.label() + ": " + file + " " + what);
    }
}
