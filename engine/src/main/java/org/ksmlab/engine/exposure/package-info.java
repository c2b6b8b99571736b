/**
 * Exposure: what a merger lets a co-tenant learn by timing its own memory accesses, and what the
 * defences cost in saving, on the same workloads.
 *
 * <h2>The threat</h2>
 * Merging is observable. A write to a merged page takes a copy-on-write fault, measurably slower
 * than a write to a page of one's own (on the development machine's kernel a 2.1 µs copy against
 * a 14 ns store: {@code cost/fault-latency.properties}), so a process that writes a guess of
 * another tenant's page into a page of its own, offers it for merging, waits and times a write to
 * it learns whether anyone else holds those contents (the COW side channel of the published
 * memory-deduplication attacks). A merger that merges synchronously inside the call that offers
 * the page (SKSM's MADV_MERGE) gives it away in the duration of that call instead.
 *
 * <h2>The attack ({@link org.ksmlab.engine.exposure.AttackTrial})</h2>
 * Processes belong to security domains ({@code mm.Process#domain}: each spawned process its own,
 * a workload or scenario may group them). In each seeded trial a victim (the workload's first
 * process) holds secret pages; an attacker, a process of its own domain, starts at a random time,
 * writes one page per guess (as many guesses the victim holds as guesses nobody holds, shuffled),
 * madvises each page MERGEABLE alone, timing each call, and after each of several waits times one
 * store to each page of that wait's group ({@link org.ksmlab.engine.exposure.TimedAccess}: the
 * latency of the fault the store took, measured on the live kernel; a system call's own cost
 * plus the merger CPU done inside it). It decides "held" on the store channel when the store
 * copied a page, on the madvise channel when the call took longer than the midpoint of its own
 * calibration pair (a page of fresh contents, a second copy of one of its own pages).
 *
 * <h2>The metrics ({@link org.ksmlab.engine.exposure.ExposureMetrics})</h2>
 * Per merger over all trials: the decisions against the truth ({@link org.ksmlab.engine.exposure.Confusion}:
 * TPR, FPR, balanced accuracy, a one-sided Fisher exact test), the time to reliable detection
 * (TPR ≥ 90 %, FPR ≤ 10 %), the bits per hour a one-page attacker learns (mutual information of a
 * decision, credited only when the decisions beat chance at p &lt; 0.01, over the round's length),
 * and the cross-domain merges ({@link org.ksmlab.engine.exposure.CrossDomainSharing}: merged pages
 * mapped by several domains, each extra domain counted). {@link org.ksmlab.engine.exposure.ExposureExperiment}
 * puts the merger's saving, CPU and COW faults to an equal horizon on the same workload beside
 * them, for every merger and defence in one run.
 *
 * <h2>Where this model differs from reality</h2>
 * <ul>
 * <li>Timing is noise-free: the attacker sees exactly the calibrated median latency of the fault
 *     its store took. On the development machine one timed store told a KSM copy from a plain
 *     store with 0.04–0.12 % false positives and no miss (three runs of 20480 stores each, the
 *     midpoint between the two distributions as threshold), so for this channel the noise left
 *     out is small; interrupts, frequency changes and another tenant's load would add more.</li>
 * <li>Only page-granular channels are modelled: the copy-on-write fault and the merge call's
 *     duration. Cache timing below the page (Flush+Reload on a shared frame, read timing that
 *     VUsion showed), TLB and page-walk effects, Rowhammer on predictable placement, memory
 *     pressure, and KSM's own world-readable counters in /sys/kernel/mm/ksm (pages_sharing moves
 *     when a probe merges) are not.</li>
 * <li>The attacker probes each guess once (write, wait, one timed store). A smarter one would
 *     re-map its probes so that smart scan visits them every pass, poll, or read the sysfs
 *     counters; the model's figures are therefore a lower bound on what unrestricted KSM
 *     exposes, not an upper one.</li>
 * <li>The defences are proposals modelled as KSM variants (see {@code ksm.MergePolicy}), not
 *     in-tree features; explicit nomination is SKSM as its RFC describes it.</li>
 * </ul>
 */
package org.ksmlab.engine.exposure;
