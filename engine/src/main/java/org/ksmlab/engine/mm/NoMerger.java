package org.ksmlab.engine.mm;

/** The baseline: KSM compiled in but never run, no SKSM. Pages are never merged. */
public final class NoMerger implements Merger {
    @Override
    public String name() {
        return "none";
    }
}
