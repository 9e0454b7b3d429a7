#!/usr/bin/env bash
# The CSV path of `betagouv impact cohort|survival` against its peers, on the
# same files in the same run: pandas (read_csv, default C engine, + groupby),
# polars (scan_csv + group_by), DuckDB (read_csv + GROUP BY) and `wc -l`.
# Prints each time (best of RUNS), the versions, the ratios to polars and
# pandas, and our peak memory: the peak RssAnon (sampled from /proc/PID/status)
# and the max RSS (getrusage) reading the file, and the max RSS reading
# standard input. Then Kaplan-Meier end to end against pandas + lifelines.
#
#   cargo build --release -p betagouv
#   bash crates/betagouv-impact/scripts/run_peers.sh [ROWS_COHORT] [ROWS_SURVIVAL] [RUNS]
#
# ROWS_SURVIVAL rows and ROWS_COHORT rows of survival data are both timed.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="${BETAGOUV:-${CARGO_TARGET_DIR:-$here/../../../target}/release/betagouv}"
rows="${1:-10000000}"; km_rows="${2:-1000000}"; runs="${3:-3}"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
python3 "$here/gen_data.py" cohort "$tmp/cohort.csv" "$rows"
python3 "$here/gen_data.py" cohort "$tmp/cohort-small.csv" $((rows / 10))
python3 "$here/gen_data.py" survival "$tmp/surv.csv" "$km_rows"
python3 "$here/gen_data.py" survival "$tmp/surv-big.csv" "$rows"

best() { # best wall time of a command over $runs runs
  local b=""; for _ in $(seq "$runs"); do
    local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N)
    b=$(python3 -c "t=$e-$s; b='$b'; print(round(t if not b else min(t, float(b)), 4))")
  done; echo "$b"; }
bestpy() { # best of the times a peer script prints
  local b=""; for _ in $(seq "$runs"); do
    local t; t=$("$@" 2>/dev/null); b=$(python3 -c "t=$t; b='$b'; print(t if not b else min(t, float(b)))")
  done; echo "$b"; }
ratio() { python3 -c "print(round($1/$2, 2))"; }

echo "versions: betagouv $("$bin" --version | awk '{print $2}'), $(python3 "$here/peer_csv.py" versions), $(wc --version | head -1)"
echo "machine: $(nproc) cores"

cohort=(--group-column cohort --outcome-column returned --treated encouraged --control control --json)
f="$tmp/cohort.csv"
ours=$(best "$bin" impact cohort "$f" "${cohort[@]}")
polars=$(bestpy python3 "$here/peer_csv.py" cohort polars "$f")
duckdb=$(bestpy python3 "$here/peer_csv.py" cohort duckdb "$f")
pandas=$(bestpy python3 "$here/peer_csv.py" cohort pandas "$f")
wcl=$(best wc -l "$f")
size=$(stat -c %s "$f")
echo "cohort $rows rows ($((size / 1000000)) MB): betagouv ${ours}s ($(python3 -c "print(round($size/1e9/$ours, 2))") GB/s), polars ${polars}s, DuckDB ${duckdb}s, pandas ${pandas}s, wc -l ${wcl}s"
echo "  polars/betagouv $(ratio "$polars" "$ours")x, DuckDB/betagouv $(ratio "$duckdb" "$ours")x, pandas/betagouv $(ratio "$pandas" "$ours")x"
one=$(best "$bin" impact cohort "$f" "${cohort[@]}" --threads 1)
echo "  betagouv --threads 1: ${one}s; from standard input: $(best sh -c "\"\$0\" impact cohort - ${cohort[*]} < \"\$1\"" "$bin" "$f")s"
for g in cohort-small cohort; do
  read -r anon rss < <(python3 "$here/peak_mem.py" -- "$bin" impact cohort "$tmp/$g.csv" "${cohort[@]}")
  read -r _ rss_in < <(python3 "$here/peak_mem.py" --stdin "$tmp/$g.csv" -- "$bin" impact cohort - "${cohort[@]}")
  echo "peak memory on $g.csv ($(wc -l < "$tmp/$g.csv") lines): file: RssAnon ${anon} KiB, max RSS ${rss} KiB; standard input: max RSS ${rss_in} KiB"
done

survival=(--group-column cohort --duration-column days --event-column returned --at 150 --json)
for g in surv surv-big; do
  f="$tmp/$g.csv"; n=$(( $(wc -l < "$f") - 1 ))
  ours=$(best "$bin" impact survival "$f" "${survival[@]}")
  polars=$(bestpy python3 "$here/peer_csv.py" survival polars "$f")
  duckdb=$(bestpy python3 "$here/peer_csv.py" survival duckdb "$f")
  pandas=$(bestpy python3 "$here/peer_csv.py" survival pandas "$f")
  echo "survival $n rows ($(( $(stat -c %s "$f") / 1000000 )) MB), counts per (cohort, days, returned): betagouv ${ours}s (with Kaplan-Meier), polars ${polars}s, DuckDB ${duckdb}s, pandas ${pandas}s"
  echo "  polars/betagouv $(ratio "$polars" "$ours")x, DuckDB/betagouv $(ratio "$duckdb" "$ours")x, pandas/betagouv $(ratio "$pandas" "$ours")x"
  read -r anon rss < <(python3 "$here/peak_mem.py" -- "$bin" impact survival "$f" "${survival[@]}")
  echo "  peak memory: RssAnon ${anon} KiB, max RSS ${rss} KiB"
done

ours=$(best "$bin" impact survival "$tmp/surv.csv" "${survival[@]}")
peer=$( { /usr/bin/env python3 - "$tmp/surv.csv" <<'PY'
import sys, time
import pandas as pd
from lifelines import KaplanMeierFitter
from lifelines.statistics import logrank_test
t0 = time.perf_counter()
df = pd.read_csv(sys.argv[1])
g = {k: v for k, v in df.groupby("cohort")}
for k, v in g.items():
    kmf = KaplanMeierFitter().fit(v["days"], event_observed=v["returned"])
    kmf.survival_function_at_times([150]); kmf.confidence_interval_survival_function_; kmf.median_survival_time_
a, b = g["encouraged"], g["control"]
logrank_test(a["days"], b["days"], event_observed_A=a["returned"], event_observed_B=b["returned"])
print(f"{time.perf_counter() - t0:.4f}")
PY
} )
echo "survival $km_rows rows end to end (CSV + KM + log-rank): betagouv ${ours}s, pandas+lifelines ${peer}s, ratio $(ratio "$peer" "$ours")"
fit=$(python3 "$here/peer_lifelines_km.py" "$tmp/surv.csv" "$runs")
echo "lifelines KaplanMeierFitter fit only (in memory, 2 cohorts, $km_rows rows): ${fit}s (compare with criterion impact/kaplan_meier_1m_rows)"
