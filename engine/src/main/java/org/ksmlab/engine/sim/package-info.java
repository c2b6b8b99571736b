/**
 * Simulation in virtual time: an event queue of workload writes and merger wake-ups, periodic
 * or merger-driven samples of every counter, and the stop conditions (for a duration, for N
 * full scans, until stable). Nothing here reads a wall clock: the same spec, seed and
 * parameters give the same counters bit for bit.
 */
package org.ksmlab.engine.sim;
