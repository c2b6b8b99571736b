package org.ksmlab.engine.ksm;

import org.ksmlab.engine.mm.Process;

/**
 * KSM's state of one mm (the ksm fields of mm_struct), attached to its {@link Process} as the
 * merger state: the mm_slot while the mm is registered with ksmd, and the per-process counters
 * /proc/PID/ksm_stat reports.
 */
final class KsmMm {
    final Process process;
    /** The mm_slot while registered (MMF_VM_MERGEABLE), else null. */
    MmSlot slot;
    /** mm->ksm_rmap_items, ksm_merging_pages, ksm_zero_pages: changed only by {@link KsmCounters}. */
    final KsmCounters.PerMm counters = new KsmCounters.PerMm();

    KsmMm(Process process) {
        this.process = process;
    }

    /** The KSM state of {@code p}, made on first use. */
    static KsmMm of(Process p) {
        KsmMm m = (KsmMm) p.mergerState();
        if (m == null) {
            m = new KsmMm(p);
            p.setMergerState(m);
        }
        return m;
    }

    /** The KSM state of {@code p}, or null if KSM never saw it. */
    static KsmMm ifAny(Process p) {
        return (KsmMm) p.mergerState();
    }
}
