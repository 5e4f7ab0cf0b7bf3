"""Reference values for analytics/math, computed with scipy and statsmodels.

Writes analytics/math/testdata/reference.json, which the vitest suites compare against. Python is
only needed to regenerate the file, never at run time.

    python3 -m venv /tmp/refvenv && /tmp/refvenv/bin/pip install numpy scipy statsmodels
    /tmp/refvenv/bin/python scripts/reference/generate_analytics_reference.py

Inputs are drawn from a seeded generator and stored in the JSON next to the expected numbers, so the
tests never need to reproduce the generator. Missing values are written as null.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import scipy
import statsmodels
from scipy import stats
from statsmodels.tsa.seasonal import STL
from statsmodels.tsa.stattools import grangercausalitytests

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "analytics" / "math" / "testdata" / "reference.json"
# The shared reference data sit beside the repository (shared/data), or where CRYPTOCRAWLER_SHARED_DATA says.
SHARED_DATA = Path(os.environ.get("CRYPTOCRAWLER_SHARED_DATA", ROOT.parent / "shared" / "data"))
RAW_DATA = SHARED_DATA / "anomaly-reference" / "raw_data.csv"
Z95 = stats.norm.ppf(0.975)


def as_list(values):
    return [None if (v is None or not math.isfinite(v)) else float(v) for v in values]


def fisher_ci(r: float, n: int) -> list[float]:
    z = math.atanh(r)
    half = Z95 / math.sqrt(n - 3)
    return [math.tanh(z - half), math.tanh(z + half)]


def correlation_case(name: str, x: np.ndarray, y: np.ndarray) -> dict:
    mask = np.isfinite(x) & np.isfinite(y)
    xs, ys = x[mask], y[mask]
    n = int(mask.sum())
    pr = stats.pearsonr(xs, ys)
    ci = pr.confidence_interval(0.95)
    sr = stats.spearmanr(xs, ys)
    rho = float(sr.statistic)
    return {
        "name": name,
        "x": as_list(x),
        "y": as_list(y),
        "n": n,
        "skipped": int(len(x) - n),
        "pearson": {"r": float(pr.statistic), "pValue": float(pr.pvalue), "ci": [float(ci.low), float(ci.high)]},
        "spearman": {"r": rho, "pValue": float(sr.pvalue), "ci": fisher_ci(rho, n)},
    }


def correlation_cases(rng: np.random.Generator) -> list[dict]:
    cases = []
    x = rng.normal(size=50)
    cases.append(correlation_case("linear_noise_n50", x, 0.6 * x + rng.normal(scale=0.8, size=50)))
    price = 60000 + np.cumsum(rng.normal(scale=15, size=200))
    volume = 300 + 0.02 * (price - 60000) + rng.normal(scale=4, size=200)
    cases.append(correlation_case("price_level_offset_n200", price, volume))
    ties_x = np.round(rng.normal(scale=2, size=40))
    ties_y = np.round(ties_x + rng.normal(scale=2, size=40))
    cases.append(correlation_case("rounded_with_ties_n40", ties_x, ties_y))
    gx = rng.normal(size=60)
    gy = -0.4 * gx + rng.normal(size=60)
    gx[[3, 17, 41]] = np.nan
    gy[[8, 17]] = np.nan
    cases.append(correlation_case("with_missing_n60", gx, gy))
    sx = rng.normal(size=12)
    cases.append(correlation_case("small_n12", sx, 0.3 * sx + rng.normal(size=12)))
    return cases


def distribution_cases() -> dict:
    t_points = [(0.5, 3), (2.0, 10), (-1.3, 7), (4.2, 48), (8.0, 200), (3.1, 14396), (1e-3, 2), (25.0, 5)]
    t_quantiles = [(0.025, 1), (0.025, 2), (0.05, 5), (1e-3, 30), (0.05 / (2 * 14398), 14396),
                   (0.05 / (2 * 14111), 14108), (0.05 / 43200, 43198), (1e-10, 12), (0.4, 3)]
    f_points = [(2.5, 3, 40), (0.7, 5, 289), (11.0, 1, 20), (3.9, 10, 10000), (1e-4, 2, 7)]
    return {
        "tSurvival": [{"t": t, "df": df, "value": float(stats.t.sf(t, df))} for t, df in t_points],
        "tTwoSided": [{"t": t, "df": df, "value": float(2 * stats.t.sf(abs(t), df))} for t, df in t_points],
        "tQuantileUpper": [{"q": q, "df": df, "value": float(stats.t.isf(q, df))} for q, df in t_quantiles],
        "fSurvival": [{"f": f, "d1": d1, "d2": d2, "value": float(stats.f.sf(f, d1, d2))} for f, d1, d2 in f_points],
        "fCdf": [{"f": f, "d1": d1, "d2": d2, "value": float(stats.f.cdf(f, d1, d2))} for f, d1, d2 in f_points],
    }


def xcorr_case(rng: np.random.Generator) -> dict:
    n, planted, max_lag = 300, 7, 20
    social = rng.normal(size=n)
    # price follows social 7 steps later: social leads price, so r(k) should peak at k = +7.
    price = rng.normal(scale=0.7, size=n)
    price[planted:] += 0.7 * social[: n - planted]
    curve = []
    for lag in range(-max_lag, max_lag + 1):
        lo, hi = max(0, -lag), min(n, n - lag)
        s, p = social[lo:hi], price[lo + lag:hi + lag]
        curve.append({"lag": lag, "n": int(hi - lo), "r": float(stats.pearsonr(s, p).statistic)})
    return {"social": as_list(social), "price": as_list(price), "maxLag": max_lag, "plantedLag": planted,
            "curve": curve}


def granger_case(rng: np.random.Generator) -> dict:
    n = 300
    a = rng.normal(size=n)
    b = np.zeros(n)
    for t in range(2, n):
        b[t] = 0.3 * b[t - 1] + 0.5 * a[t - 2] + rng.normal(scale=0.8)
    a = a + 100.0  # an offset must not change anything
    results = []
    for lag in (1, 3, 5):
        for cause, effect, name in ((a, b, "aToB"), (b, a, "bToA")):
            res = grangercausalitytests(np.column_stack([effect, cause]), maxlag=[lag])
            f, p, df_denom, df_num = res[lag][0]["ssr_ftest"]
            results.append({"lag": lag, "direction": name, "f": float(f), "pValue": float(p),
                            "df1": int(df_num), "df2": int(df_denom)})
    return {"a": as_list(a), "b": as_list(b), "results": results}


def next_odd(x: float) -> int:
    x = int(round(x))
    return x + 1 if x % 2 == 0 else x


def r_stl(y: np.ndarray, period: int, s_window, robust: bool) -> dict:
    """statsmodels' STL is a port of the same Fortran; feed it R's stl() defaults."""
    n = len(y)
    periodic = s_window == "periodic"
    ns = 10 * n + 1 if periodic else s_window
    nt = next_odd(math.ceil(1.5 * period / (1 - 1.5 / ns)))
    nl = next_odd(period)
    model = STL(y, period=period, seasonal=ns, trend=nt, low_pass=nl, seasonal_deg=0, trend_deg=1,
                low_pass_deg=1, robust=robust, seasonal_jump=math.ceil(ns / 10), trend_jump=math.ceil(nt / 10),
                low_pass_jump=math.ceil(nl / 10))
    fit = model.fit(inner_iter=1 if robust else 2, outer_iter=15 if robust else 0)
    seasonal = np.asarray(fit.seasonal).copy()
    if periodic:
        for pos in range(period):
            seasonal[pos::period] = seasonal[pos::period].mean()
    return {"seasonal": as_list(seasonal), "trend": as_list(np.asarray(fit.trend)),
            "params": {"seasonalWindow": ns, "trendWindow": nt, "lowPassWindow": nl}}


def stl_cases(rng: np.random.Generator) -> list[dict]:
    period, n = 12, 150
    t = np.arange(n)
    y = 10 + 0.05 * t + 3 * np.sin(2 * np.pi * t / period) + rng.normal(scale=0.5, size=n)
    y[[20, 77, 130]] += [9, -7, 12]
    cases = []
    for s_window, robust in (("periodic", True), ("periodic", False), (7, True), (7, False)):
        case = {"name": f"swindow_{s_window}_robust_{robust}", "period": period, "sWindow": s_window,
                "robust": robust, "y": as_list(y)}
        case.update(r_stl(y, period, s_window, robust))
        cases.append(case)
    return cases


def r_esd(values: np.ndarray, max_outliers: int, alpha: float, direction: str) -> list[int]:
    """A literal transcription of the loop in AnomalyDetection's detect_anoms.R."""
    idx = np.arange(len(values))
    data = values.copy()
    n = len(values)
    found, num_anoms = [], 0
    for i in range(1, max_outliers + 1):
        med = np.median(data)
        if direction == "both":
            ares = np.abs(data - med)
        elif direction == "pos":
            ares = data - med
        else:
            ares = med - data
        sigma = 1.4826 * np.median(np.abs(data - med))
        if sigma == 0:
            break
        ares = ares / sigma
        r = ares.max()
        k = int(np.flatnonzero(ares == r)[0])
        found.append(int(idx[k]))
        data, idx = np.delete(data, k), np.delete(idx, k)
        p = 1 - alpha / (2 * (n - i + 1)) if direction == "both" else 1 - alpha / (n - i + 1)
        tq = stats.t.ppf(p, n - i - 1)
        lam = tq * (n - i) / math.sqrt((n - i - 1 + tq ** 2) * (n - i + 1))
        if r > lam:
            num_anoms = i
    return found[:num_anoms]


