#!/usr/bin/env python3
"""Generate the golden cases of betagouv-impact's evaluation designs (issue 18):
encouragement diagnostics, cluster randomisation, blocked (stratified)
randomisation and Lin's covariate adjustment, with linearmodels, statsmodels and
scipy.

    pip install scipy statsmodels linearmodels pandas lifelines
    python3 crates/betagouv-impact/scripts/golden_designs.py

Writes crates/betagouv-impact/tests/golden/{iv,cluster,strata,lin}.json. CI does
not rerun it: the JSON is committed and compared by
tests/integration/golden_designs.rs (1e-9 relative on closed forms, 1e-8 on
p-values).
"""
import json
import math
from fractions import Fraction
import os
import sys
import warnings

import numpy as np
import pandas as pd
import scipy
import scipy.stats as st
from scipy.optimize import brentq
import statsmodels
import statsmodels.api as sm
import linearmodels
from linearmodels.iv import IV2SLS

warnings.simplefilter("ignore")
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "golden")


def close(a, b, tol=1e-9):
    return abs(a - b) <= tol * max(abs(a), abs(b), 1e-300)


# ---------------------------------------------------------------- encouragement
def expand(arm, zval):
    """Individual rows (z, d, y) of an arm given as (n, users, successes, successes_among_users)."""
    n, users, succ, succ_users = arm
    rows = []
    rows += [(zval, 1, 1)] * succ_users
    rows += [(zval, 1, 0)] * (users - succ_users)
    rows += [(zval, 0, 1)] * (succ - succ_users)
    rows += [(zval, 0, 0)] * (n - users - (succ - succ_users))
    return rows


def wald(b, se, zc):
    return {"estimate": b, "se": se, "ci": [b - zc * se, b + zc * se]}


def iv_fit(data, outcome, endog):
    """Just-identified 2SLS with robust (HC0) covariance: estimate and SE of `endog`."""
    res = IV2SLS(data[outcome], data[["const"]], data[[endog]], data[["z"]]).fit(
        cov_type="robust", debiased=False)
    return res, float(res.params[endog]), float(res.std_errors[endog])


def ar_statistic(data):
    """beta -> the Anderson-Rubin statistic: the squared robust (HC0) t of z in the
    OLS of y - beta*d on (1, z), computed from the arms' moments (checked against
    statsmodels below)."""
    groups = [data[data.z == v] for v in (1, 0)]

    def stat(beta):
        means, var = [], 0.0
        for g in groups:
            w = g.y.to_numpy() - beta * g.d.to_numpy()
            means.append(w.mean())
            var += w.var() / len(w)  # divisor n: HC0
        return (means[0] - means[1]) ** 2 / var
    return stat


def ar_by_statsmodels(data, beta):
    w = data.y - beta * data.d
    r = sm.OLS(w, data[["const", "z"]]).fit(cov_type="HC0")
    return float(r.tvalues["z"] ** 2)


def anderson_rubin(data, zc, fs, F):
    """The AR set by inverting the test: sign changes of AR(beta) - z^2 on a wide
    grid, each refined with brentq. The tails are in the set iff F <= z^2 (the
    limit of AR(beta) as |beta| grows is F)."""
    stat = ar_statistic(data)
    for beta in (-3.0, 0.0, 0.7, 12.0):
        assert close(stat(beta), ar_by_statsmodels(data, beta), 1e-8), beta
    z2 = zc * zc
    g = lambda b: stat(b) - z2
    grid = np.concatenate([-np.logspace(4, -4, 400), [0.0], np.logspace(-4, 4, 400)])
    vals = [g(b) for b in grid]
    roots = []
    for (b0, v0), (b1, v1) in zip(zip(grid, vals), zip(grid[1:], vals[1:])):
        if v0 == 0.0:
            roots.append(float(b0))
        elif v0 * v1 < 0:
            roots.append(brentq(g, b0, b1, xtol=1e-15, rtol=1e-15, maxiter=500))
    tails_in = F is None and fs == 0 or (F is not None and F <= z2)
    if not tails_in:
        assert len(roots) == 2, roots
        return {"kind": "interval", "lower": roots[0], "upper": roots[1]}
    if not roots:
        return {"kind": "whole_line"}
    assert len(roots) == 2, roots
    return {"kind": "two_half_lines", "below": roots[0], "above": roots[1]}


