#!/usr/bin/env bash
# run.sh: the one entry point of ksmlab.
#
# Usage:
#   ./run.sh [--dry-run] [--suite NAME]   the main job: build if anything changed, run the benchmark
#                                         suite (default: quick), write results/<UTC time>-<git sha>/
#                                         (jmh/*.json, series/*.json, env.txt), analyse it into report.md/.html,
#                                         CSVs and charts there, and print the headline table
#   ./run.sh test                         the full test suite (what CI runs), then an end-to-end
#                                         smoke run of bench -> analysis -> report
#   ./run.sh simulate ARGS...             run the model: --workload SPEC --algo NAME [--set k=v]...
#                                         [--for-ms N | --for-scans N | --until-stable] [--json]
#   ./run.sh kernel-check ARGS...         run workloads on this machine's KSM and on the model, compare
#                                         them per full scan: [--workload SPEC]... [--set knob=value]...
#                                         [--json] [--out DIR] [--write-calibration]; needs root and
#                                         /sys/kernel/mm/ksm (exit 77 otherwise, nothing changed);
#                                         restores every knob; maps at most 2 GiB
#   ./run.sh bench --suite NAME --out DIR [--shard i/n] [--list-points]
#                                         run a named suite (or the i-th of n deterministic shares of
#                                         its sweep points, to spread a grid over n machines);
#                                         ./run.sh bench JMH-ARGS... passes arguments to JMH itself
#   ./run.sh series --suite NAME --out DIR the saving-over-time series of a suite's merger comparison:
#                                         DIR/<mix>__<algo>.json, each a 'simulate --json' object
#   ./run.sh report DIR [DIR...]          (re)build the report of one or more results folders;
#                                         with several folders add --out DIR
#   ./run.sh list                         workloads, algorithms and suites
#   ./run.sh build                        build only (skipped when nothing changed)
#   ./run.sh --help | COMMAND --help      help
#
# Options (before the command):
#   --dry-run   print the commands that would run, run nothing (the build check included)
#
# Environment:
#   JAVA_HOME   used when it is a JDK >= 25; otherwise the newest JDK >= 25 under /usr/lib/jvm
#               (or /Library/Java/JavaVirtualMachines) is used
#   KSMLAB_JVM_DIR  search this folder of JDKs instead of /usr/lib/jvm
#   MVN         the Maven command (default: mvn on PATH)
#
# Exit codes: 0 ok, 2 bad input, 3 no JDK >= 25 found, 4 no Maven found, 77 kernel-check cannot run
# here (no KSM or not root), other: the failing step's.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$ROOT"

# Flags every ksmlab JVM gets (the same list is in pom.xml, ksmlab.jvm.flags):
#  --add-modules=jdk.incubator.vector   the Vector API (page compare)
#  --enable-native-access=ALL-UNNAMED   java.lang.foreign (off-heap frames, the live-kernel driver)
#  --sun-misc-unsafe-memory-access=allow  zero-allocation-hashing reads off-heap memory through
#                                       sun.misc.Unsafe; JDK 24+ warns about that, we allow it openly
JVM_FLAGS=(--add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow)
BENCH_JAR="$ROOT/benchmarks/target/benchmarks.jar"
ANALYSIS_JAR="$ROOT/analysis/target/analysis.jar"
STAMP="$ROOT/target/build.stamp"
DRY_RUN=0

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

java_major() { # prints the feature version of the java at $1, or nothing
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -1
}

find_jdk() {
  local candidates=() c v best="" bestv=0
  [[ -n "${JAVA_HOME:-}" ]] && candidates+=("$JAVA_HOME")
  for c in "${KSMLAB_JVM_DIR:-/usr/lib/jvm}"/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [[ -d "$c" ]] && candidates+=("$c")
  done
  # JAVA_HOME wins when it qualifies; otherwise the newest qualifying JDK.
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/javac" ]]; then
    v=$(java_major "$JAVA_HOME/bin/java")
    if [[ -n "$v" && "$v" -ge 25 ]]; then JDK="$JAVA_HOME"; return; fi
  fi
  for c in "${candidates[@]}"; do
    [[ -x "$c/bin/java" && -x "$c/bin/javac" ]] || continue
    v=$(java_major "$c/bin/java")
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
  # Maven 3.8's own Guava uses sun.misc.Unsafe; allow it instead of printing JDK 25's warning each build.
  export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
  find_mvn
}

