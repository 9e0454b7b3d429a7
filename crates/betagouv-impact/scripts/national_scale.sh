#!/usr/bin/env bash
# A France-Travail-sized evaluation, scaled down and measured (docs/impact.md,
# "At national scale"): PEOPLE job seekers in two cohorts with MONTHS monthly
# 0/1 outcomes (m01, m02, ...) and a return-to-work duration (days, returned).
# Prints the sizes of the rows (CSV, Parquet) against their counts, the time and
# peak memory (max RSS, /usr/bin/time -v) of every counting step (ours on the
# CSV, DuckDB on the CSV and on Parquet, ours on DuckDB's counts), and checks that
# counting PARTS chunks separately then merging their counts gives byte for byte
# the whole file's statistics. Nothing is committed: the data lives in a
# temporary folder.
#
#   cargo build --release -p betagouv
#   bash crates/betagouv-impact/scripts/national_scale.sh [PEOPLE] [MONTHS] [PARTS]
#
# Defaults: 6,000,000 people (the national size), 4 months (of the 24 of a
# two-year follow-up: each month is one more column, counted the same way),
# 4 parts. Needs python3 with numpy, pyarrow and duckdb; set BETAGOUV to the
# binary (default: target/release/betagouv).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="${BETAGOUV:-${CARGO_TARGET_DIR:-$here/../../../target}/release/betagouv}"
people="${1:-6000000}"; months="${2:-4}"; parts="${3:-4}"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
cd "$tmp"

echo "# national_scale.sh: $people people, $months monthly outcomes, $parts parts"
echo "# $(uname -srm), $(nproc) cores; duckdb $(python3 -c 'import duckdb; print(duckdb.__version__)'); betagouv $("$bin" --version | cut -d' ' -f2)"

python3 - "$people" "$months" <<'PY'
import sys
import numpy as np
import pyarrow as pa
import pyarrow.csv as pc
people, months = int(sys.argv[1]), int(sys.argv[2])
rng = np.random.default_rng(2016)
treated = rng.random(people) < 0.5
cols = {"id": np.arange(people), "cohort": np.where(treated, "encouraged", "control")}
# Return to work: exponential durations (days), censored at 730 days (two years).
t = np.ceil(rng.exponential(np.where(treated, 300.0, 330.0)))
c = np.minimum(np.ceil(rng.exponential(1500.0, people)), 730)
for m in range(1, months + 1):
    # Employed in month m: returned by its end (and not censored before).
    cols[f"m{m:02d}"] = ((t <= 30 * m) & (t <= c)).astype(np.int8)
cols["days"] = np.minimum(t, c).astype(np.int32)
cols["returned"] = (t <= c).astype(np.int8)
pc.write_csv(pa.table(cols), "rows.csv", pc.WriteOptions(quoting_style="none"))
PY
python3 -c "import duckdb; duckdb.sql('SET enable_progress_bar = false'); duckdb.sql(\"COPY (SELECT * FROM read_csv('rows.csv')) TO 'rows.parquet' (FORMAT parquet)\")"

# `measure NAME CMD...`: wall time and max RSS of one run.
measure() {
  local name="$1"; shift
  /usr/bin/time -v "$@" >"$tmp/out" 2>"$tmp/time" || { cat "$tmp/time" >&2; exit 1; }
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$tmp/time")
  rss=$(awk -F': ' '/Maximum resident/ {print $2}' "$tmp/time")
  printf "%-58s wall %8s  max RSS %7d KiB\n" "$name" "$wall" "$rss"
}
size() { printf '%-58s %14d bytes\n' "$1" "$(stat -c %s "$2")"; }

echo; echo "## sizes"
size "rows, CSV ($(($(wc -l <rows.csv) - 1)) rows)" rows.csv
size "rows, Parquet (DuckDB, snappy)" rows.parquet

cohort_sql() { # $1 = outcome column, $2 = source
  echo "SELECT cohort AS \"group\", COUNT(*) AS n, COUNT(*) FILTER (WHERE $1 = 1) AS successes FROM $2 WHERE cohort IS NOT NULL AND $1 IN (0, 1) GROUP BY cohort"
}
survival_sql() {
  echo "SELECT cohort AS \"group\", days AS time, COUNT(*) FILTER (WHERE returned = 1) AS events, COUNT(*) FILTER (WHERE returned = 0) AS censored FROM $1 WHERE cohort IS NOT NULL AND days >= 0 AND returned IN (0, 1) GROUP BY cohort, days"
}
# Every month's counts and the survival counts in one DuckDB run over SOURCE:
# writes the Python script duck_$2.py (not csv.py: it would shadow the csv module).
duck_script() { # $1 = source, $2 = file prefix
  {
    echo "import duckdb"
    echo "duckdb.sql('SET enable_progress_bar = false')"
    for m in $(seq -f '%02g' 1 "$months"); do
      echo "duckdb.sql(\"\"\"COPY ($(cohort_sql "m$m" "$1")) TO '$2-m$m.csv' (HEADER)\"\"\")"
    done
    echo "duckdb.sql(\"\"\"COPY ($(survival_sql "$1")) TO '$2-survival.csv' (HEADER)\"\"\")"
  } >"duck_$2.py"
}
duck_script "read_csv('rows.csv')" csv
duck_script "read_parquet('rows.parquet')" pq

