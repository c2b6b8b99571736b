package org.ksmlab.livekernel;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One side (kernel or model) of a scenario, in the {@code kernel-check --json} shape:
 * {@code final} counters, {@code converged_full_scans}, {@code converged_ms}, {@code series}
 * (one sample per full scan, the first at run=1 / time 0). {@code unavailable} is non-null when
 * the side could not run (then everything else is empty): never a stand-in value.
 *
 * @param extra side-specific additions (the kernel's ksmd CPU figures), may be empty
 */
public record SideResult(Map<String, Object> finalCounters, long convergedFullScans, long convergedMs,
                         List<Map<String, Long>> series, Map<String, Object> extra, String unavailable) {

    public static SideResult unavailable(String why) {
        return new SideResult(Map.of(), -1, -1, List.of(), Map.of(), why);
    }

    public boolean available() {
        return unavailable == null;
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (!available()) {
            m.put("unavailable", unavailable);
            return m;
        }
        m.put("final", finalCounters);
        m.put("converged_full_scans", convergedFullScans);
        m.put("converged_ms", convergedMs);
        m.put("series", series);
        m.putAll(extra);
        return m;
    }

    /** The sample taken at full scan {@code pass}, or null. */
    public Map<String, Long> atPass(long pass) {
        int i = indexOfPass(pass);
        return i < 0 ? null : series.get(i);
    }

    /** The index in {@link #series} of the last sample of full scan {@code pass}, or -1. */
    public int indexOfPass(long pass) {
        int found = -1;
        for (int i = 0; i < series.size(); i++) {
            Long fs = series.get(i).get("full_scans");
            if (fs != null && fs == pass) {
                found = i;
            }
        }
        return found;
    }
}