# A fingerprint of every build input: poms and sources, tracked or new (not ignored).
source_fingerprint() {
  { git -C "$ROOT" ls-files -co --exclude-standard -- pom.xml '*/pom.xml' '*/src/**' 2>/dev/null \
      || find pom.xml */pom.xml */src -type f; } | LC_ALL=C sort | while read -r f; do
    [[ -f "$f" ]] && printf '%s %s\n' "$f" "$(cksum < "$f")"
  done | cksum | cut -d' ' -f1
}

build() {
  local fp
  fp=$(source_fingerprint)
  if [[ -f "$STAMP" && "$(cat "$STAMP")" == "$fp" && -f "$BENCH_JAR" && -f "$ANALYSIS_JAR" ]]; then
    return
  fi
  say "run.sh: building (sources changed since the last build)"
  # Build output goes to stderr: stdout belongs to the command (simulate --json must stay pure JSON).
  run "$MVN" -q -B --no-transfer-progress package -DskipTests >&2
  # Smoke check: the JMH annotation processor ran and the jar lists benchmarks.
  if [[ $DRY_RUN == 0 ]]; then
    "$JAVA" "${JVM_FLAGS[@]}" -jar "$BENCH_JAR" -l 2>/dev/null | grep -q '^org\.ksmlab\.bench\.' \
      || die 1 "benchmarks.jar lists no benchmarks (was the JMH annotation processor run?)"
    mkdir -p "$(dirname "$STAMP")"
    printf '%s\n' "$fp" > "$STAMP"
  fi
}

ksmlab() { run "$JAVA" "${JVM_FLAGS[@]}" -cp "$BENCH_JAR" org.ksmlab.cli.Ksmlab "$@"; }
# Tablesaw's classgraph uses sun.misc.Unsafe too: allowed openly, as above.
analysis() { run "$JAVA" --sun-misc-unsafe-memory-access=allow -jar "$ANALYSIS_JAR" "$@"; }

write_env() { # $1 = results dir, rest = the command
  local dir=$1; shift
  {
    echo "started: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
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
  } > "$dir/env.txt.tmp" && mv "$dir/env.txt.tmp" "$dir/env.txt"
}

main_job() {
  local suite=quick
  while [[ $# -gt 0 ]]; do
    case $1 in
      --suite) [[ $# -ge 2 ]] || die 2 "--suite needs a NAME (see ./run.sh list)"; suite=$2; shift 2 ;;
      *) die 2 "unknown option '$1' for the main job (expected --suite NAME; see ./run.sh --help)" ;;
    esac
  done
  build
  local sha dir
  sha=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo nogit)
  dir="$ROOT/results/$(date -u +%Y%m%dT%H%M%SZ)-$sha"
  run mkdir -p "$dir/jmh"
  [[ $DRY_RUN == 1 ]] || write_env "$dir" "./run.sh --suite $suite"
  say "run.sh: running suite '$suite' into $dir"
  ksmlab bench --suite "$suite" --out "$dir/jmh"
  # The saving-over-time chart: the suite's merger comparison runs, their samples (writes
  # nothing when the suite compares no mergers).
  ksmlab series --suite "$suite" --out "$dir/series"
  say "run.sh: report: $dir/report.md (also report.html, tables/, charts/); headline:"
  analysis report "$dir"
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
  build
  ensure_chromium
  run "$MVN" -B test
  # End to end: a tiny suite through JMH, then the analysis, into a temporary results folder.
  local tmp
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' RETURN
  say "run.sh: end-to-end smoke: suite 'smoke' -> report"
  ksmlab bench --suite smoke --out "$tmp/jmh"
  [[ $DRY_RUN == 1 ]] || write_env "$tmp" "./run.sh test (smoke)"
  analysis report --quiet "$tmp"
  if [[ $DRY_RUN == 0 ]]; then
    for f in report.md report.html; do
      [[ -s "$tmp/$f" ]] || die 1 "end-to-end smoke: $f was not written"
    done
    say "run.sh: end-to-end smoke passed (report.md, report.html written)"
  fi
}

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }

while [[ $# -gt 0 ]]; do
  case $1 in
    --dry-run) DRY_RUN=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) break ;;
  esac
done

cmd=${1:-}
[[ $# -gt 0 ]] && shift
case $cmd in
  ""|--suite) setup; [[ $cmd == --suite ]] && set -- --suite "$@"; main_job "$@" ;;
  test) setup; run_tests ;;
  build) setup; build ;;
  simulate|list|bench|series|kernel-check) setup; build; ksmlab "$cmd" "$@" ;;
  report) setup; build; [[ $# -gt 0 ]] || die 2 "report needs at least one results folder"; analysis report "$@" ;;
  *) die 2 "unknown command '$cmd' (expected: test, simulate, kernel-check, bench, series, report, list, build; see ./run.sh --help)" ;;
esac
