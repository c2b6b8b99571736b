/**
 * Modelled CPU time. Every merger counts its work in {@link WorkCounts} (pages checksummed,
 * bytes compared, tree steps, merges, COW copies, ..., and for ksmd its wake-ups, passes and
 * pages rewritten since its last visit); {@link CostModel} turns counts into
 * nanoseconds with per-operation costs. The model's CPU time is therefore deterministic (a pure
 * function of the work done), comparable between KSM and SKSM, and independent of how fast or
 * loaded the machine running the model is.
 *
 * <p>Default costs live in {@code calibration.properties} beside this class, with the command
 * and machine that measured them ({@code kernel-check --write-calibration} fits them to the live
 * kernel's ksmd, full scan by full scan); {@code --set cost.NAME=NS} overrides one for a run.
 *
 * <p>{@link FaultLatency} is the other side: not the merger's CPU but what a store or a system
 * call costs the process that makes it, by the fault it takes (none, first touch, reuse, a copy of
 * the zero page or of a merged page), as a process timing its own accesses sees it. Its defaults,
 * {@code fault-latency.properties}, were measured on the live kernel
 * ({@code docs/kernel-probes/s14_fault_latency.c}); the exposure package's attacker times with
 * them. ({@code cow_copy_ns} of the CPU model, an estimate charged to mergers for the copies they
 * cause, is left as it was.)
 */
package org.ksmlab.engine.cost;
