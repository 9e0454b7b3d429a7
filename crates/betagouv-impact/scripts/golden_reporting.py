#!/usr/bin/env python3
"""Generate the golden cases of betagouv-impact's reporting statistics (issue 18):
Boschloo's and Fisher's exact tests and the test a report shows, the relative lift's
interval, Holm and Benjamini-Hochberg adjustments, and survival at fixed horizons.

    pip install scipy statsmodels lifelines pandas
    apt-get install r-cran-survival        # Rscript, for the RMST standard error and survdiff
    python3 crates/betagouv-impact/scripts/golden_reporting.py

Writes crates/betagouv-impact/tests/golden/{exact,multiplicity,survival_horizon}.json,
compared by tests/integration/reporting.rs. CI does not rerun it: the JSON is committed.

References: scipy.stats.boschloo_exact and fisher_exact; statsmodels proportions_ztest,
confint_proportions_2indep (Newcombe; Katz's log interval of the risk ratio) and
multipletests ("holm", "fdr_bh"); lifelines KaplanMeierFitter (share returned by t and
its log-log interval, restricted_mean_survival_time with return_variance=True);
statsmodels SurvfuncRight (Greenwood standard errors); R survival (the standard error of
the restricted mean, print(fit, rmean = t), and survdiff's observed and expected events).
"""
import json
import math
import os
import subprocess
import tempfile
import warnings

import numpy as np
import scipy
import scipy.stats as st
from scipy.integrate import quad
import statsmodels
import statsmodels.api as sm
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest
import lifelines
from lifelines import KaplanMeierFitter
from lifelines.utils import restricted_mean_survival_time

from golden import fin, interval  # the helpers of scripts/golden.py, beside this one

warnings.simplefilter("ignore")
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "golden")


# ---------------------------------------------------------------- exact tests
EXACT_CASES = [
    (12, 12, 7, 10, 0.05),   # the pilot: users against non-users
    (3, 4, 1, 4, 0.05),
    (8, 10, 1, 6, 0.05),
    (0, 5, 0, 7, 0.05),      # nobody succeeded
    (5, 5, 6, 6, 0.05),      # everybody succeeded
    (0, 10, 3, 12, 0.05),
    (5, 20, 12, 22, 0.05),
    (1, 40, 6, 45, 0.1),
    (2, 3, 2, 3, 0.05),
    (30, 60, 20, 58, 0.05),  # expected counts >= 5: the pooled z-test
    (4, 150, 0, 140, 0.05),
    (19, 200, 7, 210, 0.01),
    (2, 800, 9, 700, 0.05),  # larger arms, few events
]


def min_expected(xt, nt, xc, nc):
    total, s = nt + nc, xt + xc
    return min(nt, nc) * min(s, total - s) / total


def exact_case(xt, nt, xc, nc, alpha):
    b = st.boschloo_exact([[xt, xc], [nt - xt, nc - xc]], alternative="two-sided")
    fisher = st.fisher_exact([[xt, nt - xt], [xc, nc - xc]]).pvalue
    lift = None
    if xt > 0 and xc > 0:
        lo, hi = confint_proportions_2indep(xt, nt, xc, nc, method="log", compare="ratio", alpha=alpha)
        lift = interval(lo - 1, hi - 1)
    lo, hi = confint_proportions_2indep(xt, nt, xc, nc, method="newcomb", compare="diff", alpha=alpha)
    m = min_expected(xt, nt, xc, nc)
    if m >= 5:
        z, p = proportions_ztest([xt, xc], [nt, nc])
        chosen = {"test": "pooled_z", "reason": "large_expected_counts", "min_expected_count": m,
                  "statistic": fin(z), "p_value": fin(p)}
    else:
        chosen = {"test": "boschloo", "reason": "small_expected_count", "min_expected_count": m,
                  "statistic": float(b.statistic), "p_value": float(b.pvalue)}
    excludes = lo > 0 or hi < 0
    chosen["interval"] = [float(lo), float(hi)]
    chosen["agrees_with_interval"] = None if chosen["p_value"] is None else bool(
        (chosen["p_value"] < alpha) == excludes)
    return {
        "boschloo": {"statistic": float(b.statistic), "p_value": float(b.pvalue)},
        "fisher_exact": {"p_value": float(fisher)},
        "relative_lift_ci": lift,
        "chosen": chosen,
    }


# ---------------------------------------------------------------- multiplicity
def multiplicity_cases():
    rng = np.random.default_rng(18)
    families = [
        [0.01, 0.02, 0.03, 0.04, 0.05],
        [0.04, 0.01, 0.03],
        [0.5],
        [0.0, 1.0, 0.2, 0.2, 0.001],
        [0.03, 0.03, 0.03, 0.2],
    ]
    for size in [2, 7, 20]:
        families.append([float(x) for x in rng.uniform(0, 0.2, size)])
    families.append([float(x) for x in rng.beta(0.3, 4, 12)])
    cases = []
    for p in families:
        cases.append({"p": p, "expected": {
            "holm": [float(x) for x in multipletests(p, method="holm")[1]],
            "benjamini_hochberg": [float(x) for x in multipletests(p, method="fdr_bh")[1]],
        }})
    return cases


