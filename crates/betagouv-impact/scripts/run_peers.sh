#!/usr/bin/env bash
# Times `betagouv impact cohort` against pandas read_csv + groupby on a
# 10-million-row CSV, and Kaplan-Meier on 1 million rows against lifelines,
# on the same files in the same run. Prints both times (best of N) and ratios,
# and the peak memory (max RSS) of `betagouv impact cohort`.
#
#   cargo build --release -p betagouv
#   bash crates/betagouv-impact/scripts/run_peers.sh [ROWS_COHORT] [ROWS_KM] [RUNS]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="${BETAGOUV:-${CARGO_TARGET_DIR:-$here/../../../target}/release/betagouv}"
rows="${1:-10000000}"; km_rows="${2:-1000000}"; runs="${3:-3}"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
python3 "$here/gen_data.py" cohort "$tmp/cohort.csv" "$rows"
python3 "$here/gen_data.py" survival "$tmp/surv.csv" "$km_rows"
python3 "$here/gen_data.py" cohort "$tmp/cohort-small.csv" $((rows / 10))

best() { # best wall time of a command over $runs runs
  local b=""; for _ in $(seq "$runs"); do
    local s e; s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N)
    b=$(python3 -c "import sys; t=$e-$s; b='$b'; print(t if not b else min(t, float(b)))")
  done; echo "$b"; }
bestpy() { local b=""; for _ in $(seq "$runs"); do
    local t; t=$("$@"); b=$(python3 -c "t=$t; b='$b'; print(t if not b else min(t, float(b)))")
  done; echo "$b"; }

ours=$(best "$bin" impact cohort "$tmp/cohort.csv" --group-column cohort --outcome-column returned --treated encouraged --control control --json)
peer=$(bestpy python3 "$here/peer_pandas_cohort.py" "$tmp/cohort.csv")
echo "cohort $rows rows ($(du -h "$tmp/cohort.csv" | cut -f1)): betagouv ${ours}s, pandas ${peer}s, ratio $(python3 -c "print(round($peer/$ours, 2))")"
for f in cohort-small cohort; do
  rss=$(/usr/bin/time -v "$bin" impact cohort "$tmp/$f.csv" --group-column cohort --outcome-column returned --treated encouraged --control control --json 2>&1 >/dev/null | awk -F: '/Maximum resident/ {gsub(/ /, "", $2); print $2}')
  echo "peak memory (max RSS) on $f.csv ($(wc -l < "$tmp/$f.csv") lines): ${rss} KiB"
done

ours=$(best "$bin" impact survival "$tmp/surv.csv" --group-column cohort --duration-column days --event-column returned --at 150 --json)
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
echo "survival $km_rows rows end to end (CSV + KM + log-rank): betagouv ${ours}s, pandas+lifelines ${peer}s, ratio $(python3 -c "print(round($peer/$ours, 2))")"
fit=$(python3 "$here/peer_lifelines_km.py" "$tmp/surv.csv" "$runs")
echo "lifelines KaplanMeierFitter fit only (in memory, 2 cohorts, $km_rows rows): ${fit}s (compare with criterion impact/kaplan_meier_1m_rows)"
