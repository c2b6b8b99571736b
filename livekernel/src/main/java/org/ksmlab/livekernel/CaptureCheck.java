package org.ksmlab.livekernel;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.ksmlab.datasets.memory.MemoryDataset;
import org.ksmlab.livekernel.capture.Capture;
import org.ksmlab.livekernel.capture.Launcher;
import org.ksmlab.livekernel.capture.Signals;

/**
 * capture-check: real programs on the live kernel's KSM beside the model's prediction from a
 * capture of the very same processes, full scan by full scan.
 *
 * <p>Sequence, under the {@link KsmLock} and with every knob {@linkplain SavedKnobs saved} (and
 * restored at the end, on failure and on Ctrl-C): run=2, wait for no KSM pages → run=0 → the
 * kernel's default knobs overridden by the given ones → start the commands under merge-any
 * ({@link Launcher}), let them run {@code settleMs} → stop every one (SIGSTOP) → capture them
 * ({@link Capture}, hashes only) → the model: the {@code dataset} workload of that capture under
 * {@code ksm} with the same knobs, until stable ({@link ModelRunner}) → the kernel: sample 0,
 * run=1, one sample per full scan until stable (the model's rule: the stability counters equal
 * over the last two full scans) → run=2 → end the processes (SIGKILL; only those started here).
 *
 * <p>Why stopped: a program that runs while ksmd scans changes pages between the capture and
 * the scan (a JVM's periodic tasks, an interpreter's allocator), so the kernel would merge
 * other memory than the model was given. SIGSTOP holds every thread; KSM does not look at
 * threads, only at the mm, so it scans and merges a stopped process exactly as a running idle one.
 */
public final class CaptureCheck {
    /** One run's outcome: the kernel-check outcome, the processes and what the capture held. */
    public record Outcome(KernelCheck.Outcome check, List<String> commands, List<Integer> pids, MemoryDataset.Manifest manifest,
                          List<String> notes) {
        public Map<String, Object> toJson() {
            Map<String, Object> m = KernelCheck.toJson(List.of(check));
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("commands", commands);
            c.put("pids", pids);
            c.put("dataset", manifest.name());
            c.put("anon_pages", manifest.totals().anonPages());
            c.put("zero_filled_pages", manifest.processes().stream().mapToLong(MemoryDataset.ProcessInfo::zeroFilledPages).sum());
            c.put("vmas", manifest.totals().vmas());
            c.put("notes", notes);
            m.put("capture", c);
            return m;
        }
    }

    private final KsmSysfs sysfs;
    private final Path proc;
    private final KernelRunner.Limits limits;

    public CaptureCheck(KsmSysfs sysfs, Path proc, KernelRunner.Limits limits) {
        this.sysfs = sysfs;
        this.proc = proc;
        this.limits = limits;
    }

