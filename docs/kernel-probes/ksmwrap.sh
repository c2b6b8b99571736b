#!/bin/bash
# ksmwrap.sh — save all writable KSM knobs, set experiment knobs, run a program, then restore (also on failure/signal).
# Usage (always under the project lock):
#   flock /run/lock/ksmlab-ksm.lock /work/notes/kprobe/ksmwrap.sh [knob=value ...] -- prog [args...]
# Defaults applied before the program: pages_to_scan=1000 sleep_millisecs=20 (run is left to the program).
# Restore: run=2, wait until pages_shared==0 && ksm_zero_pages==0 (max 120 s), then write back every
# knob (max_page_sharing/merge_across_nodes first, run last) and verify; prints any mismatch to stderr.
K=/sys/kernel/mm/ksm
KNOBS="advisor_max_cpu advisor_max_pages_to_scan advisor_min_pages_to_scan advisor_mode advisor_target_scan_time max_page_sharing merge_across_nodes pages_to_scan sleep_millisecs smart_scan stable_node_chains_prune_millisecs use_zero_pages run"
declare -A SAVED
rd() { local v; v=$(cat $K/$1); if [ "$1" = advisor_mode ]; then v=$(sed -n 's/.*\[\(.*\)\].*/\1/p' <<<"$v"); fi; echo "$v"; }
for k in $KNOBS; do SAVED[$k]=$(rd $k); done

restored=0
restore() {
  [ $restored = 1 ] && return; restored=1
  # kill any children of ours still alive (only our own process group members)
  echo 2 > $K/run
  local i=0
  while :; do
    ps=$(cat $K/pages_shared); zp=$(cat $K/ksm_zero_pages)
    [ "$ps" = 0 ] && [ "$zp" = 0 ] && break
    i=$((i+1)); if [ $i -gt 1200 ]; then echo "ksmwrap: WARNING pages_shared=$ps ksm_zero_pages=$zp after 120s" >&2; break; fi
    sleep 0.1
  done
  for k in max_page_sharing merge_across_nodes $KNOBS; do
    [ $k = run ] && continue
    cur=$(rd $k)
    if [ "$cur" != "${SAVED[$k]}" ]; then echo "${SAVED[$k]}" > $K/$k || echo "ksmwrap: failed to restore $k" >&2; fi
  done
  echo "${SAVED[run]}" > $K/run
  bad=0
  for k in $KNOBS; do cur=$(rd $k); if [ "$cur" != "${SAVED[$k]}" ]; then echo "ksmwrap: MISMATCH $k now=$cur saved=${SAVED[$k]}" >&2; bad=1; fi; done
  [ $bad = 0 ] && echo "ksmwrap: knobs restored ($(for k in $KNOBS; do printf '%s=%s ' $k "$(rd $k)"; done))" >&2
}
trap restore EXIT
trap 'exit 130' INT TERM HUP

# experiment knobs
echo 1000 > $K/pages_to_scan; echo 20 > $K/sleep_millisecs
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  k=${1%%=*}; v=${1#*=}
  echo "$v" > $K/$k || { echo "ksmwrap: cannot set $k=$v" >&2; exit 2; }
  shift
done
[ "$1" = "--" ] && shift
# report other processes with mergeable VMAs (would pollute global counters)
others=$(grep -l '^VmFlags:.* mg' /proc/[0-9]*/smaps 2>/dev/null | grep -v "/proc/$$/" | cut -d/ -f3 | sort -u | tr '\n' ' ')
[ -n "$others" ] && echo "ksmwrap: NOTE processes with mergeable VMAs before start: $others" >&2
echo "ksmwrap: start $(date +%T) knobs: $(for k in $KNOBS; do printf '%s=%s ' $k "$(rd $k)"; done)" >&2
"$@"
rc=$?
exit $rc