def exact_ratio(num, v_num, cov, den, v_den):
    """num / den with its delta-method variance, in exact rational arithmetic."""
    b = num / den
    return b, (v_num - 2 * b * cov + b * b * v_den) / (den * den)


def exact_encouragement(t, c):
    """The closed forms of the encouragement design in exact rational arithmetic
    (the HC0 moments with divisor n): itt, fs and their variances, the CACE and the
    compliers' means with their variances."""
    def arm(a):
        n, u, y, yu = a
        return Fraction(y, n), Fraction(u, n), Fraction(yu, n), Fraction(y - yu, n), n
    (yt, dt, ydt, w0t, nt), (yc, dc, ydc, w0c, nc) = arm(t), arm(c)
    out = {"itt": yt - yc, "v_itt": yt * (1 - yt) / nt + yc * (1 - yc) / nc,
           "fs": dt - dc, "v_fs": dt * (1 - dt) / nt + dc * (1 - dc) / nc}
    if out["fs"] != 0:
        cov = (ydt - yt * dt) / nt + (ydc - yc * dc) / nc
        out["cace"] = exact_ratio(out["itt"], out["v_itt"], cov, out["fs"], out["v_fs"])
        out["with"] = exact_ratio(ydt - ydc, ydt * (1 - ydt) / nt + ydc * (1 - ydc) / nc,
                                  ydt * (1 - dt) / nt + ydc * (1 - dc) / nc,
                                  out["fs"], out["v_fs"])
        out["without"] = exact_ratio(w0t - w0c, w0t * (1 - w0t) / nt + w0c * (1 - w0c) / nc,
                                     w0t * dt / nt + w0c * dc / nc, -out["fs"], out["v_fs"])
    return out


def encouragement_case(t, c, alpha):
    """Values from the exact closed forms, each checked against linearmodels IV2SLS
    (robust covariance) and statsmodels OLS HC0 to 1e-7 relative: on very weak first
    stages linearmodels' own rounding reaches 1e-9, above the tests' tolerance."""
    data = pd.DataFrame(expand(t, 1) + expand(c, 0), columns=["z", "d", "y"])
    data["const"] = 1.0
    data["yd"] = data.y * data.d
    data["y_nd"] = data.y * (1 - data.d)
    data["nd"] = 1 - data.d
    zc = st.norm.isf(alpha / 2)
    ex = exact_encouragement(t, c)
    itt, se_itt = float(ex["itt"]), math.sqrt(ex["v_itt"])
    fs, v_fs = float(ex["fs"]), float(ex["v_fs"])
    ols = sm.OLS(data["y"], data[["const", "z"]]).fit(cov_type="HC0")
    assert close(float(ols.params["z"]), itt, 1e-12) and close(float(ols.bse["z"]), se_itt)
    F = None
    if ex["v_fs"] > 0:
        F = float(ex["fs"] ** 2 / ex["v_fs"])
        t2 = float(sm.OLS(data["d"], data[["const", "z"]]).fit(cov_type="HC0").tvalues["z"] ** 2)
        assert close(F, t2, 1e-7) or fs == 0, (F, t2)
    cace = compliers = None
    if ex["fs"] != 0:
        b, var = ex["cace"]
        res, b_lm, se_lm = iv_fit(data, "y", "d")
        assert close(float(b), b_lm, 1e-7) and close(math.sqrt(var), se_lm, 1e-7), (b, b_lm)
        cace = wald(float(b), math.sqrt(var), zc)
        if ex["v_fs"] > 0:
            F_lm = float(res.first_stage.diagnostics["f.stat"].iloc[0])
            assert close(F, F_lm, 1e-7), (F, F_lm)
        means = {}
        for key, outcome, endog in (("with", "yd", "d"), ("without", "y_nd", "nd")):
            m, v = ex[key]
            _, m_lm, se_lm = iv_fit(data, outcome, endog)
            assert close(float(m), m_lm, 1e-7) and close(math.sqrt(v), se_lm, 1e-7), (m, m_lm)
            means[key] = (float(m), math.sqrt(v))
        b0 = ex["without"][0]
        compliers = {"with_service": wald(*means["with"], zc),
                     "without_service": wald(*means["without"], zc),
                     "relative_cace": float(b / b0) if b0 > 0 else None}
    weak = (F < 10) if F is not None else (fs == 0)
    return {
        "itt": wald(itt, se_itt, zc),
        "first_stage": {"estimate": fs, "se": math.sqrt(v_fs), "f_statistic": F, "weak": weak},
        "cace": cace,
        "anderson_rubin": anderson_rubin(data, zc, fs, F),
        "compliers": compliers,
    }


