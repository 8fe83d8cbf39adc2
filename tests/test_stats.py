"""Statistics: expected values from scipy or by hand on small inputs written here."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest
from scipy import stats as sps

from warehouse.stats import competitor_significance, key_drivers, two_proportions, welch, welch_from_stats

A = [80, 85, 90, 75, 88, 92, 79, 84, 86, 91] * 4  # n = 40
B = [70, 72, 68, 80, 75, 74, 69, 71, 77, 73] * 4


def test_welch_matches_scipy():
    result = welch(A, B)
    expected = sps.ttest_ind(A, B, equal_var=False)
    assert math.isclose(result.delta, np.mean(A) - np.mean(B))
    assert math.isclose(result.p_value, expected.pvalue, rel_tol=1e-9)
    assert result.enough and result.significant and result.verdict == "significant"


def test_welch_from_stats_by_hand():
    # t = (75 - 70) / sqrt(10^2/50 + 20^2/60) = 5 / sqrt(2 + 6.6667) = 1.69842...
    r = welch_from_stats(75, 10, 50, 70, 20, 60)
    se = math.sqrt(100 / 50 + 400 / 60)
    df = se**4 / ((100 / 50) ** 2 / 49 + (400 / 60) ** 2 / 59)
    assert math.isclose(r.p_value, 2 * sps.t.sf(5 / se, df), rel_tol=1e-9)
    assert r.delta == 5 and not r.significant and r.verdict == "not significant"


def test_small_sample_is_flagged_not_tested():
    r = welch(A[:10], B)
    assert r.delta == pytest.approx(np.mean(A[:10]) - np.mean(B))
    assert r.p_value is None and not r.enough and r.verdict == "sample too small"
    assert welch([], B).verdict == "no data"


def test_two_proportions_by_hand():
    # 60/100 vs 45/100: pooled 0.525, se = sqrt(.525*.475*.02) = 0.070622, z = 2.12398
    r = two_proportions(60, 100, 45, 100)
    z = 0.15 / math.sqrt(0.525 * 0.475 * 0.02)
    assert math.isclose(r.delta, 15.0)
    assert math.isclose(r.p_value, 2 * sps.norm.sf(z), rel_tol=1e-12)
    assert r.significant
    assert two_proportions(5, 20, 10, 100).verdict == "sample too small"


def test_competitor_significance_adds_p_values():
    gaps = pl.DataFrame(
        {
            "own_mean": [75.0, 75.0],
            "own_sd": [10.0, 10.0],
            "own_n": [50, 50],
            "competitor_mean": [70.0, 70.0],
            "competitor_sd": [20.0, 20.0],
            "competitor_n": [60, 10],
        }
    )
    out = competitor_significance(gaps)
    assert math.isclose(out["p_value"][0], welch_from_stats(75, 10, 50, 70, 20, 60).p_value)
    assert out["p_value"][1] is None and out["verdict"].to_list() == ["not significant", "sample too small"]


def test_key_drivers_correlation_beta_and_quadrants():
    rng = np.random.default_rng(1)
    n = 400
    d1 = rng.normal(60, 10, n)  # strong driver, low performance -> fix first
    d2 = rng.normal(85, 10, n)  # weak driver, high performance
    d3 = rng.normal(80, 10, n)
    csi = 0.7 * d1 + 0.1 * d2 + 0.2 * d3 + rng.normal(0, 2, n)
    frame = pl.DataFrame({"csi": csi, "d1": d1, "d2": d2, "d3": d3})
    out = {r["dimension_id"]: r for r in key_drivers(frame).iter_rows(named=True)}
    assert math.isclose(out["d1"]["importance"], sps.pearsonr(d1, csi).statistic, rel_tol=1e-9)
    z = np.column_stack([(x - x.mean()) / x.std(ddof=1) for x in (d1, d2, d3)])
    beta, *_ = np.linalg.lstsq(z, (csi - csi.mean()) / csi.std(ddof=1), rcond=None)
    assert math.isclose(out["d1"]["beta"], beta[0], rel_tol=1e-9)
    assert math.isclose(out["d1"]["performance"], d1.mean())
    assert out["d1"]["quadrant"] == "fix first"
    assert out["d2"]["quadrant"] in ("possible overkill", "low priority")


def test_key_drivers_ignore_unanswered_dimensions():
    frame = pl.DataFrame(
        {"csi": [50.0, 60.0, 70.0, 80.0], "a": [50.0, 60.0, 70.0, 80.0], "b": [None, 10.0, 20.0, None]}
    )
    out = {r["dimension_id"]: r for r in key_drivers(frame).iter_rows(named=True)}
    assert math.isclose(out["a"]["importance"], 1.0) and out["a"]["n"] == 4
    assert out["b"]["n"] == 2 and out["b"]["importance"] is None
