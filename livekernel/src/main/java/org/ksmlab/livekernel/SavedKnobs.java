package org.ksmlab.livekernel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every KSM knob as found before kernel-check touched anything, and the way back:
 * run=2 (unmerge everything, stop ksmd) → wait for pages_shared == pages_sharing == 0 →
 * advisor_mode (before pages_to_scan: pages_to_scan is EINVAL in scan-time mode) →
 * max_page_sharing and merge_across_nodes (EBUSY unless no KSM page exists) → the other knobs
 * → the saved run value last. Restoring is idempotent and safe to call from a shutdown hook.
 */
public final class SavedKnobs {
    private final KsmSysfs sysfs;
    private final Map<String, String> saved;
    private boolean restored;

    private SavedKnobs(KsmSysfs sysfs, Map<String, String> saved) {
        this.sysfs = sysfs;
        this.saved = saved;
    }

    public static SavedKnobs save(KsmSysfs sysfs) {
        return new SavedKnobs(sysfs, new LinkedHashMap<>(sysfs.knobs()));
    }

    /** The saved values in restore order. */
    public Map<String, String> values() {
        return java.util.Collections.unmodifiableMap(saved);
    }

    /**
     * Restores every knob; returns the problems (empty when every knob is back). Never throws
     * for a single knob: it tries the others.
     */
    public synchronized List<String> restore() {
        List<String> problems = new ArrayList<>();
        if (restored) {
            return problems;
        }
        try {
            sysfs.unmergeAll(120_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problems.add("interrupted while waiting for run=2 to unmerge");
        } catch (RuntimeException e) {
            problems.add(e.getMessage());
        }
        for (String knob : order(saved.keySet())) {
            if (knob.equals("run")) {
                continue;
            }
            String want = saved.get(knob);
            if (knob.equals("pages_to_scan") && !"none".equals(saved.get("advisor_mode"))) {
                continue; // owned by the advisor in scan-time mode; the kernel refuses writes
            }
            try {
                if (!sysfs.readKnob(knob).equals(want)) {
                    sysfs.write(knob, want);
                }
            } catch (RuntimeException e) {
                problems.add(e.getMessage());
            }
        }
        try {
            // run last: 2 is already in effect; 0 or 1 as saved.
            if (!"2".equals(saved.get("run"))) {
                sysfs.write("run", saved.get("run"));
            }
        } catch (RuntimeException e) {
            problems.add(e.getMessage());
        }
        Map<String, String> now = sysfs.knobs();
        for (Map.Entry<String, String> e : saved.entrySet()) {
            if (!e.getValue().equals(now.get(e.getKey())) && !(e.getKey().equals("pages_to_scan") && !"none".equals(saved.get("advisor_mode")))) {
                problems.add(e.getKey() + " is " + now.get(e.getKey()) + ", saved " + e.getValue());
            }
        }
        restored = problems.isEmpty();
        return problems;
    }

    /** Restore order: advisor_mode first, then the knobs needing no KSM pages, the rest, run last. */
    public static List<String> order(Iterable<String> knobs) {
        List<String> all = new ArrayList<>();
        knobs.forEach(all::add);
        List<String> out = new ArrayList<>();
        if (all.remove("advisor_mode")) out.add("advisor_mode");
        for (String k : KsmSysfs.NEED_NO_KSM_PAGES) {
            if (all.remove(k)) out.add(k);
        }
        boolean run = all.remove("run");
        out.addAll(all);
        if (run) out.add("run");
        return out;
    }
}
