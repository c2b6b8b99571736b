package org.ksmlab.engine.cost;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.ksmlab.engine.knobs.Param;

/**
 * Per-operation costs in nanoseconds, and the modelled CPU time of a {@link WorkCounts}.
 * Names (the keys of {@code calibration.properties} and of {@code --set cost.NAME=NS}):
 * {@code checksum_page_ns}, {@code compare_byte_ns}, {@code tree_step_ns}, {@code merge_ns},
 * {@code write_protect_ns}, {@code cow_copy_ns}, {@code page_visit_ns}, {@code table_update_ns},
 * {@code lru_drain_ns}, {@code stable_step_ns}, {@code wakeup_ns}, {@code pass_ns}, {@code volatile_page_ns}.
 */
public record CostModel(double checksumPageNs, double compareByteNs, double treeStepNs, double mergeNs,
                        double writeProtectNs, double cowCopyNs, double pageVisitNs, double tableUpdateNs,
                        double lruDrainNs, double stableStepNs, double wakeupNs, double passNs, double volatilePageNs) {

    public static final List<String> NAMES = List.of("checksum_page_ns", "compare_byte_ns", "tree_step_ns", "merge_ns",
            "write_protect_ns", "cow_copy_ns", "page_visit_ns", "table_update_ns", "lru_drain_ns", "stable_step_ns", "wakeup_ns",
            "pass_ns", "volatile_page_ns");

    private static final CostModel DEFAULTS = load();

    /** The calibrated defaults shipped with the engine. */
    public static CostModel defaults() {
        return DEFAULTS;
    }

    /** Modelled CPU nanoseconds of {@code w} (rounded down; deterministic). */
    public long cpuNanos(WorkCounts w) {
        double ns = w.pagesChecksummed * checksumPageNs
                + w.bytesCompared * compareByteNs
                + w.treeSteps * treeStepNs
                + w.merges * mergeNs
                + w.writeProtects * writeProtectNs
                + w.cowCopies * cowCopyNs
                + w.pagesVisited * pageVisitNs
                + w.tableUpdates * tableUpdateNs
                + w.lruDrains * lruDrainNs
                + w.stableSteps * stableStepNs
                + w.wakeups * wakeupNs
                + w.passes * passNs
                + w.volatilePages * volatilePageNs;
        return (long) ns;
    }

    public Map<String, Double> asMap() {
        Map<String, Double> m = new LinkedHashMap<>();
        double[] v = {checksumPageNs, compareByteNs, treeStepNs, mergeNs, writeProtectNs, cowCopyNs, pageVisitNs, tableUpdateNs, lruDrainNs,
                stableStepNs, wakeupNs, passNs, volatilePageNs};
        for (int i = 0; i < v.length; i++) {
            m.put(NAMES.get(i), v[i]);
        }
        return m;
    }

    /** Prefix of cost overrides among a merger's settings: {@code cost.checksum_page_ns=700}. */
    public static final String SETTING_PREFIX = "cost.";

    /** {@code cost.file=PATH}: a calibration file (e.g. from kernel-check --write-calibration) applied before other overrides. */
    public static final String FILE_KEY = "file";

    /**
     * The cost settings every merger takes ({@code --set}), as {@code list} shows them:
     * {@code cost.file} and one {@code cost.NAME} per cost, with the shipped default.
     */
    public static final List<Param> SETTINGS = settingParams();

    /** Whether {@code key} is a cost setting ({@code cost.file} or {@code cost.NAME}) rather than a merger's own knob. */
    public static boolean isSetting(String key) {
        return key.startsWith(SETTING_PREFIX);
    }

    /**
     * The one parser of cost settings: the defaults, then the calibration file of
     * {@code cost.file} if given, then every {@code cost.NAME} entry of {@code settings}
     * (other keys are ignored). Every merger's CPU model is built here.
     */
    public static CostModel fromSettings(Map<String, String> settings) {
        Map<String, String> overrides = new LinkedHashMap<>();
        String file = settings.get(SETTING_PREFIX + FILE_KEY);
        if (file != null) {
            overrides.putAll(readFile(java.nio.file.Path.of(file)));
        }
        settings.forEach((k, v) -> {
            if (k.startsWith(SETTING_PREFIX) && !k.equals(SETTING_PREFIX + FILE_KEY)) {
                overrides.put(k.substring(SETTING_PREFIX.length()), v);
            }
        });
        return defaults().with(overrides);
    }

    private static List<Param> settingParams() {
        List<Param> all = new ArrayList<>();
        all.add(new Param(SETTING_PREFIX + FILE_KEY, Param.Kind.TEXT, "no file", 0, 0,
                "a calibration file (NAME=NS lines, as kernel-check --write-calibration writes), applied before cost.NAME"));
        DEFAULTS.asMap().forEach((k, v) -> all.add(new Param(SETTING_PREFIX + k, Param.Kind.LONG, Double.toString(v), 0,
                Double.MAX_VALUE, "per-operation cost in ns (decimals allowed) for the modelled cpu_ns")));
        return List.copyOf(all);
    }

    private static Map<String, String> readFile(java.nio.file.Path path) {
        Properties p = new Properties();
        try (InputStream in = java.nio.file.Files.newInputStream(path)) {
            p.load(in);
        } catch (IOException e) {
            throw new IllegalArgumentException("cost.file=" + path + ": cannot read it (" + e.getMessage() + ")");
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (String k : p.stringPropertyNames()) {
            if (!NAMES.contains(k)) {
                throw new IllegalArgumentException("cost.file=" + path + ": unknown cost '" + k + "'; accepted: " + String.join(", ", NAMES));
            }
            m.put(k, p.getProperty(k).trim());
        }
        return m;
    }

    /** This model with some costs replaced; keys are {@link #NAMES}, values non-negative ns. */
    public CostModel with(Map<String, String> overrides) {
        Map<String, Double> m = asMap();
        overrides.forEach((k, v) -> {
            if (!m.containsKey(k)) {
                throw new IllegalArgumentException("unknown cost '" + k + "'; accepted: " + String.join(", ", NAMES));
            }
            double d;
            try {
                d = Double.parseDouble(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("cost " + k + "=" + v + " is not a number: expected nanoseconds >= 0");
            }
            if (!(d >= 0) || Double.isInfinite(d)) {
                throw new IllegalArgumentException("cost " + k + "=" + v + ": expected nanoseconds >= 0");
            }
            m.put(k, d);
        });
        return fromMap(m);
    }

    private static CostModel fromMap(Map<String, Double> m) {
        return new CostModel(m.get("checksum_page_ns"), m.get("compare_byte_ns"), m.get("tree_step_ns"), m.get("merge_ns"),
                m.get("write_protect_ns"), m.get("cow_copy_ns"), m.get("page_visit_ns"), m.get("table_update_ns"), m.get("lru_drain_ns"),
                m.get("stable_step_ns"), m.get("wakeup_ns"), m.get("pass_ns"), m.get("volatile_page_ns"));
    }

    private static CostModel load() {
        Properties p = new Properties();
        try (InputStream in = CostModel.class.getResourceAsStream("calibration.properties")) {
            if (in == null) {
                throw new IllegalStateException("calibration.properties missing from the engine jar");
            }
            p.load(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read calibration.properties", e);
        }
        Map<String, Double> m = new LinkedHashMap<>();
        for (String k : NAMES) {
            String v = p.getProperty(k);
            if (v == null) {
                throw new IllegalStateException("calibration.properties lacks " + k);
            }
            m.put(k, Double.parseDouble(v.trim()));
        }
        return fromMap(m);
    }
}