# ---------------------------------------------------------------- survival at horizons
R_SCRIPT = r"""
args <- commandArgs(trailingOnly = TRUE)
suppressMessages(library(survival))
d <- read.csv(args[1], stringsAsFactors = FALSE)
taus <- as.numeric(strsplit(args[2], ",")[[1]])
for (g in sort(unique(d$g))) {
  s <- d[d$g == g, ]
  fit <- survfit(Surv(t, e) ~ 1, data = s)
  for (tau in taus) {
    # R refuses a truncation before the first time: the curve is 1 there, so the
    # restricted mean is the horizon itself, known without error.
    if (tau < min(s$t)) {
      cat("rmst", g, sprintf("%.17g", tau), sprintf("%.17g", tau), "0", "\n")
      next
    }
    tab <- summary(fit, rmean = tau)$table
    cat("rmst", g, sprintf("%.17g", tau), sprintf("%.17g", tab[["rmean"]]),
        sprintf("%.17g", tab[["se(rmean)"]]), "\n")
  }
}
if (length(unique(d$g)) >= 2) {
  sd <- survdiff(Surv(t, e) ~ g, data = d)
  levels <- sub("^g=", "", names(sd$n))
  for (i in seq_along(levels)) {
    cat("oe", levels[i], sprintf("%.17g", sd$obs[i]), sprintf("%.17g", sd$exp[i]), "\n")
  }
}
"""


def r_survival(groups, at):
    """R survival's RMST standard errors and survdiff's observed and expected events."""
    with tempfile.TemporaryDirectory() as tmp:
        data, script = os.path.join(tmp, "d.csv"), os.path.join(tmp, "s.R")
        with open(data, "w") as f:
            f.write("g,t,e\n")
            for name, (dur, ev) in groups.items():
                for t, e in zip(dur, ev):
                    f.write(f"{name},{float(t)!r},{int(e)}\n")
        with open(script, "w") as f:
            f.write(R_SCRIPT)
        out = subprocess.run(["Rscript", script, data, ",".join(repr(float(t)) for t in at)],
                             check=True, capture_output=True, text=True).stdout
    rmst_se, oe = {}, {}
    for line in out.splitlines():
        w = line.split()
        if w and w[0] == "rmst":
            rmst_se[(w[1], float(w[2]))] = (float(w[3]), fin(w[4]) if w[4] != "NA" else None)
        elif w and w[0] == "oe":
            oe[w[1]] = {"observed": float(w[2]), "expected": float(w[3])}
    return rmst_se, oe


def at_horizon(dur, ev, t, alpha, r_se):
    kmf = KaplanMeierFitter(alpha=alpha).fit(dur, event_observed=ev)
    sv = float(kmf.survival_function_at_times([t]).iloc[0])
    cd = kmf.confidence_interval_cumulative_density_
    idx = cd.index[cd.index <= t]
    ci = None
    if 0 < sv < 1 and len(idx):
        row = cd.loc[idx[-1]]
        ci = sorted([float(row.iloc[0]), float(row.iloc[1])])
    sf = sm.SurvfuncRight(dur, ev)
    steps = sf.surv_times <= t
    var = 0.0 if not steps.any() else fin(sf.surv_prob_se[steps][-1] ** 2)
    if sv == 0.0:
        var = None
    rmst, time_var = restricted_mean_survival_time(kmf, t=t, return_variance=True)
    # lifelines integrates 2∫u·S(u)du with quad over a step function and stops at 50
    # subdivisions: off by up to about 2e-3 relative. The same integral with the jump
    # times given to quad is exact to rounding.
    jumps = [float(x) for x in kmf.survival_function_.index if 0 < x < t]
    second = 2 * quad(lambda u: u * kmf.predict(u), 0, t, points=jumps or None, limit=10000,
                      epsabs=1e-13, epsrel=1e-13)[0] if t > 0 else 0.0
    return ({"t": float(t), "returned": 1 - sv, "returned_ci": ci, "variance": var,
             "rmst": float(rmst), "rmst_se": r_se},
            {"lifelines": float(time_var), "exact": float(second - rmst ** 2)})


def contrast(estimate, variance, z):
    if variance is None:
        return {"estimate": estimate, "ci": None, "test": None}
    se = math.sqrt(variance)
    test = None
    if se > 0:
        stat = estimate / se
        test = {"statistic": stat, "p_value": float(2 * st.norm.sf(abs(stat)))}
    return {"estimate": estimate, "ci": [estimate - z * se, estimate + z * se], "test": test}