ENCOURAGEMENT_CASES = [
    ((1000, 300, 250, 90), (1000, 100, 200, 25), 0.05),
    ((2000, 800, 520, 260), (1800, 90, 400, 30), 0.05),
    ((500, 500, 140, 140), (520, 0, 120, 0), 0.1),  # Bloom: no take-up in control
    ((300, 60, 90, 20), (300, 60, 80, 10), 0.05),  # zero first stage
    # issue 18: 5,000 per arm, take-up 300 vs 250 (F about 4.8: bounded AR set)
    ((5000, 300, 1080, 90), (5000, 250, 1000, 50), 0.05),
    # take-up 260 vs 250 (F about 0.2: two half-lines)
    ((5000, 260, 1080, 90), (5000, 250, 1000, 50), 0.05),
    # weak and insignificant ITT: the whole line
    ((5000, 260, 1012, 60), (5000, 250, 1000, 50), 0.05),
    # F between z^2 and 10, at alpha 0.1
    ((3000, 400, 700, 120), (3000, 330, 640, 90), 0.1),
]


# ---------------------------------------------------------------- clusters
def inv_sqrt_psd(m):
    w, v = np.linalg.eigh(m)
    return v @ np.diag(1.0 / np.sqrt(w)) @ v.T


def cr2_se(X, y, groups, col):
    """Bell-McCaffrey CR2 by the general matrix formula."""
    XtX_inv = np.linalg.inv(X.T @ X)
    e = y - X @ (XtX_inv @ (X.T @ y))
    meat = np.zeros_like(XtX_inv)
    for g in np.unique(groups):
        idx = groups == g
        Xg = X[idx]
        Hgg = Xg @ XtX_inv @ Xg.T
        Ag = inv_sqrt_psd(np.eye(len(Xg)) - Hgg)
        u = Xg.T @ (Ag @ e[idx])
        meat += np.outer(u, u)
    V = XtX_inv @ meat @ XtX_inv
    return math.sqrt(V[col, col])


def cluster_case(treated, control, alpha):
    """treated, control: lists of (successes, n) per cluster."""
    rows = []
    gid = 0
    for arm, clusters in ((1, treated), (0, control)):
        for x, n in clusters:
            rows += [(arm, gid, 1)] * x + [(arm, gid, 0)] * (n - x)
            gid += 1
    data = pd.DataFrame(rows, columns=["t", "g", "y"])
    data["const"] = 1.0
    zc = st.norm.isf(alpha / 2)
    res = sm.OLS(data["y"], data[["const", "t"]]).fit(cov_type="cluster",
                                                     cov_kwds={"groups": data["g"]})
    b, se1 = float(res.params["t"]), float(res.bse["t"])
    cr2 = None
    if len(treated) >= 2 and len(control) >= 2:
        se2 = cr2_se(data[["const", "t"]].to_numpy(), data["y"].to_numpy(float),
                     data["g"].to_numpy(), 1)
        cr2 = wald(b, se2, zc)
    nt, nc = sum(n for _, n in treated), sum(n for _, n in control)
    pt, pc = sum(x for x, _ in treated) / nt, sum(x for x, _ in control) / nc
    assert close(b, pt - pc, 1e-12)
    return {"clusters": {"treated": len(treated), "control": len(control)},
            "n": {"treated": nt, "control": nc},
            "proportion": {"treated": pt, "control": pc},
            "cr1": wald(b, se1, zc), "cr2": cr2}


