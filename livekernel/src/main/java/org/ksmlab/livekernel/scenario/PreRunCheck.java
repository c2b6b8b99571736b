package org.ksmlab.livekernel.scenario;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ksmlab.engine.scenario.Scenario;
import org.ksmlab.engine.scenario.Step;
import org.ksmlab.livekernel.KsmStat;
import org.ksmlab.livekernel.KsmSysfs;

/**
 * What is looked at before a scenario touches the live kernel ({@link LiveMachine}): its knobs
 * (KSM knobs this kernel has, {@code kernel.*} behaviours this kernel does), its memory against
 * {@link LiveMachine.Limits#maxBytes}, and the processes outside it that ksmd scans too.
 */
public final class PreRunCheck {
    private static final long PAGE = 4096;

    private PreRunCheck() {
    }

    /**
     * Checks what can be checked without touching the machine: every knob of the run is a KSM knob
     * of this kernel or a {@code kernel.*} behaviour equal to what this kernel does
     * ({@code features}), and the scenario's memory fits {@link LiveMachine.Limits#maxBytes}.
     *
     * @throws IllegalArgumentException naming the knob or the size
     * @throws LiveMachine.ModelOnly    a {@code kernel.*} value this kernel does not have
     */
    public static void check(Scenario scenario, String variant, KsmSysfs sysfs, Map<String, String> features, LiveMachine.Limits limits) {
        checkWithoutFeatures(scenario, variant, sysfs, limits);
        for (Map.Entry<String, String> e : scenario.knobsFor(variant).entrySet()) {
            if (e.getKey().startsWith("kernel.")) checkKnob(e.getKey(), e.getValue(), sysfs, features);
        }
    }

    /** {@link #check} without the {@code kernel.*} knobs (before the kernel's behaviour is known). */
    public static void checkWithoutFeatures(Scenario scenario, String variant, KsmSysfs sysfs, LiveMachine.Limits limits) {
        Map<String, String> knobs = new LinkedHashMap<>(scenario.knobsFor(variant));
        knobs.keySet().removeIf(k -> k.startsWith("kernel."));
        for (Map.Entry<String, String> e : knobs.entrySet()) {
            checkKnob(e.getKey(), e.getValue(), sysfs, Map.of());
        }
        long bytes = estimatedBytes(scenario);
        if (bytes > limits.maxBytes()) {
            throw new IllegalArgumentException("scenario '" + scenario.name() + "' may map up to " + (bytes >> 20) + " MiB (its mappings, times 1 + its forks); "
                    + "the live side maps at most " + (limits.maxBytes() >> 20) + " MiB");
        }
    }

    /** One knob: a KSM knob this kernel has, or a {@code kernel.*} behaviour equal to {@code features}' value. */
    static void checkKnob(String knob, String value, KsmSysfs sysfs, Map<String, String> features) {
        if (knob.startsWith("kernel.")) {
            String actual = features.get(knob);
            if (actual == null) {
                throw new LiveMachine.ModelOnly(knob + "=" + value + ": kernel-check does not know what this kernel does for " + knob
                        + " (detected: " + String.join(", ", features.keySet()) + "); it runs on the model only");
            }
            if (!actual.equals(value)) {
                throw new LiveMachine.ModelOnly(knob + "=" + value + " describes a kernel this is not: this kernel does " + knob + "=" + actual
                        + " (detected), and the live side cannot change kernel behaviour; run it on the model (./run.sh simulate --scenario ...)");
            }
            return;
        }
        if (!KsmSysfs.KNOBS.contains(knob)) {
            throw new IllegalArgumentException("knob '" + knob + "' is neither a KSM knob (" + String.join(", ", KsmSysfs.KNOBS)
                    + ") nor a kernel.* behaviour; the live kernel has no such knob");
        }
        if (!sysfs.hasKnob(knob)) {
            throw new IllegalArgumentException("knob '" + knob + "': this kernel has no " + sysfs.dir().resolve(knob));
        }
    }

    /**
     * An upper estimate of the real memory the scenario maps: every page it maps, grows or
     * declares as a file, times one plus its forks (a child may copy everything it writes).
     */
    static long estimatedBytes(Scenario scenario) {
        long pages = 0;
        long forks = 0;
        for (Step s : scenario.steps()) {
            switch (s) {
                case Step.Mmap m -> pages += m.pages();
                case Step.Brk b -> pages += Math.max(0, b.pages());
                case Step.Mremap m -> pages += Math.max(0, m.newPages());
                case Step.Fork f -> forks++;
                default -> {
                }
            }
        }
        for (Scenario.FileSpec f : scenario.files().values()) pages += f.pages();
        return pages * PAGE * (1 + forks);
    }

    /** Processes of this machine whose ksm_stat says ksm_mergeable or ksm_merge_any (none of ours exists yet). */
    static List<Integer> otherMergeableProcesses(Path proc) {
        List<Integer> out = new ArrayList<>();
        try (java.util.stream.Stream<Path> s = Files.list(proc)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) continue;
                try {
                    Map<String, Long> st = KsmStat.read(proc, Integer.parseInt(name)).values();
                    if (st.getOrDefault("ksm_mergeable", 0L) == 1 || st.getOrDefault("ksm_merge_any", 0L) == 1) {
                        out.add(Integer.parseInt(name));
                    }
                } catch (RuntimeException e) {
                    // it went away while we looked (or is a kernel thread without an mm)
                }
            }
        } catch (IOException e) {
            // no /proc to look at: nothing to say
        }
        java.util.Collections.sort(out);
        return out;
    }
}
