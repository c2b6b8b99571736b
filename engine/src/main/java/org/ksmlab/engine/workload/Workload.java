package org.ksmlab.engine.workload;

import java.util.Map;
import org.ksmlab.engine.mm.Kernel;

/** A built workload: it creates processes and memory at start and schedules its later writes. */
public interface Workload {
    /** The spec as given, with defaults filled in by {@link #params()}. */
    WorkloadSpec spec();

    /** The seed all of its randomness comes from. */
    long seed();

    /** Every parameter with its effective value (defaults included), in definition order. */
    Map<String, Number> params();

    /**
     * An upper bound on the page frames the workload holds at once (its memory before merging),
     * so a run that cannot fit in this machine's memory is refused before it starts; -1 when
     * the workload cannot tell.
     */
    default long framesAtMost() {
        return -1;
    }

    /** Sets up processes and memory at virtual time 0 and schedules what happens later. */
    void start(Kernel kernel, Scheduler scheduler);

    /**
     * Called once when the run stops (stable, or its time is up), before the final counters are
     * taken: a workload records values it measures at the end (e.g. a phase's nr_anon_pages).
     */
    default void finish(Kernel kernel, Scheduler scheduler) {
    }

    /** How a workload asks for work later in virtual time. */
    interface Scheduler {
        /** Runs {@code action} once at {@code nanos}; pending one-shot events keep a run from being stable. */
        void at(long nanos, Runnable action);

        /** Runs {@code action} at {@code firstNanos} and every {@code periodNanos} after (steady-state churn). */
        void every(long firstNanos, long periodNanos, Runnable action);

        /**
         * Records a named value (snake_case) that the run's {@code final} object carries beside
         * the counters, e.g. {@code nr_anon_pages_patched}; recording a name again replaces it.
         * The default ignores it (a scheduler that does not report results).
         */
        default void record(String name, long value) {
        }

        /**
         * The workload has just offered memory for merging (MADV_MERGEABLE, prctl merge-any, the
         * call SKSM's MADV_MERGE stands in for): the moment from which a merger can save anything.
         * Only the first call counts; the run's {@code final} carries it as {@code opt_in_ms}.
         * The default ignores it.
         */
        default void offeredForMerging() {
        }
    }
}
