#!/usr/bin/env bash
# run.sh: the one entry point of ksmlab.
#
# Usage:
#   ./run.sh [--no-wait] [--suite NAME]   the main job: build if anything changed, run the benchmark
#                                         suite (default: quick), write results/<UTC time>-<git sha>/
#                                         (jmh/*.json, series/*.json, env.txt), analyse it into report.md/.html,
#                                         CSVs and charts there, and print the headline table.
#                                         env.txt says "status: partial (...)" until every point ran, then
#                                         "status: complete"; the report says so when it is partial
#   ./run.sh --suite NAME --model-only    the main job with the suite's model answers only: its model
#                                         points (ksm convergence, merger comparison) run once each in
#                                         one JVM over all cores (sweep: model/*.json, no JMH, no lock),
#                                         then series, scenarios and the report (no wall-time figures)
#   ./run.sh --resume DIR                 finish a partial results folder: run only the suite entries
#                                         whose results are missing, then write the report
#   ./run.sh clean [--dry-run]            delete partial results folders under results/ (not complete
#                                         ones, not one a run is still writing)
#   ./run.sh test                         the full test suite (what CI runs), the run.sh shell tests,
#                                         then an end-to-end smoke run of bench -> analysis -> report
#   ./run.sh simulate ARGS...             run the model: --workload SPEC|MIX --algo NAME [--set k=v]...
#                                         [--for-ms N | --for-scans N | --until-stable] [--json]
#                                         [--wall-limit 2h] (or SIGTERM/Ctrl-C): print what it has, marked partial
#   ./run.sh kernel-check ARGS...         run workloads on this machine's KSM and on the model, compare
#                                         them per full scan: [--workload SPEC]... [--set knob=value]...
#                                         [--json] [--out DIR] [--grid] [--write-calibration] [--no-wait];
#                                         --grid adds the timing grid (65,536 pages, 3 scan rates x 2 sleeps:
#                                         time to converge, CPU, the simulator's speed against the kernel);
#                                         --page-mode symbolic runs the model side without page bytes; needs root
#                                         and /sys/kernel/mm/ksm (exit 77 otherwise, nothing changed);
#                                         restores every knob; maps at most 2 GiB.
#                                         --scenario NAME|FILE [--variant V]: a scenario on the kernel (real
#                                         processes: a C program compiled once with cc/gcc) and the model,
#                                         per phase; exit 1 if an expectation failed
#   ./run.sh capture --out DIR [--pid P]... [--run 'CMD ARGS']... [-- CMD ARGS]
#                                         live processes into a memory dataset (hashes of their anonymous
#                                         pages; --contents for the bytes); commands start under KSM
#                                         merge-any; needs root (exit 77 otherwise, nothing written)
#   ./run.sh capture-check --run 'CMD ARGS'... [--set knob=value]... [--out DIR] [--json]
#                                         start commands under merge-any, capture them, run the kernel's KSM
#                                         on them and the model on the capture; compare per full scan
#   ./run.sh real-memory --out DIR [DATASET...]  per memory dataset: content histogram, ideal saving, every
#                                         merger's saving over time (what the report's "real memory" reads)
#   ./run.sh bench --suite NAME --out DIR [--shard i/n] [--list-points] [--resume] [--no-wait]
#                                         run a named suite (or the i-th of n deterministic shares of
#                                         its sweep points, to spread a grid over n machines);
#                                         ./run.sh bench JMH-ARGS... passes arguments to JMH itself
#   ./run.sh series --suite NAME --out DIR the saving-over-time series of a suite's merger comparison:
#                                         DIR/<mix>__<algo>.json, each a 'simulate --json' object
#   ./run.sh sweep --suite NAME --out DIR [--threads N] [--shard i/n] [--resume]
#                                         a suite's model points once each in one JVM over N threads
#                                         (default: all cores): DIR/<suite>-NN.json, model counters only
#   ./run.sh scenarios --out DIR          every shipped scenario (each variant) on the model:
#                                         DIR/<name>__<variant>__<algo>.json (what the report reads)
#   ./run.sh exposure --suite NAME --out DIR [--resume] | --mix MIX [--pages N] [--trials N]
#                                         exposure vs saving: every merger and defence on a mix, saving to
#                                         an equal horizon and seeded trials of a co-tenant's timing attack:
#                                         DIR/<mix>__<pages>.json per experiment of the suite (what the
#                                         report reads), or one experiment's JSON on stdout
#   ./run.sh report DIR [DIR...]          (re)build the report of one or more results folders;
#                                         with several folders add --out DIR
#   ./run.sh list                         workloads, mixes, algorithms and suites
#   ./run.sh build                        build only (skipped when nothing changed)
#   ./run.sh --help | COMMAND --help      help (nothing is built, run or written)
#
# Options (before the command):
#   --dry-run   print the commands that would run, run nothing (the build check included)
#   --no-wait   when another benchmark run holds the JMH lock, exit with status 75 at once
#               (default: say so and wait for it to finish)
#
# Paths given to --out, --resume and report are relative to the directory you run from.
#
# Environment:
#   JAVA_HOME   used when it is a JDK >= 25; otherwise the newest JDK >= 25 under /usr/lib/jvm
#               (or /Library/Java/JavaVirtualMachines) is used
#   KSMLAB_JVM_DIR  search this folder of JDKs instead of /usr/lib/jvm
#   KSMLAB_RESULTS  the folder the main job writes results into (default: results/ in the repository)
#   MVN         the Maven command (default: mvn on PATH)
#
# Exit codes: 0 ok, 2 bad input, 3 no JDK >= 25 found, 4 no Maven found, 75 busy (--no-wait and
# another benchmark run or KSM driver is active), 77 kernel-check cannot run here (no KSM or not
# root), 130 interrupted, other: the failing step's.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# No cd: relative paths the user gives (--out, report folders) stay relative to where they ran us;
# everything of our own is addressed through $ROOT.

