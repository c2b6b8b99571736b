/**
 * The live kernel as a scenario {@link org.ksmlab.engine.scenario.Machine}: the same scenario
 * file the model runs, executed by real processes on this machine's kernel
 * ({@code kernel-check --scenario}).
 *
 * <h2>Overview</h2>
 * <ul>
 *   <li>{@link org.ksmlab.livekernel.scenario.RunnerBinary}: the scenario runner
 *       ({@code scenario_runner.c}, a freestanding x86_64 C program shipped in the jar), compiled
 *       once with {@code cc}/{@code gcc} into the user's cache.</li>
 *   <li>{@link org.ksmlab.livekernel.scenario.RunnerHost}, {@code Runner},
 *       {@code RunnerProtocol}: one runner process per scenario process, driven over a UNIX
 *       socket with a binary protocol (fixed headers, page lists as records); fork and exec are
 *       the runner's own.</li>
 *   <li>{@code ProcMaps}, {@code PageFrames}: /proc/PID/maps, /proc/PID/pagemap and
 *       /proc/kpageflags, read as the counters need them.</li>
 *   <li>{@link org.ksmlab.livekernel.scenario.LiveMachine}: the Machine; counters named as the
 *       model names them. {@code LiveClock}: the passing of time, ksmd paused between waits.
 *       {@link org.ksmlab.livekernel.scenario.PreRunCheck}: knobs and memory checked before a
 *       run touches the machine.</li>
 *   <li>{@link org.ksmlab.livekernel.scenario.KernelFeatures}: probes of what this kernel does
 *       where kernels differ, as the model's {@code kernel.*} knobs.</li>
 *   <li>{@link org.ksmlab.livekernel.scenario.ScenarioCheck},
 *       {@link org.ksmlab.livekernel.scenario.ScenarioTable}: lock, saved knobs, probes, the
 *       kernel run, the model run, the per-phase comparison.</li>
 * </ul>
 *
 * <h2>Where the live side differs from the model, by construction</h2>
 * <ul>
 *   <li>A runner has VMAs of its own (image, stack, vDSO, vvar, two memfds); they are left out of
 *       every count, and made unmergeable so merge-any does not reach them.</li>
 *   <li>Steps take real time; ksmd is paused during them (run=0), so only waits let it scan.</li>
 *   <li>Waits are wall time; a wait for N full scans may end a few milliseconds into the next
 *       batch when sleep_millisecs is 0 (the pause then waits for that batch to finish).</li>
 *   <li>Proposals no kernel has (process_vm_mmap, /proc/PID/ksm_enabled, MADV_MERGE) fail with
 *       the kernel's error; variants that need another kernel are model-only here.</li>
 * </ul>
 */
package org.ksmlab.livekernel.scenario;