    /**
     * Runs {@code commands} (each a list of words) on the kernel and their capture on the model;
     * the capture is written to {@code datasetDir}. Throws {@link KernelCheck.Busy} when another
     * process drives KSM and {@code waitForLock} is false, {@link Launcher.Unavailable}
     * without a C compiler; both having changed nothing.
     */
    public Outcome run(String name, List<List<String>> commands, Map<String, String> knobs, long settleMs, Path datasetDir,
                       PrintWriter log, boolean waitForLock) throws IOException, InterruptedException, Launcher.Unavailable {
        for (String k : knobs.keySet()) {
            if (!KsmSysfs.KNOBS.contains(k) || k.equals("run")) {
                throw new IllegalArgumentException("--set " + k + ": not a KSM knob capture-check can set; knobs: "
                        + String.join(", ", KsmSysfs.KNOBS.stream().filter(x -> !x.equals("run")).toList()));
            }
        }
        Launcher launcher = Launcher.create();
        try (KsmLock lock = KsmLock.acquire(KsmLock.PATH, waitForLock, log)) {
            if (lock == null) {
                throw new KernelCheck.Busy("another process is driving KSM (it holds " + KsmLock.PATH + "); nothing was changed. "
                        + "Run again when it is done, or without --no-wait to wait for it");
            }
            SavedKnobs saved = SavedKnobs.save(sysfs);
            KernelRunner.Guard guard = new KernelRunner.Guard();
            Thread hook = new Thread(() -> {
                guard.abort();
                launcher.close();
                List<String> problems = saved.restore();
                System.err.println("capture-check: interrupted; processes ended, knobs restored" + (problems.isEmpty() ? "" : " with problems: " + problems));
            }, "capture-check-restore");
            Runtime.getRuntime().addShutdownHook(hook);
            log.println("capture-check: saved knobs " + saved.values());
            try {
                return locked(name, commands, knobs, settleMs, datasetDir, log, launcher, guard);
            } finally {
                launcher.close();
                List<String> problems = saved.restore();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException ignored) {
                    // shutting down: the hook restores
                }
                log.println(problems.isEmpty() ? "capture-check: processes ended, knobs restored " + sysfs.knobs()
                        : "capture-check: RESTORE PROBLEMS: " + problems);
                log.flush();
            }
        }
    }

    private Outcome locked(String name, List<List<String>> commands, Map<String, String> knobs, long settleMs, Path datasetDir,
                           PrintWriter log, Launcher launcher, KernelRunner.Guard guard) throws IOException, InterruptedException {
        Scenario sc = new Scenario(name, "dataset:path=" + datasetDir.toAbsolutePath(), knobs);
        sysfs.unmergeAll(60_000);
        guard.write(sysfs, "run", "0");
        for (String k : SavedKnobs.order(sc.kernelKnobs().keySet())) {
            String v = sc.kernelKnobs().get(k);
            if (sysfs.hasKnob(k) && !sysfs.readKnob(k).equals(v)) guard.write(sysfs, k, v);
        }
        List<String> notes = new ArrayList<>();
        List<Integer> others = otherMergeable();
        if (!others.isEmpty()) {
            notes.add("processes " + others + " had mergeable memory before the run: the kernel's global counters include theirs");
        }
        List<Integer> pids = new ArrayList<>();
        List<String> shown = new ArrayList<>();
        for (List<String> c : commands) {
            Process p = launcher.start(c, ProcessBuilder.Redirect.DISCARD);
            pids.add((int) p.pid());
            shown.add(String.join(" ", c));
            log.println("capture-check: started pid " + p.pid() + " under merge-any: " + String.join(" ", c));
        }
        log.println("capture-check: letting them settle for " + settleMs + " ms");
        log.flush();
        Thread.sleep(settleMs);
        for (Process p : launcher.started()) {
            if (!p.isAlive()) throw new IllegalArgumentException("command pid " + p.pid() + " exited (status " + p.exitValue() + ") while settling");
        }
        for (int pid : pids) Signals.send(pid, Signals.SIGSTOP);
        for (int pid : pids) Signals.awaitStopped(proc, pid, 5000);
        guard.check();
        Capture.Summary cap = new Capture(proc, new Capture.Options(false, false)).capture(pids, datasetDir, name,
                "./run.sh capture-check (" + String.join("; ", shown) + ")", MemoryDataset.Activity.none("processes stopped (SIGSTOP) for the check"), null, log);
        log.printf("capture-check: captured %d anonymous pages in %d ms; the model runs on them ...%n", cap.manifest().totals().anonPages(), cap.millis());
        log.flush();
        SideResult model = ModelRunner.run(sc);
        log.println("capture-check: the kernel's KSM runs on the stopped processes ...");
        log.flush();
        SideResult kernel = kernelSide(pids);
        return new Outcome(new KernelCheck.Outcome(sc, kernel, model), shown, pids, cap.manifest(), notes);
    }

    /** Sample 0, run=1, a sample per full scan until stable or a bound, run=2 (as {@link KernelRunner} does for its workloads). */
    private SideResult kernelSide(List<Integer> pids) throws InterruptedException {
        Ksmd ksmd = Ksmd.find(proc).orElse(null);
        List<Map<String, Long>> series = new ArrayList<>();
        Map<String, Long> base = sysfs.counters();
        long cpu0 = ksmd == null ? 0 : ksmd.cpuNanos();
        series.add(KernelRunner.counterSample(base, base, proc, pids, ksmd, cpu0, 0));
        long t0 = System.nanoTime();
        sysfs.write("run", "1");
        long lastFs = 0;
        long deadline = t0 + limits.maxMs() * 1_000_000L;
        boolean stable = false;
        while (System.nanoTime() < deadline && lastFs < limits.maxFullScans()) {
            LockSupport.parkNanos(KernelRunner.POLL_NANOS);
            long fs = sysfs.readLong("full_scans") - base.get("full_scans");
            if (fs <= lastFs) continue;
            lastFs = fs;
            series.add(KernelRunner.counterSample(sysfs.counters(), base, proc, pids, ksmd, cpu0, (System.nanoTime() - t0) / 1_000_000));
            if (KernelRunner.isStable(series, limits.stableScans())) {
                stable = true;
                break;
            }
        }
        sysfs.unmergeAll(60_000);
        return KernelRunner.result(series, stable, pids.size());
    }

    /** Processes whose ksm_stat says mergeable or merge-any, before ours start. */
    private List<Integer> otherMergeable() {
        List<Integer> out = new ArrayList<>();
        try (var dirs = Files.list(proc)) {
            for (Path d : dirs.toList()) {
                String n = d.getFileName().toString();
                if (!n.chars().allMatch(Character::isDigit)) continue;
                try {
                    String st = Files.readString(d.resolve("ksm_stat"));
                    if (st.contains("ksm_mergeable yes") || st.contains("ksm_merge_any yes") || st.contains("ksm_mergeable: yes")
                            || st.contains("ksm_merge_any: yes")) {
                        out.add(Integer.parseInt(n));
                    }
                } catch (IOException e) {
                    // gone, or no ksm_stat
                }
            }
        } catch (IOException e) {
            // no /proc listing: no note
        }
        return out;
    }
}