def cluster_cases():
    rng = np.random.default_rng(18)
    cases = [
        ([(12, 40), (20, 50), (9, 30)], [(8, 45), (10, 40), (6, 35)], 0.05),
        ([(1, 1)] * 4 + [(0, 1)] * 6, [(1, 1)] * 3 + [(0, 1)] * 9, 0.05),  # clusters of one
        ([(5, 20)], [(3, 25), (7, 30)], 0.1),  # one treated cluster: no CR2
    ]
    for g_t, g_c, alpha in ((8, 10, 0.05), (15, 15, 0.01)):
        def arm(g, base):
            out = []
            for _ in range(g):
                n = int(rng.integers(5, 60))
                p = min(max(base + rng.normal(0, 0.08), 0.0), 1.0)
                out.append((int(rng.binomial(n, p)), n))
            return out
        cases.append((arm(g_t, 0.3), arm(g_c, 0.22), alpha))
    return [{"treated": [list(c) for c in t], "control": [list(c) for c in c_],
             "alpha": a, "expected": cluster_case(t, c_, a)} for t, c_, a in cases]


def cluster_power_cases():
    """Power and sample size of a cluster design: the individual formulas of
    statsmodels at the effective size n / (1 + (m - 1) icc)."""
    # The individual formulas and the integer search of golden.py (which needs lifelines).
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from golden import p_arcsine, p_normal, smallest_n

    out = []
    for pc, pt, ratio, alpha, n, target, icc, m in [
        (0.20, 0.221, 1.0, 0.05, 100000, 0.8, 0.02, 50),
        (0.20, 0.25, 2.0, 0.05, 3000, 0.9, 0.05, 21),
        (0.30, 0.35, 1.0, 0.1, 8000, 0.8, 0.01, 120.5),
    ]:
        deff = 1 + (m - 1) * icc
        exp = {"design_effect": deff, "power": {}, "n_per_arm": {}, "mde": {}}
        for key, f in [("normal_pooled", p_normal), ("arcsine", p_arcsine)]:
            exp["power"][key] = f(pc, pt, n / deff, ratio, alpha)
            exp["n_per_arm"][key] = smallest_n(
                lambda k: f(pc, pt, k / deff, ratio, alpha) if k > 0 else 0.0, target)
            g = lambda d: f(pc, pc + d, n / deff, ratio, alpha) - target
            exp["mde"][key] = brentq(g, 1e-12, (1 - pc) * (1 - 1e-15), xtol=1e-17, rtol=1e-15,
                                     maxiter=500)
        out.append({"control_rate": pc, "treated_rate": pt, "ratio": ratio, "alpha": alpha,
                    "n_per_arm": n, "target_power": target, "icc": icc, "cluster_size": m,
                    "expected": exp})
    return out


# ---------------------------------------------------------------- strata
def lin_hc2(y, t, covariates):
    """Lin's interacted OLS y ~ 1 + t + Xc + t*Xc (covariates centred) with HC2:
    the coefficient of t and its SE."""
    cols = [np.ones_like(y), t]
    if covariates.shape[1]:
        xc = covariates - covariates.mean(axis=0)
        cols += [xc[:, j] for j in range(xc.shape[1])]
        cols += [t * xc[:, j] for j in range(xc.shape[1])]
    X = np.column_stack(cols)
    r = sm.OLS(y, X).fit(cov_type="HC2")
    return float(r.params[1]), float(r.bse[1])


def strata_case(strata, alpha):
    """strata: list of (xt, nt, xc, nc)."""
    from statsmodels.stats.contingency_tables import StratifiedTable
    tables = [np.array([[xt, nt - xt], [xc, nc - xc]], dtype=float) for xt, nt, xc, nc in strata]
    tab = StratifiedTable(tables)
    zc = st.norm.isf(alpha / 2)
    test = tab.test_null_odds(correction=False)
    out = {"strata": len(strata), "n": int(sum(nt + nc for _, nt, _, nc in strata))}
    out["cmh"] = {"statistic": float(test.statistic), "p_value": float(test.pvalue)}
    lo, hi = tab.oddsratio_pooled_confint(alpha=alpha)
    out["odds_ratio"] = {"estimate": float(tab.oddsratio_pooled), "ci": [float(lo), float(hi)]}
    # Individual rows: the weighted difference is Lin's estimator with stratum dummies.
    ys, ts, ks = [], [], []
    for k, (xt, nt, xc, nc) in enumerate(strata):
        for arm, x, n in ((1, xt, nt), (0, xc, nc)):
            ys += [1] * x + [0] * (n - x)
            ts += [arm] * n
            ks += [k] * n
    y, t, ks = np.array(ys, float), np.array(ts, float), np.array(ks)
    dummies = np.column_stack([(ks == k).astype(float) for k in range(1, len(strata))]) \
        if len(strata) > 1 else np.zeros((len(y), 0))
    b, se = lin_hc2(y, t, dummies)
    n = sum(nt + nc for _, nt, _, nc in strata)
    w = [(nt + nc) / n for _, nt, _, nc in strata]
    direct = sum(wk * (xt / nt - xc / nc) for wk, (xt, nt, xc, nc) in zip(w, strata))
    assert close(b, direct, 1e-9), (b, direct)
    out["difference"] = {"estimate": b, "se": se, "ci": [b - zc * se, b + zc * se]}
    return out


