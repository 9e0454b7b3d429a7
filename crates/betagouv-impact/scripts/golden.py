#!/usr/bin/env python3
"""Generate the golden cases of betagouv-impact with statsmodels, scipy,
lifelines and linearmodels.

    pip install scipy statsmodels lifelines pandas linearmodels
    python3 crates/betagouv-impact/scripts/golden.py

Writes crates/betagouv-impact/tests/golden/*.json. CI does not rerun it: the
JSON is committed and compared by tests/integration/golden.rs (1e-9 relative
on closed forms, 1e-8 on p-values, 1e-6 on p-values when n >= 1e6).
"""
import json
import math
import os
import warnings

import numpy as np
import scipy
import scipy.stats as st
from scipy.optimize import brentq
import statsmodels
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    power_proportions_2indep,
    proportion_confint,
    proportion_effectsize,
    proportions_ztest,
)
from statsmodels.stats.power import NormalIndPower
import lifelines
from lifelines import KaplanMeierFitter
from lifelines.statistics import multivariate_logrank_test

warnings.simplefilter("ignore")
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "golden")


def fin(v):
    """A finite float or None."""
    if v is None:
        return None
    v = float(v)
    return v if math.isfinite(v) else None


def interval(lo, hi):
    lo, hi = fin(lo), fin(hi)
    return None if lo is None or hi is None else [lo, hi]


# ---------------------------------------------------------------- compare
def arm(x, n, alpha):
    ci = {}
    for key, method in [("wilson", "wilson"), ("clopper_pearson", "beta"),
                        ("agresti_coull", "agresti_coull"), ("jeffreys", "jeffreys"),
                        ("wald", "normal")]:
        lo, hi = proportion_confint(x, n, alpha=alpha, method=method)
        ci[key] = [float(lo), float(hi)]
    return {"successes": x, "n": n, "proportion": x / n, "ci": ci}


def compare(xt, nt, xc, nc, alpha):
    pt, pc = xt / nt, xc / nc
    diff = {}
    for key, method in [("wald", "wald"), ("newcombe", "newcomb"), ("agresti_caffo", "agresti-caffo")]:
        lo, hi = confint_proportions_2indep(xt, nt, xc, nc, method=method, compare="diff", alpha=alpha)
        diff[key] = [float(lo), float(hi)]
    rr = pc > 0 and pt / pc or (0.0 if pc > 0 else None)
    rr = (pt / pc) if xc > 0 else None
    katz = None
    if xt > 0 and xc > 0:
        lo, hi = confint_proportions_2indep(xt, nt, xc, nc, method="log", compare="ratio", alpha=alpha)
        katz = interval(lo, hi)
    a, b, c, d = xt, nt - xt, xc, nc - xc
    orr = (a * d) / (b * c) if b * c > 0 else None
    woolf = None
    if min(a, b, c, d) > 0:
        lo, hi = confint_proportions_2indep(xt, nt, xc, nc, method="logit", compare="odds-ratio", alpha=alpha)
        woolf = interval(lo, hi)
        # scipy agrees (Woolf, sample odds ratio)
        sci = st.contingency.odds_ratio([[a, b], [c, d]], kind="sample").confidence_interval(1 - alpha)
        assert abs(sci.low / woolf[0] - 1) < 1e-9 and abs(sci.high / woolf[1] - 1) < 1e-9
    pbar = (xt + xc) / (nt + nc)
    z = None
    if 0 < pbar < 1:
        stat, p = proportions_ztest([xt, xc], [nt, nc])
        z = {"statistic": float(stat), "p_value": float(p)}
    table = [[a, b], [c, d]]
    chi2 = chi2y = None
    try:
        r = st.chi2_contingency(table, correction=False)
        chi2 = {"statistic": float(r.statistic), "p_value": float(r.pvalue)}
        r = st.chi2_contingency(table, correction=True)
        chi2y = {"statistic": float(r.statistic), "p_value": float(r.pvalue)}
    except ValueError:
        pass
    fisher = float(st.fisher_exact(table).pvalue)
    return {
        "treated": arm(xt, nt, alpha),
        "control": arm(xc, nc, alpha),
        "difference": {"estimate": pt - pc, "ci": diff},
        "relative_lift": None if rr is None else rr - 1,
        "risk_ratio": {"estimate": rr, "ci_katz": katz},
        "odds_ratio": {"estimate": orr, "ci_woolf": woolf},
        "cohen_h": float(proportion_effectsize(pt, pc)),
        "tests": {"z_pooled": z, "chi2": chi2, "chi2_yates": chi2y, "fisher_exact": {"p_value": fisher}},
    }


