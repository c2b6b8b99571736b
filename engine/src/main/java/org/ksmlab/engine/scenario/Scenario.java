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
 */
public record Scenario(int formatVersion, String name, String description, long seed, long uniqueIdsFrom,
                       List<String> appliesTo, String modelOnly, Map<String, String> knobs, Map<String, Map<String, String>> variants,
                       Map<String, FileSpec> files, List<Step> steps, Origin origin) {
    /** The format version this code reads and writes. */
    public static final int FORMAT_VERSION = 1;

    public Scenario {
        appliesTo = List.copyOf(appliesTo);
        knobs = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(knobs));
        variants = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(variants));
        files = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(files));
        steps = List.copyOf(steps);
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
