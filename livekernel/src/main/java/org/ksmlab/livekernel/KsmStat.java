package org.ksmlab.livekernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * /proc/PID/ksm_stat: {@code ksm_rmap_items N}, {@code ksm_zero_pages N},
 * {@code ksm_merging_pages N}, {@code ksm_process_profit N}, {@code ksm_merge_any: yes|no},
 * {@code ksm_mergeable: yes|no}. Numbers are kept as longs, yes/no as 1/0.
 */
public record KsmStat(Map<String, Long> values) {
    /** The numeric fields summed over a scenario's processes. */
    public static final List<String> NUMERIC = List.of("ksm_rmap_items", "ksm_zero_pages", "ksm_merging_pages", "ksm_process_profit");

    public KsmStat {
        values = Map.copyOf(values);
    }

    /** Parses the file's text; unknown lines are kept if they have a numeric or yes/no value. */
    public static KsmStat parse(String text) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            String l = line.strip();
            if (l.isEmpty()) continue;
            int sp = l.indexOf(' ');
            if (sp < 0) {
                throw new IllegalArgumentException("ksm_stat line '" + l + "': expected 'name value'");
            }
            String key = l.substring(0, sp);
            if (key.endsWith(":")) key = key.substring(0, key.length() - 1);
            String v = l.substring(sp + 1).strip();
            long n = switch (v) {
                case "yes" -> 1L;
                case "no" -> 0L;
                default -> {
                    try {
                        yield Long.parseLong(v);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("ksm_stat line '" + l + "': value is neither a number nor yes/no");
                    }
                }
            };
            m.put(key, n);
        }
        return new KsmStat(m);
    }

    /** Reads /proc/PID/ksm_stat; an exited process reads as empty. */
    public static KsmStat read(Path proc, int pid) {
        try {
            return parse(Files.readString(proc.resolve(Integer.toString(pid)).resolve("ksm_stat")));
        } catch (NoSuchFileException e) {
            return new KsmStat(Map.of());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public long get(String key) {
        return values.getOrDefault(key, 0L);
    }

    /** Sums of {@link #NUMERIC} over several processes, named {@code proc_<field>}. */
    public static Map<String, Long> sum(Iterable<KsmStat> stats) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (String k : NUMERIC) m.put("proc_" + k, 0L);
        for (KsmStat s : stats) {
            for (String k : NUMERIC) m.merge("proc_" + k, s.get(k), Long::sum);
        }
        return m;
    }
}
