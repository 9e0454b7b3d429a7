#!/usr/bin/env python3
"""Peer of `betagouv impact cohort`: pandas read_csv + groupby."""
import sys
import time

import pandas as pd

t0 = time.perf_counter()
df = pd.read_csv(sys.argv[1])
g = df.groupby("cohort")["returned"].agg(["sum", "count"])
elapsed = time.perf_counter() - t0
print(g.to_dict(), file=sys.stderr)
print(f"{elapsed:.4f}")
