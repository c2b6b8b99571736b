package org.ksmlab.datasets.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The memory dataset format: it round-trips, and a truncated or corrupt dataset is one clear error. */
class DatasetFormatTest {
    @TempDir
    Path tmp;

    @Test
    void aDatasetShouldReadBackRecordForRecord() throws IOException {
        Path dir = tmp.resolve("two");
        MemoryDataset.Manifest written = TestDatasets.twoProcesses(dir, true, true);
        List<String> events = new ArrayList<>();
        MemoryDataset.Manifest read = DatasetReader.read(DatasetSource.of(dir), new DatasetReader.Visitor() {
            @Override public void process(int index, int pid, long vmaCount) { events.add("P" + index + ":" + pid + ":" + vmaCount); }
            @Override public void vma(MemoryDataset.Vma v) { events.add("V" + Long.toHexString(v.start()) + "+" + v.pages() + ":" + v.flags() + ":" + v.vmFlags() + ":" + v.name()); }
            @Override public void page(long index, int kind, long hash, long writes) { events.add(index + "/" + kind + "/" + hash + "/" + writes); }
            @Override public void endVma(long nonAnon, long swapped) { events.add("E" + nonAnon + "/" + swapped); }
        });
        assertEquals(written, read);
        assertEquals(new MemoryDataset.Totals(2, 3, 225, 220), read.totals());
        assertEquals(new MemoryDataset.ProcessInfo(0, 1001, "java", "java -version", 2, 110, 10, 5, 0, 0, false), read.processes().get(0));
        assertEquals(new MemoryDataset.ProcessInfo(1, 1002, "java", "java -version", 1, 110, 10, 0, 1, 0, false), read.processes().get(1));
        assertEquals(new MemoryDataset.Activity(true, 100, 2000, 20, null), read.activity());
        assertEquals(List.of("P0:1001:2", "V7f0000000000+120:" + TestDatasets.ANON_VMA + ":rw-p mr mw me ac:",
                "0/1/" + TestDatasets.hash(0) + "/0", "1/1/" + TestDatasets.hash(1) + "/0"), events.subList(0, 4));
        assertTrue(events.contains("110/3/0/0"));
        assertTrue(events.contains("E4/0"));
        assertTrue(events.contains("3/17/" + TestDatasets.hash(3) + "/0"), "the KSM flag is kept");
        assertTrue(events.contains("5/1/" + TestDatasets.hash(5) + "/4"), "writes are kept");
        assertEquals(2 + 3 + 225 + 3, events.size());
        List<Long> hashes = new ArrayList<>();
        long n = DatasetReader.readContents(DatasetSource.of(dir), (bytes, hash) -> {
            hashes.add(hash);
            long content = java.util.stream.LongStream.range(0, 10).filter(c -> TestDatasets.hash(c) == hash).findFirst().orElseThrow();
            assertArrayEquals(TestDatasets.page(content).array(), bytes);
        });
        assertEquals(10, n, "each distinct content is stored once");
        assertEquals(10, hashes.stream().distinct().count());
    }

    @Test
    void theManifestShouldSayWhatWasCaptured() throws IOException {
        Path dir = tmp.resolve("m");
        TestDatasets.twoProcesses(dir, false, false);
        String json = Files.readString(dir.resolve(MemoryDataset.MANIFEST));
        assertTrue(json.startsWith("{\n  \"format\" : \"ksmlab-memory-dataset\",\n  \"version\" : 1,"), json);
        assertTrue(json.contains("\"reason\" : \"not sampled in this test\""), json);
        assertFalse(Files.exists(dir.resolve(MemoryDataset.CONTENTS)), "hashes only unless contents are asked for");
        MemoryDataset.BadDataset e = assertThrows(MemoryDataset.BadDataset.class, () -> DatasetReader.readContents(DatasetSource.of(dir), (b, h) -> { }));
        assertEquals("dataset " + dir + ": contents.zst was not written: the capture stored hashes only (capture --contents stores contents)", e.getMessage());
    }

    @Test
    void aTruncatedPagesFileShouldBeAClearError() throws IOException {
        Path dir = tmp.resolve("t");
        TestDatasets.twoProcesses(dir, false, false);
        Path pages = dir.resolve(MemoryDataset.PAGES);
        byte[] b = Files.readAllBytes(pages);
        Files.write(pages, java.util.Arrays.copyOf(b, b.length / 2));
        MemoryDataset.BadDataset e = assertThrows(MemoryDataset.BadDataset.class, () -> DatasetReader.read(DatasetSource.of(dir), new DatasetReader.Visitor() { }));
        assertTrue(e.getMessage().startsWith("dataset " + dir + ": pages.zst is truncated"), e.getMessage());
    }

