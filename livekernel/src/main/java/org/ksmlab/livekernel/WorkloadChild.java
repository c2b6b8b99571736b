package org.ksmlab.livekernel;

import org.ksmlab.engine.workload.DupLayout;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One process of a live-kernel workload: {@code WorkloadChild SPEC PROC VIA}. It maps its share
 * of a {@code dup} spec (process {@code PROC}, 0-based) as private anonymous memory, applies
 * MADV_NOHUGEPAGE (KSM merges 4 KiB pages), writes every page as the model does
 * ({@link DupLayout}), then makes it mergeable: {@code madvise} (MADV_MERGEABLE on the region,
 * when the spec says {@code mergeable=1}) or {@code prctl} (PR_SET_MEMORY_MERGE: the whole
 * process, the JVM's own memory included). It then prints {@code ready <pid>} and rewrites its
 * volatile pages every {@code period_ms} until its stdin closes, then unmaps and exits.
 * Its parent ({@link WorkloadProcesses}) owns it: closing stdin is the stop signal, so the
 * child also ends when the parent dies.
 */
public final class WorkloadChild {
    private WorkloadChild() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: WorkloadChild SPEC PROC madvise|prctl");
            System.exit(2);
        }
        DupLayout layout = DupLayout.of(args[0]);
        int proc = Integer.parseInt(args[1]);
        String via = args[2];
        byte[] kinds = layout.kinds(proc);
        MemorySegment region = Libc.mmapAnonymous((long) layout.pages * RealPages.PAGE_SIZE);
        Libc.madvise(region, Libc.MADV_NOHUGEPAGE);
        for (int i = 0; i < layout.pages; i++) {
            if (kinds[i] == DupLayout.ZERO) {
                RealPages.zero(region, i);
            } else {
                RealPages.fill(region, i, layout.initialKey(i));
            }
        }
        switch (via) {
            case "madvise" -> {
                if (layout.mergeable) Libc.madvise(region, Libc.MADV_MERGEABLE);
            }
            case "prctl" -> {
                Libc.prctl(Libc.PR_SET_MEMORY_MERGE, 1);
                if (Libc.prctl(Libc.PR_GET_MEMORY_MERGE, 0) != 1) {
                    throw new IllegalStateException("PR_GET_MEMORY_MERGE did not report merge-any after PR_SET_MEMORY_MERGE");
                }
            }
            default -> throw new IllegalArgumentException("VIA must be madvise or prctl, not " + via);
        }
        System.out.println("ready " + Libc.getpid());
        System.out.flush();

        AtomicBoolean stop = new AtomicBoolean();
        Thread stdinWatcher = Thread.ofPlatform().daemon().name("stdin-eof").start(() -> {
            try (InputStream in = System.in) {
                while (in.read() >= 0) {
                    // anything but EOF is ignored
                }
            } catch (IOException ignored) {
                // treated as EOF
            }
            stop.set(true);
        });
        int[] volatilePages = layout.volatilePages(proc);
        long rewrites = 0;
        long periodNanos = layout.periodMs * 1_000_000L;
        long next = System.nanoTime() + periodNanos;
        while (!stop.get()) {
            if (volatilePages.length == 0) {
                stdinWatcher.join(1000);
                continue;
            }
            long wait = next - System.nanoTime();
            if (wait > 0) {
                stdinWatcher.join(Math.max(1, wait / 1_000_000), (int) (wait % 1_000_000));
                continue;
            }
            for (int page : volatilePages) {
                RealPages.fill(region, page, layout.volatileKey(proc, rewrites++));
            }
            next += periodNanos;
        }
        Libc.munmap(region);
        System.exit(0);
    }
}
