/**
 * Parameters as the command line, {@code list} and the benchmarks see them: a
 * {@link org.ksmlab.engine.knobs.Param} names one workload parameter, merger knob or cost
 * setting, with its kind, default, bounds and a one-line description, and parses text into a
 * checked value with an error that says what was expected.
 *
 * <h2>Overview</h2>
 * The bottom of the engine: every other package may use it, it uses none. A merger's knobs
 * ({@code KsmKnobs.PARAMS}, {@code SksmAlgorithms}), a workload's parameters
 * ({@code WorkloadDefinition}) and the cost settings ({@code CostModel.SETTINGS}) are lists of
 * Params; the values themselves, and what a bad value means to the kernel, belong to their
 * owners.
 *
 * <h2>Checked against the live kernel</h2>
 * Nothing here models the kernel; the sysfs knobs' defaults and error answers are checked in the
 * ksm package.
 *
 * <h2>Where this model differs from the kernel</h2>
 * Not applicable: this package describes parameters, it models nothing.
 */
package org.ksmlab.engine.knobs;