    @Test
    void aCorruptPagesFileShouldBeAClearError() throws IOException {
        Path dir = tmp.resolve("c");
        TestDatasets.twoProcesses(dir, false, false);
        Path pages = dir.resolve(MemoryDataset.PAGES);
        byte[] b = Files.readAllBytes(pages);
        b[b.length / 2] ^= 0x55;
        Files.write(pages, b);
        MemoryDataset.BadDataset e = assertThrows(MemoryDataset.BadDataset.class, () -> DatasetReader.read(DatasetSource.of(dir), new DatasetReader.Visitor() { }));
        assertTrue(e.getMessage().startsWith("dataset " + dir + ": pages.zst is "), e.getMessage());
        assertTrue(e.getMessage().contains("corrupt"), e.getMessage());
    }

    @Test
    void aPagesFileOfAnotherDatasetShouldBeRefused() throws IOException {
        Path a = tmp.resolve("a");
        Path other = tmp.resolve("other");
        TestDatasets.twoProcesses(a, false, false);
        try (DatasetWriter w = DatasetWriter.create(other, false)) {
            w.beginProcess(0, 1, "x", "x", false, 0);
            w.finish("other", "", "", "", MemoryDataset.Activity.none("-"));
        }
        Files.copy(other.resolve(MemoryDataset.PAGES), a.resolve(MemoryDataset.PAGES), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        MemoryDataset.BadDataset e = assertThrows(MemoryDataset.BadDataset.class, () -> DatasetReader.read(DatasetSource.of(a), new DatasetReader.Visitor() { }));
        assertTrue(e.getMessage().startsWith("dataset " + a + ": pages.zst does not belong to this manifest"), e.getMessage());
    }

    @Test
    void aFolderWithoutManifestOrOfAnotherVersionShouldBeRefused() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertEquals("dataset " + empty + ": no dataset.json: not a memory dataset (capture writes one)",
                assertThrows(MemoryDataset.BadDataset.class, () -> DatasetReader.manifest(DatasetSource.of(empty))).getMessage());
        Path v2 = tmp.resolve("v2");
        TestDatasets.twoProcesses(v2, false, false);
        Path m = v2.resolve(MemoryDataset.MANIFEST);
        Files.writeString(m, Files.readString(m).replace("\"version\" : 1", "\"version\" : 2"));
        assertEquals("dataset " + v2 + ": dataset.json format version 2 is not supported; this build reads version 1",
                assertThrows(MemoryDataset.BadDataset.class, () -> DatasetReader.manifest(DatasetSource.of(v2))).getMessage());
        Files.writeString(m, "{\"format\": \"ksmlab-memory-dataset\", \"version\": 1");
        assertTrue(assertThrows(MemoryDataset.BadDataset.class, () -> DatasetReader.manifest(DatasetSource.of(v2))).getMessage()
                .startsWith("dataset " + v2 + ": dataset.json not valid JSON"));
    }

    @Test
    void aDatasetShouldNeverOverwriteNorLeaveHalfAFolder() throws IOException {
        Path dir = tmp.resolve("d");
        TestDatasets.twoProcesses(dir, false, false);
        assertThrows(FileAlreadyExistsException.class, () -> DatasetWriter.create(dir, false));
        Path abandoned = tmp.resolve("abandoned");
        try (DatasetWriter w = DatasetWriter.create(abandoned, false)) {
            w.beginProcess(0, 1, "x", "x", false, 1);
            // the capture fails here: no finish
        }
        assertFalse(Files.exists(abandoned));
        try (var s = Files.list(tmp)) {
            assertEquals(List.of("d"), s.map(p -> p.getFileName().toString()).toList(), "no temporary folder is left");
        }
        Path emptyTarget = Files.createDirectories(tmp.resolve("empty-target"));
        try (DatasetWriter w = DatasetWriter.create(emptyTarget, false)) {
            w.beginProcess(0, 1, "x", "x", false, 0);
            w.finish("e", "", "", "", MemoryDataset.Activity.none("-"));
        }
        assertEquals(Map.of(), Map.of());
        assertTrue(Files.exists(emptyTarget.resolve(MemoryDataset.MANIFEST)), "an empty folder is a valid target");
    }
}
