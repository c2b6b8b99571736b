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
 */
package org.ksmlab.engine.cost;
