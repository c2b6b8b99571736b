package org.ksmlab.livekernel.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ksmlab.datasets.memory.DatasetReader;
import org.ksmlab.datasets.memory.DatasetSource;
import org.ksmlab.datasets.memory.MemoryDataset;
import org.ksmlab.engine.memory.PageChecksum;
import org.ksmlab.livekernel.KsmLock;
import org.ksmlab.livekernel.KsmSysfs;
import org.ksmlab.livekernel.Libc;
import org.ksmlab.livekernel.capture.Launcher;

/**
 * A capture of a process this test starts itself ({@link DupWriterChild}, under merge-any when a
 * C compiler builds the launcher) finds exactly the duplicates it wrote: the hashes of its 16
 * contents four times each, its zero-filled pages and its zero-page reads. Needs root (pagemap
 * frame numbers, /proc/kpageflags); skipped otherwise.
 */
class CaptureLiveTest {
    @TempDir
    Path tmp;

    @Test
    @Timeout(60)
    void aCaptureShouldFindTheDuplicatesItsProcessWrote() throws Exception {
        Assumptions.assumeTrue(Libc.geteuid() == 0 && Files.isReadable(Path.of("/proc/kpageflags")),
                "capture needs root (pagemap frame numbers and /proc/kpageflags); skipped");
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> cmd = List.of(java, "--enable-native-access=ALL-UNNAMED", "-Xmx32m", "-cp", System.getProperty("java.class.path"),
                DupWriterChild.class.getName());
        // Under merge-any only while no one drives KSM (we hold its lock, and ksmd is stopped): a
        // running ksmd could merge the child's pages or map its zero-filled ones to the zero page.
        KsmLock lock = KsmLock.acquire(KsmLock.PATH, false, new PrintWriter(new StringWriter()));
        Launcher launcher = null;
        if (lock != null && "0".equals(new KsmSysfs(KsmSysfs.DEFAULT_DIR).exists() ? new KsmSysfs(KsmSysfs.DEFAULT_DIR).readRaw("run") : "0")) {
            try {
                launcher = Launcher.create();
            } catch (Launcher.Unavailable e) {
                // no C compiler: start it plainly (then it is not merge-any)
            }
        }
        Process child = launcher != null ? launcher.start(cmd, ProcessBuilder.Redirect.PIPE) : new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream()));
            String line = out.readLine();
            assertTrue(line != null && line.startsWith("ready 0x"), "the child said: " + line);
            long addr = Long.parseUnsignedLong(line.split(" ")[1].substring(2), 16);
            int pid = (int) child.pid();
            Signals.send(pid, Signals.SIGSTOP);
            Signals.awaitStopped(Path.of("/proc"), pid, 5000);
            Path dir = tmp.resolve("child");
            StringWriter log = new StringWriter();
            new Capture(Path.of("/proc"), new Capture.Options(false, false)).capture(List.of(pid), dir, "child", "test",
                    MemoryDataset.Activity.none("test"), null, new PrintWriter(log));
            Map<Long, String> pages = new TreeMap<>();
            List<MemoryDataset.Vma> vmas = new ArrayList<>();
            MemoryDataset.Manifest m = DatasetReader.read(DatasetSource.of(dir), new DatasetReader.Visitor() {
                MemoryDataset.Vma v;

                @Override
                public void vma(MemoryDataset.Vma vma) {
                    v = vma;
                    vmas.add(vma);
                }

                @Override
                public void page(long index, int kind, long hash, long writes) {
                    long a = v.start() + index * 4096;
                    if (a >= addr && a < addr + DupWriterChild.PAGES * 4096L) {
                        pages.put((a - addr) / 4096, (kind & 0x0F) + ":" + Long.toHexString(hash));
                    }
                }
            });
            assertEquals(launcher != null, m.processes().get(0).mergeAny(), "started through the launcher: merge-any");
            MemoryDataset.Vma region = vmas.stream().filter(v -> v.start() <= addr && v.end() >= addr + DupWriterChild.PAGES * 4096L)
                    .findFirst().orElseThrow();
            assertTrue(region.has(MemoryDataset.VmaFlags.KSM_COMPATIBLE) && region.has(MemoryDataset.VmaFlags.ANONYMOUS), region.toString());
            assertEquals(launcher != null, region.has(MemoryDataset.VmaFlags.MERGEABLE), "merge-any makes the mapping VM_MERGEABLE");
            Map<Long, String> expected = new TreeMap<>();
            try (Arena a = Arena.ofConfined()) {
                MemorySegment page = a.allocate(4096, 4096);
                for (int i = 0; i < 64; i++) {
                    for (int j = 0; j < 512; j++) page.set(ValueLayout.JAVA_LONG, j * 8L, DupWriterChild.word(i % 16, j));
                    expected.put((long) i, MemoryDataset.PageKind.ANON + ":" + Long.toHexString(PageChecksum.XXH64.hash64(page, 0)));
                }
            }
            for (long i = 64; i < 72; i++) expected.put(i, MemoryDataset.PageKind.ANON_ZERO + ":0");
            for (long i = 72; i < 76; i++) expected.put(i, MemoryDataset.PageKind.ZERO_PAGE + ":0");
            assertEquals(expected, pages, "pages 76..79 were never touched: not present, not listed");
            assertEquals(16, pages.values().stream().filter(s -> s.startsWith("1:")).distinct().count(), "16 contents, 4 copies each");
        } finally {
            child.destroyForcibly();
            child.waitFor();
            if (launcher != null) launcher.close();
            if (lock != null) lock.close();
        }
    }
}
