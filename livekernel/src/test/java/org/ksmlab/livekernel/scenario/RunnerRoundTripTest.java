package org.ksmlab.livekernel.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ksmlab.engine.mm.VmFlags;
import org.ksmlab.engine.workload.PageContents;

/**
 * Real runner processes over the real channel, without KSM (no root needed): system calls and
 * their errno, page lists, read-back, fork, exec and exit, and nothing left running. Runs where
 * a C compiler and x86_64 are (skipped with the reason otherwise).
 */
class RunnerRoundTripTest {
    private static final long PAGE = 4096;

    private static Path runner() {
        Optional<String> cc = org.ksmlab.livekernel.CProgram.compiler(System.getenv());
        Assumptions.assumeTrue(cc.isPresent() && System.getProperty("os.arch").equals("amd64"), "needs cc or gcc on x86_64");
        try {
            return RunnerBinary.ensure();
        } catch (RunnerBinary.Unavailable e) {
            Assumptions.abort(e.getMessage());
            return null;
        }
    }

    private static long ok(RunnerProtocol.Response r) {
        assertTrue(r.res() >= 0, "failed with errno " + -r.res());
        return r.res();
    }

    @Test
    @Timeout(60)
    void aRunnerShouldMapStoreAndReadBackPagesAsTheModelDoes() {
        Path bin = runner();
        try (RunnerHost host = new RunnerHost(bin)) {
            Runner r = host.spawn();
            assertTrue(Files.exists(Path.of("/proc/" + r.pid)));
            long a = ok(r.call(RunnerProtocol.OP_MMAP, 0, 1000 * PAGE, VmFlags.PROT_READ | VmFlags.PROT_WRITE, VmFlags.MAP_PRIVATE | VmFlags.MAP_ANONYMOUS, 0, 0));
            long[] addrs = new long[1000];
            long[] keys = new long[1000];
            boolean[] zero = new boolean[1000];
            long[] patches = new long[1000];
            for (int i = 0; i < 1000; i++) {
                addrs[i] = a + i * PAGE;
                keys[i] = PageContents.key(42, i % 10);
                zero[i] = i % 100 == 99;
            }
            ok(r.call(RunnerProtocol.OP_WRITE, RunnerProtocol.writeRecords(addrs, keys, zero)));
            assertEquals(0, r.call(RunnerProtocol.OP_VERIFY, RunnerProtocol.verifyRecords(addrs, keys, zero, patches)).res());
            // the runner stores the model's words: word 5 of page 3 as PageContents says
            ok(r.call(RunnerProtocol.OP_PATCH, RunnerProtocol.patchRecords(new long[] {addrs[3]}, new long[] {0xC0DEL})));
            RunnerProtocol.Response bad = r.call(RunnerProtocol.OP_VERIFY, RunnerProtocol.verifyRecords(addrs, keys, zero, patches));
            assertEquals(1, bad.res());
            assertEquals(3, bad.r0(), "the first page that differs");
            assertEquals(0x800 / 8, bad.r1(), "the patched word");
            assertEquals(0xC0DEL, bad.r2());
            patches[3] = 0xC0DEL;
            assertEquals(0, r.call(RunnerProtocol.OP_VERIFY, RunnerProtocol.verifyRecords(addrs, keys, zero, patches)).res());
            assertEquals(-22, r.call(RunnerProtocol.OP_MADVISE, a + 1, PAGE, 12).res(), "EINVAL for an unaligned start");
            assertEquals(-22, r.call(RunnerProtocol.OP_MUNMAP, a, 0).res(), "munmap of length 0 is EINVAL");
            assertEquals(-22, r.call(RunnerProtocol.OP_MREMAP, a, PAGE, PAGE, 0x80, 0).res(), "an unknown mremap flag is EINVAL");
            long brk0 = ok(r.call(RunnerProtocol.OP_BRK, 0));
            assertEquals(brk0 + 4 * PAGE, ok(r.call(RunnerProtocol.OP_BRK, brk0 + 4 * PAGE)));

            // fork: the child has a copy (same contents), its own pid and channel
            Runner c = host.fork(r);
            assertNotEquals(r.pid, c.pid);
            assertEquals(0, c.call(RunnerProtocol.OP_VERIFY, RunnerProtocol.verifyRecords(addrs, keys, zero, patches)).res());
            assertEquals(c.pid, c.call(RunnerProtocol.OP_PING).res());
            // exec: the same pid, an empty scenario address space
            host.exec(c);
            assertEquals(c.pid, c.call(RunnerProtocol.OP_PING).res());
            List<ProcMaps.Vma> after = ProcMaps.scenarioVmas(ProcMaps.read(Path.of("/proc"), c.pid), bin.toAbsolutePath().toString());
            assertEquals(List.of(), after, "exec leaves no scenario mapping");
            host.exit(c);
            assertFalse(ProcessHandle.of(c.pid).map(ProcessHandle::isAlive).orElse(false) && !isZombie(c.pid), "the child is gone");
            assertThrows(IllegalArgumentException.class, () -> host.runner(c.pid));
        }
    }

    @Test
    @Timeout(60)
    void closingTheHostShouldEndEveryRunnerItStarted() {
        Path bin = runner();
        int parent;
        int child;
        try (RunnerHost host = new RunnerHost(bin)) {
            Runner r = host.spawn();
            parent = r.pid;
            child = host.fork(r).pid;
        }
        for (int pid : new int[] {parent, child}) {
            assertFalse(Files.exists(Path.of("/proc/" + pid)) && !isZombie(pid), "runner " + pid + " still running");
        }
    }

    @Test
    @Timeout(60)
    void aRunnerThatDiesShouldBeReportedAsSuch() {
        Path bin = runner();
        try (RunnerHost host = new RunnerHost(bin)) {
            Runner r = host.spawn();
            long a = ok(r.call(RunnerProtocol.OP_MMAP, 0, PAGE, 0, VmFlags.MAP_PRIVATE | VmFlags.MAP_ANONYMOUS, 0, 0)); // PROT_NONE
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> r.call(RunnerProtocol.OP_WRITE, RunnerProtocol.writeRecords(new long[] {a}, new long[] {1}, new boolean[] {false})));
            assertTrue(e.getMessage().contains("ended unexpectedly") && e.getMessage().contains("signal 11"), e.getMessage());
        }
    }

    private static boolean isZombie(int pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (java.io.IOException e) {
            return true; // gone
        }
    }
}
