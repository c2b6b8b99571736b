/**
 * Simulation in virtual time: an event queue of workload writes and merger wake-ups, periodic
 * or merger-driven samples of every counter, and the stop conditions (for a duration, for N
 * full scans, until stable: {@link org.ksmlab.engine.sim.Simulation}). Nothing here reads a
 * wall clock: the same spec, seed and parameters give the same counters bit for bit.
 *
 * <p>{@link org.ksmlab.engine.sim.Convergence} turns a run into the numbers a comparison
 * reports (saving at the end and time-weighted, time to a share of the saving counted from the
 * workload's opt-in, modelled CPU, COW, tracking); {@link org.ksmlab.engine.sim.Horizon} is the
 * rule that puts every merger of a comparison on the same virtual horizon.
 */
package org.ksmlab.engine.sim;
