package org.ksmlab.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The named workload mixes of {@code mixes.properties} (documented in {@code datasets/README.md}):
 * each is a workload spec template that scales to a total page count.
 *
 * <p>Template grammar: a workload spec ({@code name:key=value,...}) in which {@code {P}} stands
 * for the total page count and {@code {P/N}} for {@code max(1, floor(P / N))}. The reader appends
 * {@code seed=SEED}; templates never set it.
 */
public final class Mixes {
    /** A mix: its name, spec template and one-line description, in file order. */
    public record Mix(String name, String template, String description) {
        /** Whether the mix scales to a page count ({@code {P}} in its template); a captured dataset does not. */
        public boolean scales() {
            return PLACEHOLDER.matcher(template).find();
        }
    }

    private static final String RESOURCE = "mixes.properties";
    private static final String DESCRIPTION_SUFFIX = ".description";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{P(?:/(\\d+))?}");
    private static final Map<String, Mix> MIXES = load();

    private Mixes() {
    }

    /** Every mix in file order. */
    public static List<Mix> all() {
        return List.copyOf(MIXES.values());
    }

    /** The mix names in file order. */
    public static List<String> names() {
        return List.copyOf(MIXES.keySet());
    }

    /** The mix called {@code name}; an unknown name is an error listing the names. */
    public static Mix get(String name) {
        Mix m = MIXES.get(name);
        if (m == null) {
            throw new IllegalArgumentException("unknown workload mix '" + name + "'; available: " + String.join(", ", MIXES.keySet()));
        }
        return m;
    }

    /** Total pages of a mix named on the command line without {@code pages=}. */
    public static final long DEFAULT_PAGES = 8000;

    /**
     * A command line's workload: {@code MIX} or {@code MIX:pages=N,seed=S} (N total pages,
     * default {@value #DEFAULT_PAGES}; seed default 42) becomes the mix's workload spec; any other
     * text is returned as it is (a workload spec).
     */
    public static String resolve(String text) {
        org.ksmlab.engine.workload.WorkloadSpec spec = org.ksmlab.engine.workload.WorkloadSpec.parse(text);
        if (!MIXES.containsKey(spec.name())) {
            return text;
        }
        long pages = DEFAULT_PAGES;
        long seed = 42;
        if (spec.params().containsKey("pages") && !MIXES.get(spec.name()).scales()) {
            throw new IllegalArgumentException("workload mix '" + spec.name() + "' does not scale (" + MIXES.get(spec.name()).template()
                    + ": a captured dataset has the size it was captured at); leave out pages=");
        }
        for (Map.Entry<String, String> e : spec.params().entrySet()) {
            long v;
            try {
                v = Long.parseLong(e.getValue());
            } catch (NumberFormatException x) {
                throw new IllegalArgumentException("workload mix '" + spec.name() + "': " + e.getKey() + "=" + e.getValue() + " is not an integer");
            }
            switch (e.getKey()) {
                case "pages" -> pages = v;
                case "seed" -> seed = v;
                default -> throw new IllegalArgumentException("workload mix '" + spec.name() + "': unknown key '" + e.getKey()
                        + "' (a mix takes pages=N, the total page count, and seed=S)");
            }
        }
        return spec(spec.name(), pages, seed);
    }

    /** The workload spec of mix {@code name} sized to {@code pages} total pages, with the workloads' default seed 42. */
    public static String spec(String name, long pages) {
        return spec(name, pages, 42);
    }

    /**
     * The workload spec of mix {@code name} sized to {@code pages} total pages, seeded with
     * {@code seed}. A mix that does not {@linkplain Mix#scales scale} ignores {@code pages}: it is
     * the size it was captured at.
     */
    public static String spec(String name, long pages, long seed) {
        Mix m = get(name);
        if (pages < 1) {
            throw new IllegalArgumentException("workload mix '" + name + "': pages=" + pages + ": expected >= 1");
        }
        Matcher matcher = PLACEHOLDER.matcher(m.template());
        StringBuilder sb = new StringBuilder();
        while (matcher.find()) {
            long divisor = matcher.group(1) == null ? 1 : Long.parseLong(matcher.group(1));
            matcher.appendReplacement(sb, Long.toString(Math.max(1, pages / divisor)));
        }
        matcher.appendTail(sb);
        return sb.append(",seed=").append(seed).toString();
    }

    private static Map<String, Mix> load() {
        Map<String, String> entries = new LinkedHashMap<>();
        try (InputStream in = Mixes.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCE + " missing next to " + Mixes.class.getName());
            }
            // Properties loses the file order; keep it with an ordered put.
            Properties p = new Properties() {
                @Override
                public synchronized Object put(Object key, Object value) {
                    entries.put((String) key, (String) value);
                    return super.put(key, value);
                }
            };
            p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Mix> mixes = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        entries.forEach((key, value) -> {
            if (key.endsWith(DESCRIPTION_SUFFIX)) {
                if (!entries.containsKey(key.substring(0, key.length() - DESCRIPTION_SUFFIX.length()))) {
                    problems.add(key + " describes no mix");
                }
                return;
            }
            String description = entries.get(key + DESCRIPTION_SUFFIX);
            if (description == null || description.isBlank()) {
                problems.add("mix " + key + " has no " + key + DESCRIPTION_SUFFIX);
            }
            if (value.contains("seed=")) {
                problems.add("mix " + key + " sets seed= (the reader appends it)");
            }
            mixes.put(key, new Mix(key, value, description));
        });
        if (!problems.isEmpty()) {
            throw new IllegalStateException(RESOURCE + ": " + String.join("; ", problems));
        }
        return Collections.unmodifiableMap(mixes);
    }
}
