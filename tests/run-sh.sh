#!/usr/bin/env bash
# Shell tests of run.sh itself, run by `./run.sh test` after the Java tests: what a new user meets
# on the command line (issue 9). Each check prints "ok - ..." or "FAIL - ..."; the script exits 1
# when any failed. It runs the tiny 'smoke' suite a few times (JMH), into temporary folders only.
#
#   bash tests/run-sh.sh
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUN="$ROOT/run.sh"
TMP=$(mktemp -d)
FAILS=0
PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill -9 -- -"$p" 2>/dev/null || kill -9 "$p" 2>/dev/null; done
  rm -rf "$TMP"
}
trap cleanup EXIT

ok() { printf 'ok - %s\n' "$1"; }
fail() { printf 'FAIL - %s\n' "$1"; [[ -n "${2:-}" ]] && printf '%s\n' "$2" | sed 's/^/    /'; FAILS=$((FAILS + 1)); }
check() { # check "description" command...: passes when the command succeeds
  local what=$1; shift
  if "$@"; then ok "$what"; else fail "$what"; fi
}

# --- help answers without side effects -------------------------------------------------------
for c in test build clean --resume; do
  out=$(MVN=/bin/false "$RUN" "$c" --help 2>&1); code=$?
  if [[ $code == 0 && "$out" == Usage:* && "$out" == *"./run.sh $c"* && "$out" != *building* ]]; then
    ok "./run.sh $c --help prints its usage and runs nothing"
  else
    fail "./run.sh $c --help prints its usage and runs nothing (exit $code)" "$out"
  fi
done
out=$(MVN=/bin/false "$RUN" --suite quick --help 2>&1); code=$?
if [[ $code == 0 && "$out" == *"the main job"* ]]; then ok "./run.sh --suite quick --help prints the usage"; else fail "./run.sh --suite quick --help" "$out"; fi
for c in simulate bench series exposure kernel-check list; do
  out=$("$RUN" "$c" --help 2>&1); code=$?
  if [[ $code == 0 && "$out" == *"Usage: ksmlab $c"* ]]; then ok "./run.sh $c --help"; else fail "./run.sh $c --help (exit $code)" "$out"; fi
done
out=$("$RUN" test extra 2>&1); code=$?
if [[ $code == 2 && "$out" == *"test takes no arguments"* ]]; then ok "./run.sh test with an argument is refused"; else fail "./run.sh test extra (exit $code)" "$out"; fi

# --- an unknown suite leaves no results folder -----------------------------------------------
out=$(KSMLAB_RESULTS="$TMP/results" "$RUN" --suite nosuch 2>&1); code=$?
if [[ $code == 2 && "$out" == *"unknown suite 'nosuch'"* && ! -e "$TMP/results" ]]; then
  ok "./run.sh --suite nosuch: exit 2, message, no results folder"
else
  fail "./run.sh --suite nosuch (exit $code; results folder: $(ls "$TMP/results" 2>&1))" "$out"
fi

# --- relative paths resolve against the caller's directory -----------------------------------
mkdir -p "$TMP/cwd"
(cd "$TMP/cwd" && "$RUN" series --suite smoke --out rel/series >/dev/null 2>&1); code=$?
if [[ $code == 0 && -f "$TMP/cwd/rel/series/vm-fleet__ksm.json" && ! -e "$ROOT/rel" ]]; then
  ok "series --out rel/series writes under the caller's directory"
else
  fail "series --out rel/series (exit $code): $(find "$TMP/cwd" -type f | head -3)"
  rm -rf "$ROOT/rel"
fi

# --- one benchmark run at a time: wait, or exit 75 with --no-wait ----------------------------
setsid "$RUN" bench --suite smoke --out "$TMP/first" > "$TMP/first.log" 2>&1 &
PIDS+=($!); first=$!
for _ in $(seq 1 600); do grep -q '^== suite smoke' "$TMP/first.log" && break; sleep 0.1; done
out=$("$RUN" --no-wait bench --suite smoke --out "$TMP/second" 2>&1); code=$?
if [[ $code == 75 && "$out" == *"another benchmark run is in progress"* && "$out" != *"at org."* && ! -e "$TMP/second/smoke-01.json" ]]; then
  ok "a second bench with --no-wait exits 75 saying another run is in progress"
else
  fail "a second bench with --no-wait (exit $code; first run: $(tail -1 "$TMP/first.log"))" "$out"
fi
out=$("$RUN" bench --suite smoke --out "$TMP/third" 2>&1); code=$?
wait "$first"; fcode=$?
if [[ $code == 0 && $fcode == 0 && "$out" == *"waiting for it to finish"* && -f "$TMP/third/smoke-01.json" ]]; then
  ok "a second bench without --no-wait says so, waits, and then runs"
elif [[ $code == 0 && $fcode == 0 && "$out" != *"waiting"* ]]; then
  ok "a second bench without --no-wait ran after the first (the first had finished before it started: nothing to wait for)"
else
  fail "a second bench without --no-wait (exit $code, first exit $fcode)" "$out"
fi
warnings=$(grep -c 'Using incubator modules' "$TMP/first.log")
if [[ $warnings -le 1 ]]; then ok "the forks' incubator warnings are not repeated ($warnings line)"; else fail "incubator warning printed $warnings times"; fi