COMPARE_CASES = [
    (22100, 100000, 20000, 100000, 0.05),  # La Bonne Boîte, 2016
    (22100, 100000, 20000, 100000, 0.01),
    (221, 1000, 200, 1000, 0.05),
    (15, 40, 7, 38, 0.05),
    (3, 4, 1, 4, 0.05),
    (8, 10, 1, 6, 0.1),
    (0, 10, 3, 12, 0.05),
    (4, 9, 0, 11, 0.05),
    (10, 10, 7, 12, 0.05),
    (0, 25, 0, 30, 0.05),
    (20, 20, 30, 30, 0.05),
    (1, 1, 0, 1, 0.05),
    (50, 100, 50, 100, 0.05),
    (47, 100, 53, 100, 0.05),
    (2, 1000, 9, 1200, 0.05),
    (512, 2000, 480, 2100, 0.2),
    (123456, 1000000, 121000, 1000000, 0.05),
    (2210000, 10000000, 2200000, 10000000, 0.05),
    (5, 3000000, 17, 2000000, 0.05),
]


# ---------------------------------------------------------------- power
def p_normal(pc, pt, n, ratio, alpha):
    return float(power_proportions_2indep(pt - pc, pc, n, ratio=ratio, alpha=alpha,
                                          return_results=True).power)


def p_arcsine(pc, pt, n, ratio, alpha):
    h = abs(float(proportion_effectsize(pt, pc)))
    return float(NormalIndPower().power(effect_size=h, nobs1=n, alpha=alpha, ratio=ratio))


def smallest_n(f, target):
    lo, hi = 0, 1
    while f(hi) < target:
        lo, hi = hi, hi * 2
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if f(mid) >= target:
            hi = mid
        else:
            lo = mid
    return hi


def power_case(pc, pt, ratio, alpha, n, target):
    out = {"power": {"normal_pooled": p_normal(pc, pt, n, ratio, alpha),
                     "arcsine": p_arcsine(pc, pt, n, ratio, alpha)}}
    nn = {}
    nc = {}
    for key, f in [("normal_pooled", p_normal), ("arcsine", p_arcsine)]:
        k = smallest_n(lambda m: f(pc, pt, m, ratio, alpha) if m > 0 else 0.0, target)
        nn[key] = k
        nc[key] = math.ceil(k * ratio)
    out["n_per_arm"] = nn
    out["n_control"] = nc
    # MDE (increase of the proportion) at n per arm
    g = lambda d: p_normal(pc, pc + d, n, ratio, alpha) - target
    top = (1 - pc) * (1 - 1e-15)
    mde_n = brentq(g, 1e-12, top, xtol=1e-17, rtol=1e-15, maxiter=500) if g(top) >= 0 else None
    ga = lambda h: float(NormalIndPower().power(effect_size=h, nobs1=n, alpha=alpha, ratio=ratio)) - target
    h = brentq(ga, 1e-12, 50.0, xtol=1e-17, rtol=1e-15, maxiter=500)
    ang = math.asin(math.sqrt(pc)) + h / 2
    mde_a = math.sin(ang) ** 2 - pc if ang < math.pi / 2 else None
    out["mde"] = {"normal_pooled": mde_n, "arcsine": mde_a}
    return out


