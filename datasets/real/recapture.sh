#!/usr/bin/env bash
# Re-captures the shipped memory datasets on this machine: each is a capture-check run (idle
# processes started under KSM merge-any, settled, stopped, captured, then the live kernel's KSM
# and the model compared on them); the capture becomes datasets/real/NAME/ and the comparison
# NAME/capture-check.{json,txt}. Needs root, KSM and a C compiler; holds the KSM lock while it
# runs. Usage: datasets/real/recapture.sh [NAME...]   (default: all four)
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
JAVA=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
PYTHON=${PYTHON:-/root/.pyenv/versions/3.11.7/bin/python3}
NODE=${NODE:-/usr/bin/node}
P=$HERE/programs
KNOBS=(--set pages_to_scan=5000 --set use_zero_pages=1)
jvm="$JAVA $P/Idle.java"; py="$PYTHON $P/idle.py"; js="$NODE $P/idle.js"

capture() {
  local name=$1; shift
  local tmp; tmp=$(mktemp -d)
  "$ROOT/run.sh" capture-check --name "$name" "${KNOBS[@]}" --out "$tmp/out" "$@"
  rm -rf "${HERE:?}/$name"
  mv "$tmp/out/dataset" "$HERE/$name"
  mv "$tmp/out/capture-check.json" "$tmp/out/capture-check.txt" "$HERE/$name/"
  rm -rf "$tmp"
}

names=("$@"); [[ ${#names[@]} -gt 0 ]] || names=(jvm-idle python-idle node-idle mixed-idle)
for n in "${names[@]}"; do
  case $n in
    jvm-idle)    capture jvm-idle --settle-ms 8000 --run "$jvm" --run "$jvm" --run "$jvm" ;;
    python-idle) capture python-idle --settle-ms 3000 --run "$py" --run "$py" --run "$py" ;;
    node-idle)   capture node-idle --settle-ms 5000 --run "$js" --run "$js" --run "$js" ;;
    mixed-idle)  capture mixed-idle --settle-ms 8000 --run "$jvm" --run "$py" --run "$js" --run "$jvm" --run "$py" --run "$js" ;;
    *) echo "recapture.sh: unknown dataset '$n' (jvm-idle, python-idle, node-idle, mixed-idle)" >&2; exit 2 ;;
  esac
done
