#!/usr/bin/env python3
"""Peers of the CSV path of `betagouv impact cohort|survival`: the same counts
by pandas (read_csv, default C engine, + groupby), polars (scan_csv +
group_by, streaming) and DuckDB (read_csv + GROUP BY). Prints the wall time
in seconds (imports excluded) on stdout, the counts on stderr.

    python3 peer_csv.py cohort|survival pandas|polars|duckdb FILE
    python3 peer_csv.py versions
"""
import sys
import time


def versions():
    import duckdb
    import pandas
    import polars
    print(f"pandas {pandas.__version__}, polars {polars.__version__}, duckdb {duckdb.__version__}")


def main():
    if sys.argv[1] == "versions":
        return versions()
    kind, engine, path = sys.argv[1], sys.argv[2], sys.argv[3]
    keys = ["cohort"] if kind == "cohort" else ["cohort", "days", "returned"]
    if engine == "pandas":
        import pandas as pd
        t0 = time.perf_counter()
        df = pd.read_csv(path)
        if kind == "cohort":
            out = df.groupby("cohort")["returned"].agg(["sum", "count"])
        else:
            out = df.groupby(keys).size()
    elif engine == "polars":
        import polars as pl
        t0 = time.perf_counter()
        q = pl.scan_csv(path).group_by(keys)
        if kind == "cohort":
            out = q.agg(pl.len(), pl.col("returned").sum()).collect()
        else:
            out = q.agg(pl.len()).collect()
    elif engine == "duckdb":
        import duckdb
        con = duckdb.connect()
        t0 = time.perf_counter()
        cols = ", ".join(keys)
        agg = "count(*), sum(returned)" if kind == "cohort" else "count(*)"
        out = con.execute(
            f"SELECT {cols}, {agg} FROM read_csv(?) GROUP BY ALL", [path]
        ).fetchall()
    else:
        raise SystemExit(f"unknown engine {engine}")
    elapsed = time.perf_counter() - t0
    print(len(out), file=sys.stderr)
    print(f"{elapsed:.4f}")


if __name__ == "__main__":
    main()
