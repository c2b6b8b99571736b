package org.ksmlab.engine.mm;


/**
 * A merger that also runs on its own in virtual time, like ksmd: the simulation wakes it at
 * {@link #nextWakeNanos()}; it asks for a sample after a wake-up that completed a pass.
 */
public interface Daemon {
    /** Virtual time of the next wake-up, or {@link Long#MAX_VALUE} when idle (run = 0). */
    long nextWakeNanos();

    /** Does one unit of work at the current virtual time ({@link Kernel#nowNanos()}). */
    void wake(Kernel kernel);

    /** Whether the last {@link #wake} completed a full pass (samples are taken per pass). */
    boolean passCompleted();

    /** Completed full passes so far. */
    long fullScans();
}
