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

    /**
     * Virtual time at which the last {@link #wake} finished its work (its start plus the
     * modelled CPU time of the batch): a pass completed by that batch completes then.
     * {@link Long#MIN_VALUE} when the daemon does not model batch duration.
     */
    default long lastBatchEndNanos() {
        return Long.MIN_VALUE;
    }

    /** Completed full passes so far. */
    long fullScans();
}