echo; echo "## counting (wall time, peak memory)"
cohort_args=(--group-column cohort --treated encouraged --control control --json)
surv_args=(--group-column cohort --duration-column days --event-column returned --horizons 90,180,365,730 --json)
measure "betagouv impact cohort rows.csv (one outcome, m01)" "$bin" impact cohort rows.csv --outcome-column m01 "${cohort_args[@]}"
cp "$tmp/out" whole-m01.json
head -n $(( $(wc -l <rows.csv) / 10 + 1 )) rows.csv >tenth.csv
measure "the same on the first tenth of the rows (memory vs rows)" "$bin" impact cohort tenth.csv --outcome-column m01 "${cohort_args[@]}"
measure "betagouv impact survival rows.csv" "$bin" impact survival rows.csv "${surv_args[@]}"
cp "$tmp/out" whole-survival.json
measure "duckdb: $months outcomes + survival counts from rows.csv" python3 duck_csv.py
measure "duckdb: $months outcomes + survival counts from rows.parquet" python3 duck_pq.py
measure "betagouv impact cohort --counts (DuckDB's m01 counts)" "$bin" impact cohort --counts csv-m01.csv --outcome-column m01 "${cohort_args[@]}"
cmp -s "$tmp/out" whole-m01.json && echo "  identical to the rows' statistics: yes" || { echo "  DIFFERENT from the rows' statistics"; exit 1; }
measure "betagouv impact survival --counts (DuckDB's counts)" "$bin" impact survival --counts csv-survival.csv "${surv_args[@]}"
cmp -s "$tmp/out" whole-survival.json && echo "  identical to the rows' statistics: yes" || { echo "  DIFFERENT from the rows' statistics"; exit 1; }

echo; echo "## what travels: counts, not rows"
size "counts of one outcome (csv-m01.csv, $(($(wc -l <csv-m01.csv) - 1)) rows)" csv-m01.csv
size "survival counts (csv-survival.csv, $(($(wc -l <csv-survival.csv) - 1)) rows)" csv-survival.csv
total=0; for f in csv-m*.csv; do total=$((total + $(stat -c %s "$f"))); done
printf '%-58s %14d bytes\n' "counts of all $months outcomes" "$total"

echo; echo "## $parts partitions counted apart, counts merged (associativity)"
body=$(( ( $(wc -l <rows.csv) - 1 + parts - 1) / parts ))
tail -n +2 rows.csv | split -l "$body" -d - part-
echo "group,n,successes" >merged-m01.csv; echo "group,time,events,censored" >merged-survival.csv
for p in part-*; do
  { head -1 rows.csv; cat "$p"; } >"$p.csv"
  python3 -c "import duckdb
duckdb.sql('SET enable_progress_bar = false')
duckdb.sql(\"\"\"COPY ($(cohort_sql m01 "read_csv('$p.csv')")) TO '$p-m01.csv' (HEADER)\"\"\")
duckdb.sql(\"\"\"COPY ($(survival_sql "read_csv('$p.csv')")) TO '$p-survival.csv' (HEADER)\"\"\")"
  tail -n +2 "$p-m01.csv" >>merged-m01.csv; tail -n +2 "$p-survival.csv" >>merged-survival.csv
done
"$bin" impact cohort --counts merged-m01.csv --outcome-column m01 "${cohort_args[@]}" >merged-m01.json
"$bin" impact survival --counts merged-survival.csv "${surv_args[@]}" >merged-survival.json
cmp -s merged-m01.json whole-m01.json && cmp -s merged-survival.json whole-survival.json \
  && echo "$(find . -name "part-??" | wc -l) partitions, counts concatenated ($(stat -c %s merged-m01.csv) + $(stat -c %s merged-survival.csv) bytes): statistics identical to the whole file's, byte for byte" \
  || { echo "merged statistics DIFFER"; exit 1; }
