#!/usr/bin/env bash
# Balances by account and month over the same synthetic ledger (1,000,000
# postings by default): betagouv-funding in process versus `hledger bal -M`
# on the exported journal. Prints both times and the ratio.
#
#   crates/betagouv-funding/benches/hledger-compare.sh [POSTINGS]
set -euo pipefail
cd "$(dirname "$0")/../../.."
POSTINGS="${1:-1000000}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cargo build --release -q -j 2 -p betagouv
BIN="${CARGO_TARGET_DIR:-target}/release/betagouv"
OURS="$("$BIN" budget bench --postings "$POSTINGS" --runs 5 --journal "$WORK/bench.journal")"
echo "$OURS"
OURS_S="$(sed -E 's/.*median ([0-9.]+) s.*/\1/' <<<"$OURS")"
hledger --version
best=""
for _ in 1 2 3; do
  start=$(date +%s%N)
  hledger -f "$WORK/bench.journal" bal -M -O csv >/dev/null
  end=$(date +%s%N)
  t=$(( (end - start) / 1000000 ))
  if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi
done
HLEDGER_S="$(awk -v ms="$best" 'BEGIN { printf "%.3f", ms / 1000 }')"
echo "hledger bal -M -O csv: best of 3 runs ${HLEDGER_S} s"
awk -v a="$HLEDGER_S" -v b="$OURS_S" 'BEGIN { if (b > 0) printf "ratio hledger / betagouv: %.0fx\n", a / b; else print "ratio: betagouv time below timer resolution" }'
