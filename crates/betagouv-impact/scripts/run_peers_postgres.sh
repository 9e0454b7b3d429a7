#!/usr/bin/env bash
# Times the PostgreSQL pushdown of `betagouv impact cohort|survival --postgres`
# (the server counts, only the counts travel) against streaming the rows out of
# the same table with `COPY ... TO STDOUT` into our CSV path, in the same run,
# on the benchmark CSVs of gen_data.py loaded with COPY. Prints both times (best
# of RUNS), their ratio, and the bytes that travel (the counts as CSV text
# against the rows as CSV text).
#
#   cargo build --release -p betagouv
#   bash crates/betagouv-impact/scripts/run_peers_postgres.sh [ROWS_COHORT] [ROWS_SURVIVAL] [RUNS]
#
# The server: BETAGOUV_BENCH_POSTGRES (a libpq key=value string), else a throwaway
# cluster started here as the `postgres` user on a Unix socket in a temporary
# folder (needs root and Debian's PostgreSQL server, /usr/lib/postgresql/*/bin).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="${BETAGOUV:-${CARGO_TARGET_DIR:-$here/../../../target}/release/betagouv}"
rows="${1:-10000000}"; surv_rows="${2:-$rows}"; runs="${3:-3}"
tmp="$(mktemp -d)"; chmod 755 "$tmp"
PG_BIN=""
cleanup() {
  if [ -n "$PG_BIN" ]; then
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$tmp/pg/data" -m immediate stop >/dev/null 2>&1 || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

conn="${BETAGOUV_BENCH_POSTGRES:-}"
if [ -z "$conn" ]; then
  PG_BIN="$(dirname "$(ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)")"
  mkdir "$tmp/pg"; chown postgres "$tmp/pg"
  runuser -u postgres -- "$PG_BIN/initdb" -D "$tmp/pg/data" --auth=trust -U postgres >/dev/null
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$tmp/pg/data" -l "$tmp/pg/log" -w \
    -o "-k $tmp/pg -c listen_addresses='' -c shared_buffers=256MB" start >/dev/null
  conn="host=$tmp/pg user=postgres dbname=postgres"
fi
psql_() { psql "$conn" -X -q -v ON_ERROR_STOP=1 "$@"; }

python3 "$here/gen_data.py" cohort "$tmp/cohort.csv" "$rows"
python3 "$here/gen_data.py" survival "$tmp/surv.csv" "$surv_rows"
psql_ <<SQL
SET client_min_messages = warning;
DROP TABLE IF EXISTS bench_cohort, bench_surv;
CREATE TABLE bench_cohort (id bigint, cohort text, returned smallint, age integer);
CREATE TABLE bench_surv (id bigint, cohort text, days float8, returned smallint);
SQL
psql_ -c "\\copy bench_cohort FROM '$tmp/cohort.csv' WITH (FORMAT csv, HEADER true)"
psql_ -c "\\copy bench_surv FROM '$tmp/surv.csv' WITH (FORMAT csv, HEADER true)"
psql_ -c "VACUUM ANALYZE bench_cohort" -c "VACUUM ANALYZE bench_surv"

best() { # best wall time of a command over $runs runs
  local b=""; for _ in $(seq "$runs"); do
    local s e; s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N)
    b=$(python3 -c "t=$e-$s; b='$b'; print(round(t if not b else min(t, float(b)), 3))")
  done; echo "$b"; }

cohort_args=(--group-column cohort --outcome-column returned --treated encouraged --control control --json)
surv_args=(--group-column cohort --duration-column days --event-column returned --at 150 --json)
push_cohort() { "$bin" impact cohort --postgres "$conn" --table bench_cohort "${cohort_args[@]}"; }
copy_cohort() { psql_ -c "COPY bench_cohort TO STDOUT WITH (FORMAT csv, HEADER true)" | "$bin" impact cohort - "${cohort_args[@]}"; }
push_surv() { "$bin" impact survival --postgres "$conn" --table bench_surv "${surv_args[@]}"; }
copy_surv() { psql_ -c "COPY bench_surv TO STDOUT WITH (FORMAT csv, HEADER true)" | "$bin" impact survival - "${surv_args[@]}"; }
# The same answers both ways, or the timings mean nothing.
[ "$(push_cohort)" = "$(copy_cohort)" ] || { echo "cohort: pushdown and COPY differ" >&2; exit 1; }
[ "$(push_surv)" = "$(copy_surv)" ] || { echo "survival: pushdown and COPY differ" >&2; exit 1; }

# Bytes that travel: the result of the counting query, against the rows.
bytes() { # TABLE KIND
  local sql
  if [ "$2" = cohort ]; then
    sql=$("$bin" impact cohort --postgres "$conn" --table "$1" "${cohort_args[@]}" --print-sql)
  else
    sql=$("$bin" impact survival --postgres "$conn" --table "$1" "${surv_args[@]}" --print-sql)
  fi
  local counts rowsb
  counts=$(psql_ -c "COPY ($sql) TO STDOUT WITH (FORMAT csv, HEADER true)" | wc -c)
  rowsb=$(psql_ -c "COPY $1 TO STDOUT WITH (FORMAT csv, HEADER true)" | wc -c)
  echo "$counts bytes of counts against $rowsb bytes of rows (CSV text)"
}

version=$(psql_ -Atc "SHOW server_version")
echo "PostgreSQL $version, $runs runs each, best time"
p=$(best push_cohort); c=$(best copy_cohort)
echo "cohort $rows rows: pushdown ${p}s, COPY | impact cohort - ${c}s, ratio $(python3 -c "print(round($c/$p, 2))"); $(bytes bench_cohort cohort)"
p=$(best push_surv); c=$(best copy_surv)
echo "survival $surv_rows rows: pushdown ${p}s, COPY | impact survival - ${c}s, ratio $(python3 -c "print(round($c/$p, 2))"); $(bytes bench_surv survival)"
