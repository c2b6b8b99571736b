package org.ksmlab.livekernel.scenario;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * /proc/PID/maps: one VMA per line, {@code start-end perms offset dev inode [path]}. The scenario
 * counts only its own VMAs: the runner's image, stack, vDSO and command buffer are
 * {@linkplain #isRunnerOwn the runner's own} and left out, as the model's processes have none.
 */
final class ProcMaps {
    /** Kernel-named VMAs every process has and the model does not. */
    static final Set<String> SPECIAL = Set.of("[stack]", "[vvar]", "[vvar_vclock]", "[vdso]", "[vsyscall]", "[uprobes]");
    /** How the runner's command buffer and ceiling (memfds) appear: names starting so. */
    static final String RUNNER_MEMFD = "/memfd:ksmlab-runner";

    private ProcMaps() {
    }

    /** One VMA. {@code path} is empty for anonymous memory. */
    record Vma(long start, long end, String perms, long offset, long inode, String path) {
        boolean readable() {
            return perms.charAt(0) == 'r';
        }

        boolean overlaps(long from, long to) {
            return start < to && from < end;
        }

        /** Private anonymous memory (the heap included): a page not present reads as zeros. */
        boolean anonymousPrivate() {
            return perms.charAt(3) == 'p' && (path.isEmpty() || path.equals("[heap]"));
        }
    }

    static List<Vma> parse(String text) {
        List<Vma> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) continue;
            out.add(parseLine(line));
        }
        return out;
    }

    static Vma parseLine(String line) {
        // 7f597788f000-7f5977c76000 rw-p 00000000 00:00 0      [path with spaces]
        String[] f = line.strip().split("\\s+", 6);
        if (f.length < 5) {
            throw new IllegalArgumentException("not a /proc/PID/maps line: '" + line + "'");
        }
        int dash = f[0].indexOf('-');
        if (dash < 0 || f[1].length() != 4) {
            throw new IllegalArgumentException("not a /proc/PID/maps line: '" + line + "'");
        }
        try {
            long start = Long.parseUnsignedLong(f[0].substring(0, dash), 16);
            long end = Long.parseUnsignedLong(f[0].substring(dash + 1), 16);
            return new Vma(start, end, f[1], Long.parseUnsignedLong(f[2], 16), Long.parseLong(f[4]), f.length == 6 ? f[5].strip() : "");
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a /proc/PID/maps line: '" + line + "'");
        }
    }

    /** The runner's own VMAs: its image (the binary), special kernel mappings, its command buffer and ceiling. */
    static boolean isRunnerOwn(Vma v, String runnerPath) {
        return SPECIAL.contains(v.path()) || v.path().startsWith(RUNNER_MEMFD) || v.path().equals(runnerPath)
                || v.path().equals(runnerPath + " (deleted)");
    }

    /** The scenario's VMAs of a process: every VMA but the runner's own. */
    static List<Vma> scenarioVmas(List<Vma> all, String runnerPath) {
        return all.stream().filter(v -> !isRunnerOwn(v, runnerPath)).toList();
    }

    /** How many VMAs overlap {@code [from, to)}. */
    static long overlapping(List<Vma> vmas, long from, long to) {
        return vmas.stream().filter(v -> v.overlaps(from, to)).count();
    }

    /** /proc/PID/maps read and parsed; an exited process has none. */
    static List<Vma> read(Path proc, int pid) {
        try {
            return parse(Files.readString(proc.resolve(pid + "/maps")));
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + proc.resolve(pid + "/maps"), e);
        }
    }
}
