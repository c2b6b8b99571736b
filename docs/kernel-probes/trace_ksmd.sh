#!/bin/bash
# trace_ksmd.sh — run a command while the kernel's tracepoints record what ksmd does (issue 14's measurements).
# Usage (root, under the KSM lock): flock /run/lock/ksmlab-ksm.lock ./trace_ksmd.sh OUT.trace COMMAND [ARGS...]
# Records: sched_switch into/out of ksmd, sched_wakeup of ksmd, timer_start from ksmd (its sleep's timer: expires and
# bucket_expiry in jiffies), timer_expire_entry of every process_timeout timer (the tick that ends the sleep), and the
# ksm tracepoints ksm_start_scan, ksm_stop_scan, ksm_advisor. Clock: 'mono' (CLOCK_MONOTONIC, as the probes' now_s()).
# Changes to the system, all undone at the end: tracefs is mounted on a temporary directory if it is not mounted
# (and unmounted after); the events above are enabled and then disabled; the trace buffer is cleared.
set -euo pipefail
out=$1; shift
T=$(awk '$3 == "tracefs" {print $2; exit}' /proc/mounts)
mounted=0
if [ -z "$T" ]; then T=$(mktemp -d /tmp/tracefs.XXXXXX); mount -t tracefs nodev "$T"; mounted=1; echo "trace_ksmd: mounted tracefs on $T" >&2; fi
K=$(pgrep -x ksmd)
events="sched/sched_switch sched/sched_wakeup timer/timer_start timer/timer_expire_entry ksm/ksm_start_scan ksm/ksm_stop_scan ksm/ksm_advisor"
cleanup() {
  echo 0 > "$T/tracing_on" || true
  for e in $events; do echo 0 > "$T/events/$e/enable" || true; echo 0 > "$T/events/$e/filter" || true; done
  echo local > "$T/trace_clock" || true
  if [ $mounted = 1 ]; then umount "$T" && rmdir "$T" && echo "trace_ksmd: unmounted tracefs" >&2; fi
}
trap cleanup EXIT
echo 0 > "$T/tracing_on"
echo mono > "$T/trace_clock"
echo 16384 > "$T/buffer_size_kb"
echo "prev_pid == $K || next_pid == $K" > "$T/events/sched/sched_switch/filter"
echo "pid == $K" > "$T/events/sched/sched_wakeup/filter"
echo "common_pid == $K" > "$T/events/timer/timer_start/filter"
echo "function.function == process_timeout" > "$T/events/timer/timer_expire_entry/filter"
for e in $events; do echo 1 > "$T/events/$e/enable"; done
: > "$T/trace"
echo 1 > "$T/tracing_on"
rc=0
"$@" || rc=$?
echo 0 > "$T/tracing_on"
cat "$T/trace" > "$out"
echo "trace_ksmd: $(grep -vc '^#' "$out") events in $out (ksmd pid $K)" >&2
exit $rc