STRATA_CASES = [
    ([(30, 100, 20, 100), (12, 40, 5, 40)], 0.05),
    ([(30, 100, 20, 100)], 0.05),
    # four agencies, unbalanced, one with a rare outcome
    ([(45, 210, 38, 190), (3, 60, 1, 75), (80, 300, 61, 280), (17, 52, 16, 49)], 0.05),
    # opposite effects across strata (Simpson-like)
    ([(90, 100, 800, 1000), (200, 1000, 15, 100)], 0.1),
    ([(5, 12, 2, 10), (7, 9, 4, 11), (1, 8, 0, 7)], 0.05),
]


# ---------------------------------------------------------------- Lin
def lin_case(rows, names, alpha):
    """rows: [y, t, x1, ..., xk]."""
    a = np.array(rows, dtype=float)
    y, t, x = a[:, 0], a[:, 1], a[:, 2:]
    zc = st.norm.isf(alpha / 2)
    b, se = lin_hc2(y, t, x)
    unadj = float(y[t == 1].mean() - y[t == 0].mean())
    if x.shape[1] == 0:
        assert close(b, unadj, 1e-9)
    return {"covariates": names, "n_treated": int((t == 1).sum()), "n_control": int((t == 0).sum()),
            "unadjusted": unadj, "estimate": b, "se": se, "ci": [b - zc * se, b + zc * se]}


def lin_cases():
    rng = np.random.default_rng(2013)
    cases = []
    for n, k, alpha in ((40, 0, 0.05), (120, 1, 0.05), (300, 3, 0.1), (25, 2, 0.05)):
        t = (rng.random(n) < 0.45).astype(int)
        t[0], t[1] = 1, 0
        x = np.column_stack([rng.normal(10, 4, n).round(1) for _ in range(k)]) if k else np.zeros((n, 0))
        if k >= 3:
            x[:, 2] = (rng.random(n) < 0.3).astype(float)  # a binary covariate
        lin = 0.3 + 0.15 * t + (0.02 * (x[:, 0] - 10) if k else 0)
        y = (rng.random(n) < np.clip(lin, 0.01, 0.99)).astype(int)
        rows = [[int(y[i]), int(t[i])] + [float(v) for v in x[i]] for i in range(n)]
        names = ["age", "months_unemployed", "qualified"][:k]
        cases.append({"covariates": names, "rows": rows, "alpha": alpha,
                      "expected": lin_case(rows, names, alpha)})
    return cases


# ---------------------------------------------------------------- main
def main():
    os.makedirs(OUT, exist_ok=True)
    versions = {"scipy": scipy.__version__, "statsmodels": statsmodels.__version__,
                "linearmodels": linearmodels.__version__, "pandas": pd.__version__,
                "numpy": np.__version__}

    def dump(name, cases):
        """`cases`: a list, or an object of named lists."""
        with open(os.path.join(OUT, name), "w") as f:
            json.dump({"generated_by": "scripts/golden_designs.py", "versions": versions,
                       "cases": cases}, f, indent=1, allow_nan=False)
            f.write("\n")

    dump("iv.json", [{"treated": list(t), "control": list(c), "alpha": a,
                      "expected": encouragement_case(t, c, a)}
                     for t, c, a in ENCOURAGEMENT_CASES])
    dump("strata.json", [{"strata": [list(k) for k in strata], "alpha": a,
                          "expected": strata_case(strata, a)} for strata, a in STRATA_CASES])
    dump("lin.json", lin_cases())
    dump("cluster.json", {"difference": cluster_cases(), "power": cluster_power_cases()})


if __name__ == "__main__":
    main()