POWER_CASES = [
    # control, treated, ratio, alpha, n per arm, target power
    (0.20, 0.221, 1.0, 0.05, 100000, 0.8),
    (0.20, 0.221, 1.0, 0.05, 5000, 0.8),
    (0.20, 0.25, 2.0, 0.05, 800, 0.9),
    (0.05, 0.04, 0.5, 0.01, 3000, 0.8),
    (0.5, 0.6, 1.0, 0.1, 200, 0.8),
    (0.3, 0.35, 3.0, 0.05, 1500, 0.95),
]


# ---------------------------------------------------------------- encouragement
def encouragement_case(t, c, alpha):
    from linearmodels.iv import IV2SLS
    import pandas as pd

    def expand(arm, zval):
        n, users, succ, succ_users = arm
        rows = []
        rows += [(zval, 1, 1)] * succ_users
        rows += [(zval, 1, 0)] * (users - succ_users)
        rows += [(zval, 0, 1)] * (succ - succ_users)
        rows += [(zval, 0, 0)] * (n - users - (succ - succ_users))
        return rows

    data = pd.DataFrame(expand(t, 1) + expand(c, 0), columns=["z", "d", "y"])
    data["const"] = 1.0
    zc = st.norm.isf(alpha / 2)
    yt, yc = t[2] / t[0], c[2] / c[0]
    dt, dc = t[1] / t[0], c[1] / c[0]
    itt = yt - yc
    se_itt = math.sqrt(yt * (1 - yt) / t[0] + yc * (1 - yc) / c[0])
    fs = dt - dc
    se_fs = math.sqrt(dt * (1 - dt) / t[0] + dc * (1 - dc) / c[0])
    # the ITT and first stage as HC0 OLS on z
    import statsmodels.api as sm
    ols = sm.OLS(data["y"], data[["const", "z"]]).fit(cov_type="HC0")
    assert abs(ols.params["z"] - itt) < 1e-12 and abs(ols.bse["z"] / se_itt - 1) < 1e-9
    cace = None
    if fs != 0:
        res = IV2SLS(data["y"], data[["const"]], data["d"], data["z"]).fit(cov_type="robust", debiased=False)
        b, se = float(res.params["d"]), float(res.std_errors["d"])
        cace = {"estimate": b, "se": se, "ci": [b - zc * se, b + zc * se]}
    return {
        "itt": {"estimate": itt, "se": se_itt, "ci": [itt - zc * se_itt, itt + zc * se_itt]},
        "first_stage": {"estimate": fs, "se": se_fs},
        "cace": cace,
    }


ENCOURAGEMENT_CASES = [
    ((1000, 300, 250, 90), (1000, 100, 200, 25), 0.05),
    ((2000, 800, 520, 260), (1800, 90, 400, 30), 0.05),
    ((500, 500, 140, 140), (520, 0, 120, 0), 0.1),  # Bloom: no take-up in control
    ((300, 60, 90, 20), (300, 60, 80, 10), 0.05),  # zero first stage
]


# ---------------------------------------------------------------- survival
def survival_case(groups, at, alpha):
    out = {}
    for name, (dur, ev) in sorted(groups.items()):
        dur, ev = np.asarray(dur, dtype=float), np.asarray(ev, dtype=int)
        kmf = KaplanMeierFitter(alpha=alpha).fit(dur, event_observed=ev)
        sf = kmf.survival_function_
        ci = kmf.confidence_interval_survival_function_
        # Our median rule: smallest event time with the cumulative product <= 0.5.
        times = np.unique(dur[ev == 1])
        s, med = 1.0, None
        at_risk = lambda t: np.sum(dur >= t)
        for t in times:
            n_, d_ = at_risk(t), np.sum((dur == t) & (ev == 1))
            s *= (n_ - d_) / n_
            if s <= 0.5:
                med = float(t)
                break
        lm = kmf.median_survival_time_
        if med is not None and math.isfinite(lm):
            assert lm == med, (lm, med)
        points = []
        for t in at:
            sv = float(kmf.survival_function_at_times([t]).iloc[0])
            idx = sf.index[sf.index <= t]
            cint = None
            if 0 < sv < 1 and len(idx):
                row = ci.loc[idx[-1]]
                cint = sorted([float(row.iloc[0]), float(row.iloc[1])])
            points.append({"t": float(t), "survival": sv, "ci": cint, "cumulative_incidence": 1 - sv})
        out[name] = {"n": int(len(dur)), "events": int(ev.sum()), "median": med, "at": points}
    lr = None
    if len(groups) >= 2:
        names, durs, evs = [], [], []
        for name, (dur, ev) in groups.items():
            names += [name] * len(dur)
            durs += list(dur)
            evs += list(ev)
        r = multivariate_logrank_test(np.asarray(durs, float), np.asarray(names), np.asarray(evs, int))
        lr = {"statistic": float(r.test_statistic), "p_value": float(r.p_value)}
    return {"groups": out, "logrank": lr}


