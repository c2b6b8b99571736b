package org.ksmlab.engine.exposure;

/** What the attacker times to tell whether a guess was merged (see {@link AttackTrial}). */
public enum Channel {
    /** Its own store to the probe page after a wait: a copy-on-write fault means merged. */
    STORE("store"),
    /** Its own madvise(MADV_MERGEABLE) on the probe page: a merger that merges inside the call takes longer. */
    MADVISE("madvise");

    private final String key;

    Channel(String key) {
        this.key = key;
    }

    /** The name in results. */
    public String key() {
        return key;
    }
}