# --- a killed main job leaves a results folder marked partial; --resume finishes it ----------
export KSMLAB_RESULTS="$TMP/results"
setsid "$RUN" --suite smoke > "$TMP/main.log" 2>&1 &
main=$!; PIDS+=($main)
for _ in $(seq 1 600); do grep -q '^== \[1/' "$TMP/main.log" && break; sleep 0.1; done
kill -9 -- -"$main" 2>/dev/null; wait "$main" 2>/dev/null
dir=$(ls -d "$TMP"/results/*/ 2>/dev/null | head -1); dir=${dir%/}
status=$(sed -n 's/^status: //p' "$dir/env.txt" 2>/dev/null)
if [[ -n "$dir" && "$status" == partial* && ! -f "$dir/report.md" ]]; then
  ok "kill -9 of the main job leaves env.txt 'status: partial ...' and no report"
else
  fail "kill -9 of the main job: folder '$dir', status '$status'" "$(tail -5 "$TMP/main.log")"
fi
leftovers=$(find "$TMP/results" -name '.*' ! -name '.' 2>/dev/null | grep -v '/\.$' | head -5)
if [[ -z "$leftovers" ]]; then ok "the killed job left no hidden temporary files"; else fail "hidden files left: $leftovers"; fi
# a second partial folder, for clean
mkdir -p "$TMP/results/20000101T000000Z-old"
printf 'status: partial (running since 2000-01-01T00:00:00Z, pid 999999999; ...)\ncommand: ./run.sh --suite smoke\n' > "$TMP/results/20000101T000000Z-old/env.txt"
out=$("$RUN" clean --dry-run 2>&1)
if [[ "$out" == *"would delete $TMP/results/20000101T000000Z-old"* && -d "$TMP/results/20000101T000000Z-old" ]]; then
  ok "clean --dry-run lists partial folders and deletes nothing"
else
  fail "clean --dry-run" "$out"
fi
if [[ -n "$dir" ]]; then
  out=$("$RUN" --resume "$dir" 2>&1); code=$?
  status=$(sed -n 's/^status: //p' "$dir/env.txt")
  if [[ $code == 0 && "$status" == complete && -s "$dir/report.md" && -f "$dir/jmh/smoke-01.json" ]]; then
    ok "--resume finishes the partial folder: status complete, report written"
  else
    fail "--resume (exit $code, status '$status')" "$out"
  fi
  out=$("$RUN" --resume "$dir" 2>&1); code=$?
  if [[ $code == 2 && "$out" == *"it is complete; nothing to resume"* ]]; then ok "--resume of a complete folder is refused"; else fail "--resume of a complete folder (exit $code)" "$out"; fi
fi
out=$("$RUN" clean 2>&1)
if [[ ! -e "$TMP/results/20000101T000000Z-old" && ( -z "$dir" || -d "$dir" ) ]]; then
  ok "clean deletes partial folders and keeps complete ones"
else
  fail "clean" "$out"
fi
unset KSMLAB_RESULTS

# --- unwritable output: one line, no stack trace, nothing half-written -----------------------
printf 'x' > "$TMP/file"
out=$("$RUN" bench --suite smoke --out "$TMP/file/jmh" 2>&1); code=$?
if [[ $code == 1 && "$out" == *"bench: error: cannot write or read $TMP/file"* && "$out" != *"at org."* ]]; then
  ok "bench --out into a file's path: one-line error, no stack trace"
else
  fail "bench --out unwritable (exit $code)" "$out"
fi
if [[ $(id -u) == 0 ]] && command -v mount >/dev/null && mkdir -p "$TMP/full" && mount -t tmpfs -o size=64k tmpfs "$TMP/full" 2>/dev/null; then
  mkdir -p "$TMP/full/series"
  cat /dev/zero > "$TMP/full/filler" 2>/dev/null  # fill it: every further write fails with ENOSPC
  out=$("$RUN" series --suite smoke --out "$TMP/full/series" 2>&1); code=$?
  left=$(find "$TMP/full/series" -name '*.tmp' 2>/dev/null)
  if [[ $code != 0 && "$out" == *"series: error:"* && "$out" != *"at org."* && -z "$left" ]]; then
    ok "series on a full file system: error, no stack trace, no .tmp left"
  else
    fail "series on a full file system (exit $code, left: $left)" "$out"
  fi
  umount "$TMP/full"
else
  echo "skip - full-file-system check needs root and tmpfs (not available here)"
fi

# --- batch systems: the scripts parse, and the Kubernetes shards cover 1..SHARDS --------------
for f in "$ROOT"/batch/slurm/*.sh "$ROOT"/batch/slurm/*.sbatch; do
  if bash -n "$f" 2>/dev/null; then ok "bash parses $(basename "$f")"; else fail "bash parses $f" "$(bash -n "$f" 2>&1)"; fi
done
out=$("$ROOT/batch/slurm/submit.sh" --suite smoke --shards 0 --out "$TMP/x" 2>&1); code=$?
if [[ $code == 2 && "$out" == *"--shards '0': expected a positive integer"* ]]; then ok "submit.sh refuses --shards 0 naming the value"; else fail "submit.sh --shards 0 (exit $code)" "$out"; fi
k8s="$ROOT/batch/k8s/suite-shards.yaml"
completions=$(sed -n 's/^ *completions: *\([0-9]*\).*/\1/p' "$k8s")
shards=$(grep -A1 'name: SHARDS' "$k8s" | sed -n 's/.*value: *"\([0-9]*\)".*/\1/p')
if grep -q 'completionMode: Indexed' "$k8s" && [[ -n $completions && $completions == "$shards" ]] \
    && grep -q 'i=$((JOB_COMPLETION_INDEX + 1))' "$k8s" && grep -q -- '--shard "$i/$SHARDS"' "$k8s"; then
  ok "the Kubernetes Indexed Job runs shards 1..$shards of $shards (completions $completions)"
else
  fail "the Kubernetes Indexed Job's completions ($completions) equal SHARDS ($shards) and shard i = index + 1"
fi

if [[ $FAILS -gt 0 ]]; then
  echo "run.sh shell tests: $FAILS failed"
  exit 1
fi
echo "run.sh shell tests: all passed"