def survival_cases():
    rng = np.random.default_rng(20160101)
    cases = []
    # Two cohorts, integer days (many ties), censoring at 180 days.
    def cohort(n, rate, cens_rate):
        t = np.ceil(rng.exponential(1 / rate, n))
        c = np.ceil(rng.exponential(1 / cens_rate, n))
        c = np.minimum(c, 180)
        d = np.minimum(t, c)
        e = (t <= c).astype(int)
        return d.tolist(), e.tolist()
    g = {"encouraged": cohort(400, 1 / 150, 1 / 400), "control": cohort(380, 1 / 170, 1 / 400)}
    cases.append({"groups": g, "at": [0, 30, 90.5, 150, 179, 500], "alpha": 0.05})
    # Three groups, real-valued times.
    g3 = {}
    for name, rate in [("a", 1.0), ("b", 1.3), ("c", 0.8)]:
        t = rng.exponential(1 / rate, 60)
        c = rng.uniform(0, 3, 60)
        g3[name] = (np.round(np.minimum(t, c), 6).tolist(), (t <= c).astype(int).tolist())
    cases.append({"groups": g3, "at": [0.1, 0.5, 1.0, 2.0], "alpha": 0.1})
    # Small hand-made group: ties of events and censorings, curve to 0.
    cases.append({"groups": {"x": ([1, 2, 2, 2, 3, 4, 4, 5], [1, 1, 0, 1, 0, 1, 1, 1])},
                  "at": [0.5, 1, 2, 3.5, 4, 5, 6], "alpha": 0.05})
    for c in cases:
        c["expected"] = survival_case(c["groups"], c["at"], c["alpha"])
        c["groups"] = {k: {"duration": v[0], "event": v[1]} for k, v in c["groups"].items()}
    return cases


def main():
    os.makedirs(OUT, exist_ok=True)
    versions = {"scipy": scipy.__version__, "statsmodels": statsmodels.__version__,
                "lifelines": lifelines.__version__, "numpy": np.__version__}

    def dump(name, cases):
        with open(os.path.join(OUT, name), "w") as f:
            json.dump({"generated_by": "scripts/golden.py", "versions": versions, "cases": cases},
                      f, indent=1, allow_nan=False)
            f.write("\n")

    dump("compare.json", [{"treated": [xt, nt], "control": [xc, nc], "alpha": a,
                           "expected": compare(xt, nt, xc, nc, a)}
                          for xt, nt, xc, nc, a in COMPARE_CASES])
    dump("power.json", [{"control_rate": pc, "treated_rate": pt, "ratio": r, "alpha": a,
                         "n_per_arm": n, "target_power": tp,
                         "expected": power_case(pc, pt, r, a, n, tp)}
                        for pc, pt, r, a, n, tp in POWER_CASES])
    dump("encouragement.json", [{"treated": list(t), "control": list(c), "alpha": a,
                                 "expected": encouragement_case(t, c, a)}
                                for t, c, a in ENCOURAGEMENT_CASES])
    dump("survival.json", survival_cases())


if __name__ == "__main__":
    main()
