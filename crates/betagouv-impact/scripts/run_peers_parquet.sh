#!/usr/bin/env bash
# Times `betagouv impact cohort|survival FILE.parquet` against polars
# (scan_parquet + group_by) and DuckDB (read_parquet + GROUP BY) on the same
# Parquet files, in the same run: the 10-million-row cohort and survival CSVs
# of gen_data.py written to Parquet by pyarrow with its default settings
# (snappy, dictionary-encoded strings, row groups of 1 Mi rows). Prints the
# best of N wall times of each, the versions, and the peers' time / ours.
#
#   cargo build --release -p betagouv
#   bash crates/betagouv-impact/scripts/run_peers_parquet.sh [ROWS] [RUNS]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="${BETAGOUV:-${CARGO_TARGET_DIR:-$here/../../../target}/release/betagouv}"
rows="${1:-10000000}"; runs="${2:-5}"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
python3 "$here/gen_data.py" cohort "$tmp/cohort.csv" "$rows"
python3 "$here/gen_data.py" survival "$tmp/surv.csv" "$rows"
python3 - "$tmp" <<'PY'
import sys, pyarrow.csv as c, pyarrow.parquet as pq
for name in ("cohort", "surv"):
    pq.write_table(c.read_csv(f"{sys.argv[1]}/{name}.csv"), f"{sys.argv[1]}/{name}.parquet")
PY

best() { # best wall time of a command over $runs runs
  local b=""; for _ in $(seq "$runs"); do
    local s e; s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N)
    b=$(python3 -c "t=$e-$s; b='$b'; print(round(t if not b else min(t, float(b)), 4))")
  done; echo "$b"; }
# A peer timed inside Python (interpreter start-up and imports excluded), best of $runs.
peer() { python3 - "$runs" "$@" <<'PY'
import sys, time
runs, engine, kind, path = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
if engine == "polars":
    import polars as pl
    def run():
        if kind == "cohort":
            q = pl.scan_parquet(path).group_by("cohort")
            return q.agg(pl.len(), pl.col("returned").sum()).collect()
        q = pl.scan_parquet(path).group_by("cohort", "days")
        return q.agg(pl.col("returned").sum().alias("events"), pl.len().alias("n")).collect()
else:
    import duckdb
    con = duckdb.connect()
    def run():
        if kind == "cohort":
            sql = f"SELECT cohort, count(*), sum(returned) FROM read_parquet('{path}') GROUP BY 1"
        else:
            sql = (f"SELECT cohort, days, sum(returned), count(*) - sum(returned) "
                   f"FROM read_parquet('{path}') GROUP BY 1, 2")
        return con.execute(sql).fetchall()
best = None
for _ in range(runs):
    t0 = time.perf_counter(); run(); t = time.perf_counter() - t0
    best = t if best is None else min(best, t)
print(f"{best:.4f}")
PY
}
versions=$(python3 -c "import polars, duckdb, pyarrow; print(f'polars {polars.__version__}, duckdb {duckdb.__version__}, pyarrow {pyarrow.__version__}')")
echo "$("$bin" --version), $versions; $(nproc) cores; best of $runs"
ratio() { python3 -c "print(round($1/$2, 2))"; }

size=$(du -h "$tmp/cohort.parquet" | cut -f1)
ours=$(best "$bin" impact cohort "$tmp/cohort.parquet" --group-column cohort --outcome-column returned --treated encouraged --control control --json)
pl=$(peer polars cohort "$tmp/cohort.parquet")
dk=$(peer duckdb cohort "$tmp/cohort.parquet")
echo "cohort $rows rows (Parquet $size): betagouv ${ours}s, polars ${pl}s (x$(ratio "$pl" "$ours")), duckdb ${dk}s (x$(ratio "$dk" "$ours"))"
rss=$(/usr/bin/time -v "$bin" impact cohort "$tmp/cohort.parquet" --group-column cohort --outcome-column returned --treated encouraged --control control --json 2>&1 >/dev/null | awk -F: '/Maximum resident/ {gsub(/ /, "", $2); print $2}')
echo "peak memory (max RSS) of betagouv impact cohort on it: ${rss} KiB"

size=$(du -h "$tmp/surv.parquet" | cut -f1)
ours=$(best "$bin" impact survival "$tmp/surv.parquet" --group-column cohort --duration-column days --event-column returned --at 150 --json)
pl=$(peer polars survival "$tmp/surv.parquet")
dk=$(peer duckdb survival "$tmp/surv.parquet")
echo "survival $rows rows (Parquet $size; counts per cohort and day): betagouv ${ours}s (end to end, with Kaplan-Meier and log-rank), polars ${pl}s (x$(ratio "$pl" "$ours")), duckdb ${dk}s (x$(ratio "$dk" "$ours"))"
