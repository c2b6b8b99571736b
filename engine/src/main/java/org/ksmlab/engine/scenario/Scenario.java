package org.ksmlab.engine.scenario;

import java.util.List;
import java.util.Map;

/**
 * A scenario, read once into this plan and run by two executors: the model
 * ({@link ScenarioRun}, virtual time) and the live kernel (real processes).
 *
 * @param formatVersion the file format's version (see the README's grammar)
 * @param name          short name, used in results
 * @param description   what question it answers
 * @param seed          the seed of every content key and random choice
 * @param uniqueIdsFrom the first id {@link Content.Unique} hands out
 * @param appliesTo     the algorithms it is meant for (empty: all)
 * @param modelOnly     why the live kernel cannot run it (a proposal it lacks), or null
 * @param knobs         merger knobs written before the first step (as {@code --set})
 * @param variants      named knob sets, each a way to run it (a side of an argument); may be empty
 * @param files         files the steps may map, by name
 * @param steps         the timeline
 * @param domains       the security domain (tenant) of spawned processes, by process name: a
 *                      domain name each; a process not named is a domain of its own, a forked child
 *                      is in its parent's (the model's notion, read by the defences that merge only
 *                      inside a domain; the live kernel has none)
 */
public record Scenario(int formatVersion, String name, String description, long seed, long uniqueIdsFrom,
                       List<String> appliesTo, String modelOnly, Map<String, String> knobs, Map<String, Map<String, String>> variants,
                       Map<String, FileSpec> files, List<Step> steps, Origin origin, Map<String, String> domains) {
    /** The format version this code reads and writes. */
    public static final int FORMAT_VERSION = 1;
    /**
     * The number of a scenario's first named domain; the next names get the next numbers, in the
     * order they first appear. Far above any pid, so a named domain is never a process's own one.
     */
    public static final int FIRST_DOMAIN = 1 << 24;

    public Scenario {
        appliesTo = List.copyOf(appliesTo);
        knobs = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(knobs));
        variants = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(variants));
        files = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(files));
        steps = List.copyOf(steps);
        domains = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(domains));
    }

    /** A scenario without named domains (every spawned process a domain of its own). */
    public Scenario(int formatVersion, String name, String description, long seed, long uniqueIdsFrom,
                    List<String> appliesTo, String modelOnly, Map<String, String> knobs, Map<String, Map<String, String>> variants,
                    Map<String, FileSpec> files, List<Step> steps, Origin origin) {
        this(formatVersion, name, description, seed, uniqueIdsFrom, appliesTo, modelOnly, knobs, variants, files, steps, origin, Map.of());
    }

    /**
     * The security domain number of spawned process {@code process}: {@link #FIRST_DOMAIN} plus the
     * position of its domain's name among the names in order of first appearance; -1 when the
     * scenario names none for it (it keeps a domain of its own).
     */
    public int domainOf(String process) {
        String d = domains.get(process);
        if (d == null) {
            return -1;
        }
        return FIRST_DOMAIN + List.copyOf(new java.util.LinkedHashSet<>(domains.values())).indexOf(d);
    }

    /** A file the scenario maps: {@code pages} pages whose page i holds {@code content}'s page i. */
    public record FileSpec(String name, long pages, Content content) {
    }

    /** Whether the scenario is meant for {@code algo}. */
    public boolean appliesTo(String algo) {
        return appliesTo.isEmpty() || appliesTo.contains(algo);
    }

    /** The knobs of a run of variant {@code variant} (null: none): the scenario's, then the variant's. */
    public Map<String, String> knobsFor(String variant) {
        Map<String, String> k = new java.util.LinkedHashMap<>(knobs);
        if (variant != null) {
            Map<String, String> v = variants.get(variant);
            if (v == null) {
                throw new IllegalArgumentException("scenario '" + name + "' has no variant '" + variant + "'"
                        + (variants.isEmpty() ? " (it has none)" : "; variants: " + String.join(", ", variants.keySet())));
            }
            k.putAll(v);
        }
        return k;
    }
}
