/**
 * Capture: live processes into memory datasets (the format lives in the datasets module,
 * {@code org.ksmlab.datasets.memory}).
 *
 * <ul>
 *   <li>{@link org.ksmlab.livekernel.capture.Capture}: /proc/PID/smaps for the VMAs,
 *       /proc/PID/pagemap and /proc/kpageflags for what backs each page, /proc/PID/mem for the
 *       bytes of present anonymous pages only (never faulting a page in), xxh64 per page,
 *       streamed in 2 MiB steps: the heap does not grow with the process.</li>
 *   <li>{@link org.ksmlab.livekernel.capture.Launcher} and {@code merge_any_exec.c}: a command
 *       started under KSM merge-any (PR_SET_MEMORY_MERGE set before exec).</li>
 *   <li>{@link org.ksmlab.livekernel.capture.Signals}: SIGSTOP/SIGCONT, so the memory captured
 *       is the memory KSM scans.</li>
 *   <li>{@link org.ksmlab.livekernel.capture.SoftDirty}: write activity from soft-dirty bits,
 *       refused with the reason on kernels without CONFIG_MEM_SOFT_DIRTY.</li>
 * </ul>
 *
 * <p>Measured on Linux 6.18 while building this: a process started under merge-any has every
 * VMA VM_MERGEABLE except the first stack (exec makes it before the flag applies); pages only
 * read map the shared zero page and are not anonymous, so KSM never visits them; stopping a
 * process changes nothing KSM counts (capture-check: kernel and model equal in every full scan).
 */
package org.ksmlab.livekernel.capture;
