#!/usr/bin/env python3
"""Python peer of the SQLite export: pandas `to_sql` of the same tables.

Usage: sqlite_peer.py CSV_DIR [RUNS]

Reads the CSV files of a `betagouv export --format csv` folder into pandas
DataFrames (not timed), then times writing all of them into a new SQLite file
with `DataFrame.to_sql` (one connection, committed at the end), RUNS times.
Prints one JSON line: {"runs": [...], "median_s": ..., "rows": ...}.
"""
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import time

import pandas as pd


def main() -> None:
    csv_dir = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    package = json.load(open(os.path.join(csv_dir, "datapackage.json"), encoding="utf-8"))
    frames = {
        r["name"]: pd.read_csv(os.path.join(csv_dir, r["path"]), encoding="utf-8", keep_default_na=False, na_values=[""])
        for r in package["resources"]
    }
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(runs):
            path = os.path.join(tmp, f"peer-{i}.db")
            start = time.perf_counter()
            con = sqlite3.connect(path)
            for name, df in frames.items():
                df.to_sql(name, con, index=False)
            con.commit()
            con.close()
            times.append(time.perf_counter() - start)
    print(json.dumps({
        "runs": times,
        "median_s": statistics.median(times),
        "rows": sum(len(f) for f in frames.values()),
        "pandas": pd.__version__,
    }))


if __name__ == "__main__":
    main()
