#!/usr/bin/env bash
# End-to-end comparison with hledger on the same data: a synthetic budget file
# of ORDERS purchase orders (each with 2 deliveries and 2 payments; about 800
# bytes of TOML per order), then
#   ours:    betagouv budget balances budget.toml --every month --format csv
#            (read and check the TOML file, build the ledger, monthly balances, CSV)
#   hledger: hledger -f budget.journal bal -M -O csv
#            (budget.journal = `betagouv budget journal budget.toml`, the same ledger)
# Both outputs are compared (amounts normalised: hledger writes `12.50 EUR` and
# `0`; rows sorted: hledger lists declared accounts before the parents it
# infers, we list them by name), then each side runs RUNS times; prints the median wall times, the peak
# resident memory and CPU time (user + sys) of one run of each, and the ratio
# of the medians.
#
#   crates/betagouv-funding/benches/compare_hledger.sh [ORDERS] [RUNS]
#
# BETAGOUV_BIN=path/to/betagouv uses that binary instead of building the release one.
set -euo pipefail
cd "$(dirname "$0")/../../.."
ORDERS="${1:-20000}"
RUNS="${2:-5}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
if [ -n "${BETAGOUV_BIN:-}" ]; then
  BIN="$BETAGOUV_BIN"
else
  cargo build --release -q -p betagouv
  BIN="${CARGO_TARGET_DIR:-target}/release/betagouv"
fi
"$BIN" budget synthetic --orders "$ORDERS" > "$WORK/budget.toml"
"$BIN" budget journal "$WORK/budget.toml" --out "$WORK/budget.journal"
echo "budget file: $(wc -c < "$WORK/budget.toml") bytes, $ORDERS orders; journal: $(wc -c < "$WORK/budget.journal") bytes"
hledger --version

ours() { "$BIN" budget balances "$WORK/budget.toml" --every month --format csv; }
theirs() { hledger -f "$WORK/budget.journal" bal -M -O csv; }

sorted_rows() { awk 'NR == 1 { print; next } { print | "sort" }'; }
ours | sorted_rows > "$WORK/ours.csv"
theirs | sed -e 's/ EUR"/"/g' -e 's/"0"/"0.00"/g' | sorted_rows > "$WORK/hledger.csv"
if cmp -s "$WORK/ours.csv" "$WORK/hledger.csv"; then
  echo "outputs: identical after normalising hledger's amounts ($(wc -l < "$WORK/ours.csv") lines)"
else
  echo "outputs DIFFER:"; diff "$WORK/ours.csv" "$WORK/hledger.csv" | head -20; exit 1
fi

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
time_ms() {
  local start end
  start=$(date +%s%N)
  "$@" > /dev/null
  end=$(date +%s%N)
  echo $(( (end - start) / 1000000 ))
}
peak_mb() {
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -v "$@" 2>&1 >/dev/null | awk '/User time/ { u = $4 } /System time/ { s = $4 } /Maximum resident/ { m = $6 } END { printf "%.1f MB, CPU time of that run %.2f s", m / 1024, u + s }'
  else
    echo "n/a"
  fi
}
OURS_MS=$(for _ in $(seq "$RUNS"); do time_ms ours; done | median)
THEIRS_MS=$(for _ in $(seq "$RUNS"); do time_ms theirs; done | median)
OURS_PEAK=$(peak_mb "$BIN" budget balances "$WORK/budget.toml" --every month --format csv)
THEIRS_PEAK=$(peak_mb hledger -f "$WORK/budget.journal" bal -M -O csv)
echo "betagouv budget balances: median of $RUNS runs ${OURS_MS} ms, peak ${OURS_PEAK}"
echo "hledger bal -M -O csv:    median of $RUNS runs ${THEIRS_MS} ms, peak ${THEIRS_PEAK}"
awk -v a="$THEIRS_MS" -v b="$OURS_MS" 'BEGIN { if (b > 0) printf "ratio hledger / betagouv: %.1fx\n", a / b; else print "ratio: betagouv below timer resolution" }'