def esd_cases(rng: np.random.Generator) -> dict:
    values = rng.standard_t(df=3, size=2000)
    values[[100, 900, 1500]] += [15, -12, 9]
    cases = [{"direction": d, "maxOutliers": 80, "alpha": 0.05, "anomalies": sorted(r_esd(values, 80, 0.05, d))}
             for d in ("both", "pos", "neg")]
    return {"values": as_list(values), "cases": cases}


def raw_data_case() -> dict | None:
    """detect_anoms on the package's raw_data (max_anoms 0.02, both), with statsmodels' STL."""
    if not RAW_DATA.exists():
        return None
    counts = np.genfromtxt(RAW_DATA, delimiter=",", skip_header=1, usecols=2)
    period = 1440
    dec = r_stl(counts, period, "periodic", True)
    seasonal = np.array(dec["seasonal"])
    residual = counts - seasonal - np.median(counts)
    anomalies = sorted(r_esd(residual, int(len(counts) * 0.02), 0.05, "both"))
    return {"maxAnoms": 0.02, "direction": "both", "alpha": 0.05, "period": period, "anomalies": anomalies,
            "seasonalHead": dec["seasonal"][:5], "trendHead": dec["trend"][:5]}


def main() -> None:
    rng = np.random.default_rng(20240517)
    reference = {
        "generatedBy": "scripts/reference/generate_analytics_reference.py",
        "versions": {"python": sys.version.split()[0], "numpy": np.__version__, "scipy": scipy.__version__,
                     "statsmodels": statsmodels.__version__},
        "correlation": correlation_cases(rng),
        "distributions": distribution_cases(),
        "xcorr": xcorr_case(rng),
        "granger": granger_case(rng),
        "stl": stl_cases(rng),
        "esd": esd_cases(rng),
        "rawData": raw_data_case(),
    }
    OUT.write_text(json.dumps(reference, indent=1, allow_nan=False) + "\n")
    # The repo's format check covers JSON too; let prettier lay the file out.
    subprocess.run(["npx", "prettier", "--write", str(OUT)], cwd=ROOT, check=False)
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
