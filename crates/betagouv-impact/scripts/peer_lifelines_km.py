#!/usr/bin/env python3
"""Peer of the Kaplan-Meier fit: lifelines KaplanMeierFitter on in-memory arrays
(CSV reading excluded), one fit per cohort, then survival at 150 days."""
import sys
import time

import pandas as pd
from lifelines import KaplanMeierFitter

df = pd.read_csv(sys.argv[1])
groups = {k: (g["days"].to_numpy(), g["returned"].to_numpy()) for k, g in df.groupby("cohort")}
best = float("inf")
for _ in range(int(sys.argv[2]) if len(sys.argv) > 2 else 3):
    t0 = time.perf_counter()
    for name, (d, e) in groups.items():
        kmf = KaplanMeierFitter().fit(d, event_observed=e)
        kmf.survival_function_at_times([150])
        kmf.confidence_interval_survival_function_
        kmf.median_survival_time_
    best = min(best, time.perf_counter() - t0)
print(f"{best:.4f}")
