#!/usr/bin/env bash
# Runs a ksmlab benchmark suite on a Slurm cluster: builds once, submits an array job of N
# shards (batch/slurm/suite-shard.sbatch) and a report job that waits for all of them
# (batch/slurm/suite-report.sbatch), and prints both job ids.
#
#   batch/slurm/submit.sh --suite NAME --shards N --out DIR [--wait] [-- SBATCH_OPTIONS...]
#
#   --suite NAME   a suite (./run.sh list)
#   --shards N     array tasks 1..N, task i running shard i/N
#   --out DIR      the run's folder (shard-1 .. shard-N, report/); on storage every node sees
#   --wait         return only when the report is written (exit status: the report job's)
#   after --        options for both sbatch calls (--partition=..., --account=..., --exclusive, ...)
#
# Result: DIR/report/report.md (and report.html, tables/, charts/), the same report a single
# machine's run of the suite gives, its model tables identical (the model is deterministic);
# wall-time figures come from whichever node ran each point.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
die() { echo "submit.sh: $*" >&2; exit 2; }
suite= shards= out= wait=0 extra=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --suite) suite=${2:?--suite needs a NAME}; shift 2 ;;
    --shards) shards=${2:?--shards needs N}; shift 2 ;;
    --out) out=${2:?--out needs a DIR}; shift 2 ;;
    --wait) wait=1; shift ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option '$1' (expected --suite NAME --shards N --out DIR [--wait] [-- SBATCH_OPTIONS])" ;;
  esac
done
[[ -n $suite && -n $out ]] || die "--suite NAME and --out DIR are required"
[[ $shards =~ ^[1-9][0-9]*$ ]] || die "--shards '$shards': expected a positive integer"
command -v sbatch >/dev/null || die "sbatch not found: this needs a Slurm cluster (batch/slurm/install-single-node.sh sets up a single-node one)"
mkdir -p "$out"
out=$(cd "$out" && pwd)
# Build once here, and check the suite's name, before anything is queued.
"$ROOT/run.sh" bench --suite "$suite" --list-points >/dev/null
exports="ALL,KSMLAB_ROOT=$ROOT,KSMLAB_SUITE=$suite,KSMLAB_OUT=$out"
array=$(sbatch --parsable --array="1-$shards" --export="$exports" --chdir="$out" --output="$out/slurm-%A_%a.out" \
  "${extra[@]}" "$HERE/suite-shard.sbatch")
array=${array%%;*}
report_args=(--parsable --dependency="afterany:$array" --export="$exports" --chdir="$out" --output="$out/slurm-%j-report.out")
[[ $wait == 1 ]] && report_args+=(--wait)
echo "submit.sh: shards: array job $array (tasks 1-$shards of suite '$suite' into $out/shard-*)"
if [[ $wait == 1 ]]; then
  echo "submit.sh: report job queued after the array; waiting for it"
  sbatch "${report_args[@]}" "${extra[@]}" "$HERE/suite-report.sbatch" >/dev/null
  echo "submit.sh: report: $out/report/report.md"
else
  report=$(sbatch "${report_args[@]}" "${extra[@]}" "$HERE/suite-report.sbatch")
  echo "submit.sh: report: job ${report%%;*}, writes $out/report/report.md when every shard has ended"
fi