# The JVM flags, read from their one source: pom.xml's ksmlab.jvm.flags (every ksmlab JVM: tests,
# CLI, JMH forks, which inherit them) and ksmlab.analysis.jvm.flags (the analysis JVM).
pom_property() { sed -n "s|.*<$1>\(.*\)</$1>.*|\1|p" "$ROOT/pom.xml" | head -1; }
read -r -a JVM_FLAGS <<< "$(pom_property ksmlab.jvm.flags)"
read -r -a ANALYSIS_JVM_FLAGS <<< "$(pom_property ksmlab.analysis.jvm.flags)"
[[ ${#JVM_FLAGS[@]} -gt 0 ]] || { printf 'run.sh: pom.xml has no <ksmlab.jvm.flags>\n' >&2; exit 1; }
BENCH_JAR="$ROOT/benchmarks/target/benchmarks.jar"
CLI_JAR="$ROOT/cli/target/ksmlab.jar"
ANALYSIS_JAR="$ROOT/analysis/target/analysis.jar"
STAMP="$ROOT/target/build.stamp"
RESULTS="${KSMLAB_RESULTS:-$ROOT/results}"
DRY_RUN=0
NO_WAIT=()

say() { printf '%s\n' "$*" >&2; }
die() { local code=$1; shift; say "run.sh: $*"; exit "$code"; }

# Runs a command, or prints it under --dry-run.
run() {
  if [[ $DRY_RUN == 1 ]]; then
    printf '+'; printf ' %q' "$@"; printf '\n'
  else
    "$@"
  fi
}

# The feature version of the JDK at $1 (a JDK home), or nothing. Read from its 'release' file
# (no JVM start); a JDK without one is asked with -XshowSettings.
jdk_major() {
  local v=""
  if [[ -f "$1/release" ]]; then
    v=$(sed -n 's/^JAVA_VERSION="\{0,1\}\([0-9]*\).*/\1/p' "$1/release" | head -1)
  fi
  if [[ -z "$v" && -x "$1/bin/java" ]]; then
    v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -1)
  fi
  printf '%s' "$v"
}

find_jdk() {
  local c v best="" bestv=0
  # JAVA_HOME wins when it qualifies; otherwise the newest qualifying JDK.
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/javac" ]]; then
    v=$(jdk_major "$JAVA_HOME")
    if [[ -n "$v" && "$v" -ge 25 ]]; then JDK="$JAVA_HOME"; return; fi
  fi
  for c in "${KSMLAB_JVM_DIR:-/usr/lib/jvm}"/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [[ -d "$c" && -x "$c/bin/java" && -x "$c/bin/javac" ]] || continue
    v=$(jdk_major "$c")
    if [[ -n "$v" && "$v" -ge 25 && "$v" -gt "$bestv" ]]; then best=$c; bestv=$v; fi
  done
  if [[ -z "$best" ]]; then
    die 3 "no JDK >= 25 found (looked at JAVA_HOME${JAVA_HOME:+=$JAVA_HOME} and ${KSMLAB_JVM_DIR:-/usr/lib/jvm}).
  ksmlab needs JDK 25 or newer with the jdk.incubator.vector module. Install one, e.g.
    Debian/Ubuntu: the Eclipse Temurin 25 package (temurin-25-jdk) or openjdk-25-jdk where your release has it
    other systems: any JDK 25 build (Temurin, Oracle, Zulu, ...)
  then run again, or point JAVA_HOME at it."
  fi
  JDK=$best
}

find_mvn() {
  if [[ -n "${MVN:-}" ]]; then return; fi
  if command -v mvn >/dev/null 2>&1; then MVN=mvn; return; fi
  if [[ $DRY_RUN == 0 && $(id -u) == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    say "run.sh: Maven not found; installing Debian's 'maven' package with apt-get (you are root)."
    apt-get update -qq && apt-get install -y -qq maven >/dev/null
    MVN=mvn; return
  fi
  die 4 "Maven (mvn) not found. Install Maven 3.8 or newer (Debian/Ubuntu: apt-get install maven) or set MVN=/path/to/mvn."
}

setup() {
  find_jdk
  JAVA="$JDK/bin/java"
  export JAVA_HOME="$JDK"
  # Maven 3.8's own Guava uses sun.misc.Unsafe; allow it (the analysis flag) instead of printing
  # JDK 25's warning each build.
  export MAVEN_OPTS="${MAVEN_OPTS:-} ${ANALYSIS_JVM_FLAGS[*]}"
}

# A fingerprint of every build input (poms and sources): path, size and modification time of
# each file, in one find and one cksum, so the up-to-date check costs milliseconds. A file added,
# removed, edited or touched changes it.
source_fingerprint() {
  (cd "$ROOT" && find pom.xml ./*/pom.xml ./*/src ./datasets/scenarios ./datasets/real -type f -printf '%p %s %T@\n' 2>/dev/null | LC_ALL=C sort | cksum | cut -d' ' -f1)
}

build() {
  local fp
  fp=$(source_fingerprint)
  if [[ -f "$STAMP" && "$(cat "$STAMP")" == "$fp" && -f "$BENCH_JAR" && -f "$CLI_JAR" && -f "$ANALYSIS_JAR" ]]; then
    return
  fi
  find_mvn
  say "run.sh: building (sources changed since the last build)"
  # Build output goes to stderr: stdout belongs to the command (simulate --json must stay pure JSON).
  run mvn_plain -q -B --no-transfer-progress package -DskipTests >&2
  # Smoke check: the JMH annotation processor ran and the jar lists benchmarks.
  if [[ $DRY_RUN == 0 ]]; then
    "$JAVA" "${JVM_FLAGS[@]}" -jar "$BENCH_JAR" -l 2>/dev/null | grep -q '^org\.ksmlab\.bench\.' \
      || die 1 "benchmarks.jar lists no benchmarks (was the JMH annotation processor run?)"
    make_aot_cache
    mkdir -p "$(dirname "$STAMP")"
    printf '%s\n' "$fp" > "$STAMP"
  fi
}

# JDK 25's ahead-of-time cache (JEP 483, 514) for the CLI: classes loaded and linked, and method
# profiles, recorded from one training run (a small simulation) and mapped at every later start.
# It belongs to this jar, these flags and this JDK; a JVM that cannot use it ignores it. No cache
# (an older JDK, a failed training run) only costs start-up time.
AOT_CACHE="$ROOT/cli/target/ksmlab.aot"
make_aot_cache() {
  rm -f "$AOT_CACHE"
  "$JAVA" "${JVM_FLAGS[@]}" -XX:AOTCacheOutput="$AOT_CACHE" -jar "$CLI_JAR" \
      simulate --workload dup:pages=2000,distinct=20,procs=2 --algo ksm --json >/dev/null 2>&1 \
    || { rm -f "$AOT_CACHE"; say "run.sh: no ahead-of-time cache (the training run failed); start-up is just slower"; }
}

# Maven on our pom, its output without colour codes (Maven 3.8 prints some even in batch mode).
mvn_plain() { "$MVN" -f "$ROOT/pom.xml" -Dstyle.color=never "$@" 2>&1 | sed $'s/\x1b\\[[0-9;]*m//g'; }

ksmlab() {
  local aot=()
  [[ -f "$AOT_CACHE" ]] && aot=(-XX:AOTCache="$AOT_CACHE")
  run "$JAVA" "${JVM_FLAGS[@]}" "${aot[@]}" -jar "$CLI_JAR" "$@"
}
analysis() { run "$JAVA" "${ANALYSIS_JVM_FLAGS[@]}" -jar "$ANALYSIS_JAR" "$@"; }

# env.txt: the provenance of a results folder and its completeness. $1 = results dir,
# $2 = status line value, rest = the command. Written under a temporary name, then renamed.
write_env() {
  local dir=$1 status=$2; shift 2
  {
    echo "status: $status"
    echo "started: ${STARTED:-$(date -u +%Y-%m-%dT%H:%M:%SZ)}"
    echo "command: $*"
    echo "git_sha: $(git -C "$ROOT" rev-parse HEAD 2>/dev/null || echo unknown)$( [[ -n "$(git -C "$ROOT" status --porcelain 2>/dev/null)" ]] && echo ' (uncommitted changes)')"
    echo "java: $("$JAVA" -version 2>&1 | head -1)"
    echo "java_vm: $("$JAVA" -version 2>&1 | tail -1)"
    echo "java_home: $JDK"
    echo "kernel: $(uname -srm)"
    echo "cpu: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -1)"
    echo "cpus: $(nproc 2>/dev/null || echo unknown)"
    echo "memory: $(sed -n 's/^MemTotal:[[:space:]]*//p' /proc/meminfo 2>/dev/null)"
    echo "thp: $(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null || echo unknown)"
    echo "ksm: $( [[ -d /sys/kernel/mm/ksm ]] && echo "run=$(cat /sys/kernel/mm/ksm/run 2>/dev/null)" || echo absent)"
  } > "$dir/.env.txt.tmp" && mv "$dir/.env.txt.tmp" "$dir/env.txt"
}

# Rewrites only the status line of $1/env.txt (atomically), keeping the rest.
set_status() {
  local dir=$1 status=$2
  [[ -f "$dir/env.txt" ]] || return 0
  { echo "status: $status"; grep -v '^status: ' "$dir/env.txt"; } > "$dir/.env.txt.tmp" && mv "$dir/.env.txt.tmp" "$dir/env.txt"
}

# Runs the suite's benchmarks and series into $dir (resuming what is there with --resume), marks
# the folder complete, then writes the report. An interruption leaves "status: partial (...)".
run_suite_into() {
  local dir=$1 suite=$2 model_only=$3; shift 3
  local resume=("$@")
  if [[ $DRY_RUN == 0 ]]; then
    trap 'set_status "$dir" "partial (interrupted at $(date -u +%Y-%m-%dT%H:%M:%SZ); finish it with ./run.sh --resume $dir)"; exit 130' INT TERM HUP
  fi
  say "run.sh: running suite '$suite' into $dir"
  # With the micro benchmarks, their C reference (page_primitives.c) runs right after them,
  # under the same JMH lock, into c-reference.json: the report's Java/C ratios.
  if [[ $model_only == 1 ]]; then
    # The model's answers only, every point once in this JVM over all cores (no JMH, no lock).
    ksmlab sweep --suite "$suite" --out "$dir/model" "${resume[@]}"
  else
    ksmlab bench --suite "$suite" --out "$dir/jmh" --c-reference "$dir/c-reference.json" "${resume[@]}" "${NO_WAIT[@]}"
  fi
  # The saving-over-time chart: the suite's merger comparison runs, their samples (writes
  # nothing when the suite compares no mergers).
  ksmlab series --suite "$suite" --out "$dir/series" "${resume[@]}"
  # The scenario sections (the seeds' VMA questions, the kernel's selftests): every shipped
  # scenario on the model (deterministic, seconds).
  ksmlab scenarios --out "$dir/scenarios" "${resume[@]}"
  # The real memory section: every shipped memory dataset (captured processes) summarised and
  # run by every merger on the model (deterministic, ~15 s).
  ksmlab real-memory --out "$dir/real-memory" "${resume[@]}"
  # The exposure-vs-saving section: the suite's exposure experiments (model runs; writes nothing
  # when the suite has none).
  ksmlab exposure --suite "$suite" --out "$dir/exposure" "${resume[@]}"
  [[ $DRY_RUN == 1 ]] || set_status "$dir" complete
  trap - INT TERM HUP
  say "run.sh: report: $dir/report.md (also report.html, tables/, charts/); headline:"
  analysis report "$dir"
}

main_job() {
  local suite=quick model_only=0
  while [[ $# -gt 0 ]]; do
    case $1 in
      --suite) [[ $# -ge 2 ]] || die 2 "--suite needs a NAME (see ./run.sh list)"; suite=$2; shift 2 ;;
      --model-only) model_only=1; shift ;;
      -h|--help) usage; exit 0 ;;
      *) die 2 "unknown option '$1' for the main job (expected --suite NAME [--model-only]; see ./run.sh --help)" ;;
    esac
  done
  setup
  build
  # An unknown suite is an error before anything is created.
  if [[ $DRY_RUN == 0 ]]; then
    ksmlab bench --suite "$suite" --list-points >/dev/null || exit $?
  fi
  local sha dir
  sha=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo nogit)
  STARTED=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  dir="$RESULTS/$(date -u +%Y%m%dT%H%M%SZ)-$sha"
  run mkdir -p "$dir/jmh"
  local flag=""
  [[ $model_only == 1 ]] && flag=" --model-only"
  [[ $DRY_RUN == 1 ]] || write_env "$dir" "partial (running since $STARTED, pid $$; if no run is active, it was killed: finish it with ./run.sh --resume $dir)" "./run.sh --suite $suite$flag"
  run_suite_into "$dir" "$suite" "$model_only"
}

resume_job() {
  [[ $# -eq 1 ]] || die 2 "--resume needs exactly one results folder (got $# arguments)"
  local dir
  dir=$(cd "$1" 2>/dev/null && pwd) || die 2 "--resume $1: no such folder (expected a results folder with env.txt)"
  [[ -f "$dir/env.txt" ]] || die 2 "--resume $1: no env.txt there (expected a folder the main job wrote)"
  local status suite
  status=$(sed -n 's/^status: //p' "$dir/env.txt" | head -1)
  [[ "$status" == complete ]] && die 2 "--resume $1: env.txt says it is complete; nothing to resume (./run.sh report $1 rebuilds its report)"
  suite=$(sed -n 's/^command: .*--suite \([^ ]*\).*/\1/p' "$dir/env.txt" | head -1)
  [[ -n "$suite" ]] || die 2 "--resume $1: env.txt names no suite in its command line"
  local model_only=0
  grep -q '^command: .*--model-only' "$dir/env.txt" && model_only=1
  setup
  build
  STARTED=$(sed -n 's/^started: //p' "$dir/env.txt" | head -1)
  [[ $DRY_RUN == 1 ]] || set_status "$dir" "partial (resumed at $(date -u +%Y-%m-%dT%H:%M:%SZ), pid $$; if no run is active, it was killed: ./run.sh --resume $dir)"
  run_suite_into "$dir" "$suite" "$model_only" --resume
}

# Deletes partial results folders under $RESULTS: those whose env.txt status is not "complete",
# unless the pid a running job recorded there is still alive.
clean_job() {
  local dry=0 d status pid n=0
  while [[ $# -gt 0 ]]; do
    case $1 in
      --dry-run) dry=1; shift ;;
      -h|--help) usage; exit 0 ;;
      *) die 2 "unknown option '$1' for clean (expected --dry-run)" ;;
    esac
  done
  [[ $DRY_RUN == 1 ]] && dry=1
  for d in "$RESULTS"/*/; do
    [[ -f "$d/env.txt" ]] || continue
    status=$(sed -n 's/^status: //p' "$d/env.txt" | head -1)
    [[ -z "$status" || "$status" == complete ]] && continue
    pid=$(printf '%s' "$status" | sed -n 's/.*pid \([0-9]*\).*/\1/p')
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q run.sh; then
      say "run.sh: keeping ${d%/} (a run, pid $pid, is still writing it)"
      continue
    fi
    n=$((n + 1))
    if [[ $dry == 1 ]]; then say "run.sh: would delete ${d%/} ($status)"; else rm -rf -- "${d%/}"; say "run.sh: deleted ${d%/} ($status)"; fi
  done
  say "run.sh: $n partial results folder(s) $( [[ $dry == 1 ]] && echo 'would be ' )deleted"
}

# The report's browser test (analysis ReportInBrowserTest) loads report.html in headless chromium;
# it skips, saying so, where there is none. As root with apt-get, install Debian's package first.
ensure_chromium() {
  command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 \
    || command -v google-chrome >/dev/null 2>&1 || [[ -n "${KSMLAB_CHROMIUM:-}" ]] && return 0
  if [[ $DRY_RUN == 0 && $(id -u) == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    say "run.sh: chromium not found; installing Debian's 'chromium' package with apt-get (you are root) for the report's browser test."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null \
      || say "run.sh: could not install chromium; the browser test will be skipped."
  else
    say "run.sh: chromium not found; the report's browser test will be skipped (install Debian's 'chromium' package to run it)."
  fi
}

run_tests() {
  setup
  build
  ensure_chromium
  find_mvn
  run mvn_plain -B test
  # run.sh's own behaviour (help, paths, partial results, locks): shell tests.
  run bash "$ROOT/tests/run-sh.sh"
  # The Slurm path (batch/slurm): skipped, saying why, where Slurm is not running.
  run bash "$ROOT/tests/slurm.sh"
  # End to end: a tiny suite through JMH, then the analysis, into a temporary results folder.
  local tmp
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' RETURN
  say "run.sh: end-to-end smoke: suite 'smoke' -> report"
  ksmlab bench --suite smoke --out "$tmp/jmh"
  # The same model point through sweep (one JVM, no JMH) into the same folder: the report pools
  # both and says so if any model counter differs between them.
  ksmlab sweep --suite smoke --out "$tmp/model"
  [[ $DRY_RUN == 1 ]] || write_env "$tmp" complete "./run.sh test (smoke)"
  analysis report --quiet "$tmp"
  if [[ $DRY_RUN == 0 ]]; then
    for f in report.md report.html; do
      [[ -s "$tmp/$f" ]] || die 1 "end-to-end smoke: $f was not written"
    done
    ! grep -q "Some model counters differed" "$tmp/report.md" \
      || die 1 "end-to-end smoke: sweep and JMH gave different model counters for the same point (see $tmp/report.md)"
    say "run.sh: end-to-end smoke passed (report.md, report.html written)"
  fi
}

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }

# The usage lines of one run.sh command (its block in the header).
command_usage() {
  echo "Usage:"
  usage | awk -v pat="$1" '/^  \.\/run\.sh/ { on = (index($0, "  " pat) == 1) } /^  [^ ]/ && !/^  \.\/run\.sh/ { on = 0 } on { print }'
}

has_help() { local a; for a in "$@"; do [[ $a == -h || $a == --help ]] && return 0; done; return 1; }

while [[ $# -gt 0 ]]; do
  case $1 in
    --dry-run) DRY_RUN=1; shift ;;
    --no-wait) NO_WAIT=(--no-wait); shift ;;
    -h|--help) usage; exit 0 ;;
    *) break ;;
  esac
done

cmd=${1:-}
[[ $# -gt 0 ]] && shift
case $cmd in
  ""|--suite) [[ $cmd == --suite ]] && set -- --suite "$@"; main_job "$@" ;;
  --resume) has_help "$@" && { command_usage "./run.sh --resume"; exit 0; }; resume_job "$@" ;;
  clean) has_help "$@" && { command_usage "./run.sh clean"; exit 0; }; clean_job "$@" ;;
  test) has_help "$@" && { command_usage "./run.sh test"; exit 0; }
        [[ $# -eq 0 ]] || die 2 "test takes no arguments (got: $*)"; run_tests ;;
  build) has_help "$@" && { command_usage "./run.sh build"; exit 0; }
         [[ $# -eq 0 ]] || die 2 "build takes no arguments (got: $*)"; setup; build ;;
  simulate|list|bench|series|sweep|scenarios|exposure|kernel-check|capture|capture-check|real-memory)
    setup
    # --help answers from the jar as it is when there is one: nothing is built for it.
    if ! has_help "$@" || [[ ! -f "$CLI_JAR" ]]; then build; fi
    [[ $cmd == bench && ${#NO_WAIT[@]} -gt 0 ]] && set -- "$@" --no-wait
    ksmlab "$cmd" "$@" ;;
  report)
    setup
    if ! has_help "$@" || [[ ! -f "$ANALYSIS_JAR" ]]; then build; fi
    [[ $# -gt 0 ]] || die 2 "report needs at least one results folder (./run.sh report DIR [DIR...] [--out DIR])"
    analysis report "$@" ;;
  *) die 2 "unknown command '$cmd' (expected: test, simulate, kernel-check, capture, capture-check, real-memory, bench, series, sweep, scenarios, exposure, report, list, build, clean, --resume; see ./run.sh --help)" ;;
esac
