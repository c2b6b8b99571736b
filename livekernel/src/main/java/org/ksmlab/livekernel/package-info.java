/**
 * The live-kernel driver: runs ksmlab workloads on this machine's real KSM so the model can be
 * checked against it ({@code ./run.sh kernel-check}).
 *
 * <ul>
 *   <li>{@link org.ksmlab.livekernel.Libc}: mmap, munmap, madvise, prctl, write(2) through
 *       java.lang.foreign, errno captured.</li>
 *   <li>{@link org.ksmlab.engine.workload.DupLayout} (the dup layout, shared with the model), {@link org.ksmlab.livekernel.RealPages},
 *       {@link org.ksmlab.livekernel.WorkloadChild}, {@link org.ksmlab.livekernel.WorkloadProcesses}:
 *       the model's {@code dup} workload in real memory, byte for byte the model's page contents,
 *       one child JVM per process.</li>
 *   <li>{@link org.ksmlab.livekernel.KsmSysfs}, {@link org.ksmlab.livekernel.SavedKnobs},
 *       {@link org.ksmlab.livekernel.KsmStat}, {@link org.ksmlab.livekernel.Ksmd}: /sys/kernel/mm/ksm,
 *       /proc/PID/ksm_stat, ksmd's CPU time.</li>
 *   <li>{@link org.ksmlab.livekernel.KernelRunner}, {@link org.ksmlab.livekernel.ModelRunner},
 *       {@link org.ksmlab.livekernel.KernelCheck}, {@link org.ksmlab.livekernel.ComparisonTable}:
 *       one sample per full scan on each side, and the comparison.</li>
 *   <li>{@link org.ksmlab.livekernel.scenario}: any scenario file on the live kernel (the C
 *       scenario runner, one process per scenario process) beside the model, phase by phase.</li>
 * </ul>
 *
 * <p>Safety rules every class here keeps: nothing is written before
 * {@link org.ksmlab.livekernel.KernelCheck#precondition} passed and every knob was saved; knobs
 * are restored (run=2, wait for no KSM pages, advisor_mode, max_page_sharing/merge_across_nodes,
 * the rest, run) on success, failure and Ctrl-C; only processes started here are ended, through
 * their {@link java.lang.Process} objects; real memory is bounded by
 * {@link org.ksmlab.livekernel.WorkloadProcesses#MAX_TOTAL_BYTES} (2 GiB).
 *
 * <p>The engine never depends on this package; it depends on the engine (workload definitions,
 * page contents, the simulation).
 */
package org.ksmlab.livekernel;

