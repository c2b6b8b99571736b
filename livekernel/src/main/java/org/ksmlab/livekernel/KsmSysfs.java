package org.ksmlab.livekernel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * /sys/kernel/mm/ksm: counters (read-only) and knobs (writable). Reads take the directory as it
 * is; writes go through one write(2) each so the kernel's store error comes back as errno and is
 * reported with what it means for that knob (EINVAL: out of range or refused in this mode;
 * EBUSY: max_page_sharing / merge_across_nodes while KSM pages exist).
 *
 * @see "Documentation/admin-guide/mm/ksm.rst"
 */
public final class KsmSysfs {
    public static final Path DEFAULT_DIR = Path.of("/sys/kernel/mm/ksm");

    /** Read-only counters, in the order the tables print them. */
    public static final List<String> COUNTERS = List.of("full_scans", "pages_scanned", "pages_skipped", "pages_shared",
            "pages_sharing", "pages_unshared", "pages_volatile", "ksm_zero_pages", "stable_node_chains",
            "stable_node_dups", "general_profit");

    /** Writable knobs, in the order they are restored (advisor_mode before pages_to_scan; run last). */
    public static final List<String> KNOBS = List.of("advisor_mode", "advisor_max_cpu", "advisor_min_pages_to_scan",
            "advisor_max_pages_to_scan", "advisor_target_scan_time", "max_page_sharing", "merge_across_nodes",
            "use_zero_pages", "smart_scan", "stable_node_chains_prune_millisecs", "sleep_millisecs", "pages_to_scan", "run");

    /** Knobs the kernel accepts only while no KSM page exists (pages_shared == 0). */
    public static final List<String> NEED_NO_KSM_PAGES = List.of("max_page_sharing", "merge_across_nodes");

    private final Path dir;

    public KsmSysfs(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    public boolean exists() {
        return Files.isDirectory(dir) && Files.isRegularFile(dir.resolve("run"));
    }

    /** Names of every file in the directory. */
    public List<String> files() {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One file's text, trimmed. */
    public String readRaw(String name) {
        try {
            return Files.readString(dir.resolve(name)).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir.resolve(name), e);
        }
    }

    /**
     * A knob's current value as it would be written back: for a choice list such as
     * {@code advisor_mode} ("[none] scan-time") the selected word.
     */
    public String readKnob(String name) {
        return parseKnob(readRaw(name));
    }

    static String parseKnob(String raw) {
        int open = raw.indexOf('[');
        int close = raw.indexOf(']');
        if (open >= 0 && close > open) {
            return raw.substring(open + 1, close);
        }
        return raw;
    }

    public long readLong(String name) {
        String s = readRaw(name);
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalStateException(dir.resolve(name) + " holds '" + s + "', not a number");
        }
    }

    /** Every counter of {@link #COUNTERS} the directory has (older kernels lack some). */
    public Map<String, Long> counters() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (String c : COUNTERS) {
            if (Files.exists(dir.resolve(c))) {
                m.put(c, readLong(c));
            }
        }
        return m;
    }

    /** Every writable knob of {@link #KNOBS} the directory has, in restore order. */
    public Map<String, String> knobs() {
        Map<String, String> m = new LinkedHashMap<>();
        for (String k : KNOBS) {
            if (Files.exists(dir.resolve(k))) {
                m.put(k, readKnob(k));
            }
        }
        return m;
    }

    public boolean hasKnob(String name) {
        return KNOBS.contains(name) && Files.exists(dir.resolve(name));
    }

    /**
     * Writes a knob; on failure throws {@link KnobException} with the kernel's errno explained.
     */
    public void write(String knob, String value) {
        if (!KNOBS.contains(knob)) {
            throw new IllegalArgumentException("'" + knob + "' is not a writable KSM knob; knobs: " + String.join(", ", KNOBS));
        }
        Path p = dir.resolve(knob);
        if (!Files.exists(p)) {
            throw new KnobException(knob, value, "this kernel has no " + p);
        }
        try {
            Libc.writeFile(p.toString(), value + "\n");
        } catch (Libc.LibcException e) {
            throw new KnobException(knob, value, explain(knob, e.errno()));
        }
    }

    static String explain(String knob, int errno) {
        return switch (errno) {
            case Libc.EINVAL -> "EINVAL: the kernel refused the value"
                    + (knob.equals("pages_to_scan") ? " (pages_to_scan is read-only while advisor_mode is not 'none')"
                    : knob.equals("max_page_sharing") ? " (minimum 2)" : " (out of range or not a number)");
            case Libc.EBUSY -> "EBUSY: " + knob + " can change only while no KSM page exists (pages_shared == 0; write run=2 first)";
            case Libc.EACCES, Libc.EPERM -> Libc.errnoName(errno) + ": permission denied (root needed)";
            default -> Libc.errnoName(errno) + " (" + Libc.strerror(errno) + ")";
        };
    }

    /** A refused knob write. */
    public static final class KnobException extends RuntimeException {
        KnobException(String knob, String value, String why) {
            super("cannot set " + knob + "=" + value + ": " + why);
        }
    }

    /** Writes run=2 and waits until pages_shared and pages_sharing are 0 (run=2 unmerges inside the write). */
    public void unmergeAll(long timeoutMs) throws InterruptedException {
        write("run", "2");
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (readLong("pages_shared") != 0 || readLong("pages_sharing") != 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("after run=2, pages_shared/pages_sharing did not reach 0 within " + timeoutMs + " ms");
            }
            Thread.sleep(10);
        }
    }

    /** Knob names for messages. */
    static List<String> names(Map<String, ?> m) {
        return new ArrayList<>(m.keySet());
    }
}
