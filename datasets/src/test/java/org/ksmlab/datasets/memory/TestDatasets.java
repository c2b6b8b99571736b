package org.ksmlab.datasets.memory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Small datasets written by the writer for tests, with known duplicates. Page hashes are
 * stand-ins (any distinct longs are distinct contents; the reader never recomputes them).
 */
final class TestDatasets {
    static final long BASE = 0x7f00_0000_0000L;
    static final int RW = MemoryDataset.VmaFlags.READ | MemoryDataset.VmaFlags.WRITE;
    static final int ANON_VMA = RW | MemoryDataset.VmaFlags.ANONYMOUS | MemoryDataset.VmaFlags.KSM_COMPATIBLE;

    private TestDatasets() {
    }

    static long hash(long content) {
        return 0x1000 + content * 0x9E3779B97F4A7C15L;
    }

    /**
     * Two processes. Process 0: VMA A of 120 pages: pages 0..99 content i % 10, pages 100..109
     * zero-filled, pages 110..114 the zero page; VMA B (read-only, 4 pages) not listed. Process 1:
     * VMA of 110 pages: pages 0..99 content i % 10, 100..109 zero-filled; page 5 written 4 times
     * when {@code activity}. So 10 contents × 20 copies and 20 zero-filled pages.
     */
    static MemoryDataset.Manifest twoProcesses(Path dir, boolean activity, boolean contents) throws IOException {
        try (DatasetWriter w = DatasetWriter.create(dir, contents)) {
            w.beginProcess(0, 1001, "java", "java -version", false, 2);
            w.beginVma(new MemoryDataset.Vma(BASE, BASE + 120 * 4096L, ANON_VMA, "rw-p mr mw me ac", ""));
            for (int i = 0; i < 100; i++) {
                w.page(i, MemoryDataset.PageKind.ANON, hash(i % 10), 0);
                if (contents) w.content(hash(i % 10), page(i % 10));
            }
            for (int i = 100; i < 110; i++) w.page(i, MemoryDataset.PageKind.ANON_ZERO, 0, 0);
            for (int i = 110; i < 115; i++) w.page(i, MemoryDataset.PageKind.ZERO_PAGE, 0, 0);
            w.endVma(0, 0);
            w.beginVma(new MemoryDataset.Vma(BASE + 200 * 4096L, BASE + 204 * 4096L, MemoryDataset.VmaFlags.READ | MemoryDataset.VmaFlags.KSM_COMPATIBLE,
                    "rd mr mw me", "/usr/lib/libc.so.6"));
            w.endVma(4, 0);
            w.beginProcess(1, 1002, "java", "java -version", false, 1);
            w.beginVma(new MemoryDataset.Vma(BASE, BASE + 110 * 4096L, ANON_VMA, "rw-p mr mw me ac", ""));
            for (int i = 0; i < 100; i++) w.page(i, MemoryDataset.PageKind.ANON | (i == 3 ? MemoryDataset.PageKind.KSM : 0), hash(i % 10),
                    activity && i == 5 ? 4 : 0);
            for (int i = 100; i < 110; i++) w.page(i, MemoryDataset.PageKind.ANON_ZERO, 0, 0);
            w.endVma(0, 0);
            return w.finish("two", "2026-11-29T00:00:00Z", "test", "TestDatasets.twoProcesses",
                    activity ? new MemoryDataset.Activity(true, 100, 2000, 20, null) : MemoryDataset.Activity.none("not sampled in this test"));
        }
    }

    /** A page whose 4096 bytes are {@code content + 1} repeated. */
    static ByteBuffer page(long content) {
        ByteBuffer b = ByteBuffer.allocate(4096);
        while (b.hasRemaining()) b.putLong(content + 1);
        return b.flip();
    }
}
