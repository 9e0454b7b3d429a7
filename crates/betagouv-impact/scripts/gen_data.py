#!/usr/bin/env python3
"""Write the benchmark CSVs (never committed).

    python3 gen_data.py cohort OUT.csv ROWS    # id,cohort,returned,age
    python3 gen_data.py survival OUT.csv ROWS  # id,cohort,days,returned
"""
import sys

import numpy as np
import pandas as pd


def main():
    kind, out, rows = sys.argv[1], sys.argv[2], int(sys.argv[3])
    rng = np.random.default_rng(2016)
    treated = rng.random(rows) < 0.5
    cohort = np.where(treated, "encouraged", "control")
    if kind == "cohort":
        y = (rng.random(rows) < np.where(treated, 0.221, 0.200)).astype(np.int8)
        age = rng.integers(18, 65, rows)
        df = pd.DataFrame({"id": np.arange(rows), "cohort": cohort, "returned": y, "age": age})
    else:
        t = np.ceil(rng.exponential(np.where(treated, 150.0, 170.0)))
        c = np.minimum(np.ceil(rng.exponential(400.0, rows)), 180)
        df = pd.DataFrame({"id": np.arange(rows), "cohort": cohort, "days": np.minimum(t, c),
                           "returned": (t <= c).astype(np.int8)})
    df.to_csv(out, index=False)


if __name__ == "__main__":
    main()
