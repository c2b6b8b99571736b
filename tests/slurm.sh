#!/usr/bin/env bash
# The Slurm path end to end (run by `./run.sh test` after the shell tests): batch/slurm/submit.sh
# runs the 'smoke' suite as an array job of 2 shards and a report job on this machine's Slurm,
# then the same suite runs unsharded here; the merged report must equal the unsharded one in
# everything the model decides (the headline and every table of Part 1, the modelled kernel,
# byte for byte: the model is deterministic), and name both shards complete. Wall-time figures
# (Part 2) differ between any two runs and are not compared.
#
# It needs a working Slurm (sbatch on PATH and a node that answers); elsewhere it prints why it
# is skipped and exits 0. A single-node Slurm from Debian's packages: batch/slurm/install-single-node.sh.
#
#   bash tests/slurm.sh
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
skip() { printf 'skip - Slurm end-to-end test: %s\n' "$1"; exit 0; }
command -v sbatch >/dev/null 2>&1 || skip "no Slurm here (sbatch is not on PATH); set one up with batch/slurm/install-single-node.sh (root, Debian/Ubuntu)"
command -v sinfo >/dev/null 2>&1 || skip "sinfo is not on PATH"
state=$(timeout 20 sinfo -h -o '%T' 2>&1 | head -1)
[[ $state =~ ^(idle|mixed|allocated|completing) ]] || skip "Slurm does not answer with a usable node (sinfo: ${state:-nothing}); start it with batch/slurm/install-single-node.sh"

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
FAILS=0
ok() { printf 'ok - %s\n' "$1"; }
fail() { printf 'FAIL - %s\n' "$1"; [[ -n "${2:-}" ]] && printf '%s\n' "$2" | sed 's/^/    /'; FAILS=$((FAILS + 1)); }

# The part of a report.md the model decides: from the headline to the end of Part 1.
model_part() { sed -n '/^## Headline/,/^## Part 2/p' "$1" | sed '$d'; }
# The tables Part 1 and the headline refer to (tables/NAME.csv).
model_tables() { model_part "$1" | grep -o 'tables/[A-Za-z0-9_.-]*\.csv' | sort -u; }

out=$("$ROOT/batch/slurm/submit.sh" --suite smoke --shards 2 --out "$TMP/sharded" --wait 2>&1); code=$?
if [[ $code == 0 && -s "$TMP/sharded/report/report.md" ]]; then
  ok "submit.sh ran suite smoke as 2 Slurm array tasks and a report job"
else
  fail "submit.sh --suite smoke --shards 2 --wait (exit $code)" "$out$(cat "$TMP"/sharded/slurm-*.out 2>/dev/null | tail -20)"
  exit 1
fi
for i in 1 2; do
  if grep -q '^status: complete$' "$TMP/sharded/shard-$i/env.txt" 2>/dev/null && compgen -G "$TMP/sharded/shard-$i/jmh/*.json" >/dev/null; then
    ok "shard $i/2 wrote its results and says complete"
  else
    fail "shard $i/2 wrote its results and says complete" "$(cat "$TMP/sharded/shard-$i/env.txt" 2>/dev/null)"
  fi
done
n1=$(ls "$TMP/sharded/shard-1/jmh" | wc -l); n2=$(ls "$TMP/sharded/shard-2/jmh" | wc -l)
if grep -q 'Results complete' "$TMP/sharded/report/report.md"; then
  ok "the merged report says every input is complete"
else
  fail "the merged report says every input is complete" "$(head -5 "$TMP/sharded/report/report.md")"
fi

# The same suite on this machine, unsharded.
if "$ROOT/run.sh" bench --suite smoke --out "$TMP/whole/jmh" >/dev/null 2>&1 && "$ROOT/run.sh" report "$TMP/whole" >/dev/null 2>&1; then
  ok "the unsharded suite ran and was reported"
else
  fail "the unsharded suite ran and was reported"
  exit 1
fi
tables=$(model_tables "$TMP/whole/report.md")
if [[ -z $tables ]]; then
  fail "the unsharded report has model tables to compare" "$(head -40 "$TMP/whole/report.md")"
elif [[ "$tables" != "$(model_tables "$TMP/sharded/report/report.md")" ]]; then
  fail "both reports have the same model tables" "$tables"$'\n---\n'"$(model_tables "$TMP/sharded/report/report.md")"
else
  ok "both reports have the same model tables: $(echo $tables | tr '\n' ' ')"
  for t in $tables; do
    if cmp -s "$TMP/whole/$t" "$TMP/sharded/report/$t"; then
      ok "$t: the sharded report's equals the unsharded one's byte for byte"
    else
      fail "$t: the sharded report's equals the unsharded one's" "$(diff "$TMP/whole/$t" "$TMP/sharded/report/$t" | head -10)"
    fi
  done
fi
if diff <(model_part "$TMP/whole/report.md") <(model_part "$TMP/sharded/report/report.md") >/dev/null; then
  ok "the headline and Part 1 (the modelled kernel) of both report.md files are identical"
else
  fail "the headline and Part 1 of both report.md files are identical" "$(diff <(model_part "$TMP/whole/report.md") <(model_part "$TMP/sharded/report/report.md") | head -20)"
fi
echo "slurm.sh: shard 1 had $n1 result files, shard 2 had $n2"
[[ $FAILS == 0 ]] || { echo "slurm.sh: $FAILS check(s) failed"; exit 1; }