def adjust(differences, key):
    tests = [d[key]["test"] for d in differences if d[key]["test"] is not None]
    if not tests:
        return
    p = [t["p_value"] for t in tests]
    holm = multipletests(p, method="holm")[1]
    bh = multipletests(p, method="fdr_bh")[1]
    for t, h, b in zip(tests, holm, bh):
        t["p_holm"], t["p_benjamini_hochberg"] = float(h), float(b)


def horizon_case(groups, reference, at, alpha):
    z = st.norm.isf(alpha / 2)
    rmst_r, oe = r_survival(groups, at)
    points, time_var = {}, {}
    for name, (dur, ev) in sorted(groups.items()):
        dur, ev = np.asarray(dur, dtype=float), np.asarray(ev, dtype=int)
        pts = [at_horizon(dur, ev, t, alpha, rmst_r[(name, float(t))][1]) for t in at]
        for (p, _), t in zip(pts, at):
            assert abs(p["rmst"] - rmst_r[(name, float(t))][0]) < 1e-9 * max(1, p["rmst"])
        points[name] = [p for p, _ in pts]
        time_var[name] = [v for _, v in pts]
    differences = []
    for name in sorted(groups):
        if name == reference:
            continue
        for g, r in zip(points[name], points[reference]):
            v = None if g["variance"] is None or r["variance"] is None else g["variance"] + r["variance"]
            rv = None if g["rmst_se"] is None or r["rmst_se"] is None else g["rmst_se"] ** 2 + r["rmst_se"] ** 2
            differences.append({"t": g["t"], "group": name,
                                "returned": contrast(g["returned"] - r["returned"], v, z),
                                "rmst": contrast(g["rmst"] - r["rmst"], rv, z)})
    adjust(differences, "returned")
    adjust(differences, "rmst")
    return ({"reference": reference, "groups": points, "differences": differences,
             "logrank_observed_expected": oe if len(groups) >= 2 else None},
            time_var)


def horizon_cases():
    rng = np.random.default_rng(18)
    cases = []

    def cohort(n, rate, cens_rate):
        t = np.ceil(rng.exponential(1 / rate, n))
        c = np.minimum(np.ceil(rng.exponential(1 / cens_rate, n)), 180)
        return np.minimum(t, c).tolist(), (t <= c).astype(int).tolist()

    g = {"control": cohort(300, 1 / 170, 1 / 400), "encouraged": cohort(320, 1 / 140, 1 / 400)}
    cases.append((g, "control", [0, 30, 90, 150, 179, 400], 0.05))
    g3 = {}
    for name, rate in [("a", 1.0), ("b", 1.4), ("c", 0.8)]:
        t = rng.exponential(1 / rate, 50)
        c = rng.uniform(0, 3, 50)
        g3[name] = (np.round(np.minimum(t, c), 6).tolist(), (t <= c).astype(int).tolist())
    cases.append((g3, "a", [0.25, 1.0, 2.0], 0.1))
    # Small, hand-made: ties, a curve that reaches 0, a horizon before any event.
    small = {"x": ([1, 2, 2, 2, 3, 4, 4, 5], [1, 1, 0, 1, 0, 1, 1, 1]),
             "y": ([2, 3, 3, 6, 7, 9], [1, 0, 1, 1, 0, 0])}
    cases.append((small, "y", [0.5, 2, 3.5, 5, 8], 0.05))
    out = []
    for groups, reference, at, alpha in cases:
        expected, time_var = horizon_case(groups, reference, at, alpha)
        out.append({"groups": {k: {"duration": v[0], "event": v[1]} for k, v in groups.items()},
                     "reference": reference, "at": at, "alpha": alpha, "expected": expected,
                     "restricted_time_variance": time_var})
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    r_version = subprocess.run(["Rscript", "-e", "cat(as.character(packageVersion('survival')))"],
                               check=True, capture_output=True, text=True).stdout.strip()
    versions = {"scipy": scipy.__version__, "statsmodels": statsmodels.__version__,
                "lifelines": lifelines.__version__, "numpy": np.__version__,
                "r_survival": r_version}

    def dump(name, cases):
        with open(os.path.join(OUT, name), "w") as f:
            json.dump({"generated_by": "scripts/golden_reporting.py", "versions": versions,
                       "cases": cases}, f, indent=1, allow_nan=False)
            f.write("\n")

    dump("exact.json", [{"treated": [xt, nt], "control": [xc, nc], "alpha": a,
                         "expected": exact_case(xt, nt, xc, nc, a)}
                        for xt, nt, xc, nc, a in EXACT_CASES])
    dump("multiplicity.json", multiplicity_cases())
    dump("survival_horizon.json", horizon_cases())


if __name__ == "__main__":
    main()
