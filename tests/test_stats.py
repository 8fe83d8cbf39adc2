"""Statistics: expected values from scipy or by hand on small inputs written here."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest
from scipy import stats as sps

from warehouse.stats import (
    RatioMoments,
    gap_verdicts,
    key_drivers,
    share_change,
    two_proportions,
    welch,
    welch_from_stats,
    welch_p_values,
)

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


def test_welch_p_values_match_scipy_elementwise_and_null_where_undefined():
    got = welch_p_values(
        [75, 75, 75, None], [10, 10, 0, 1], [50, 1, 5, 9], [70, 70, 75, 1], [20, 20, 0, 1], [60, 60, 5, 9]
    )
    assert math.isclose(
        got[0], sps.ttest_ind_from_stats(75, 10, 50, 70, 20, 60, equal_var=False).pvalue, rel_tol=1e-12
    )
    assert math.isnan(got[1]) and got[2] == 1.0 and math.isnan(got[3])


def test_gap_verdicts_count_responses_not_ratings():
    gaps = pl.DataFrame(
        {
            "gap": [5.0, 5.0, 5.0],
            "p_value": [0.01, 0.01, 0.2],
            "own_responses": [40, 12, 40],
            "competitor_responses": [35, 35, 35],
        }
    )
    assert gap_verdicts(gaps)["verdict"].to_list() == ["significant", "sample too small", "not significant"]
    assert gap_verdicts(gaps, min_n=10)["verdict"][1] == "significant"


def _moments(x, m):
    x, m = np.asarray(x, float), np.asarray(m, float)
    return RatioMoments(len(x), x.sum(), m.sum(), (x * x).sum(), (x * m).sum(), (m * m).sum())


def test_share_change_tests_on_responses():
    rng = np.random.default_rng(3)
    # Equal items per response: the variance is that of the mean of the per-response shares, so
    # z equals Welch's t statistic on the per-response shares (scipy).
    a, b = rng.integers(0, 6, 40), rng.integers(0, 6, 50)
    r = share_change(_moments(a, [5] * 40), _moments(b, [5] * 50))
    t = sps.ttest_ind(a / 5, b / 5, equal_var=False).statistic
    assert math.isclose(r.delta, 100 * (a.mean() / 5 - b.mean() / 5))
    assert math.isclose(r.p_value, 2 * sps.norm.sf(abs(t)), rel_tol=1e-9)
    assert r.n_after == 40 and r.n_before == 50
    # Unequal items: by hand, var = n/(n-1) * sum((x - p m)^2) / (sum m)^2.
    x1, m1, x2, m2 = [3, 1, 4, 0], [4, 2, 5, 3], [2, 2, 1], [2, 3, 4]
    r = share_change(_moments(x1, m1), _moments(x2, m2), min_n=3)
    p1, p2 = 8 / 14, 5 / 9
    v1 = 4 / 3 * sum((x - p1 * m) ** 2 for x, m in zip(x1, m1, strict=True)) / 14**2
    v2 = 3 / 2 * sum((x - p2 * m) ** 2 for x, m in zip(x2, m2, strict=True)) / 9**2
    assert math.isclose(r.p_value, 2 * sps.norm.sf(abs(p1 - p2) / math.sqrt(v1 + v2)), rel_tol=1e-9)
    # 100 ratings from 29 responses are too few: the sample counts responses.
    assert share_change(_moments([3] * 29, [4] * 29), _moments(b, [5] * 50)).verdict == "sample too small"


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


def test_key_drivers_split_at_means_on_a_known_answer():
    # Known answer: d_low is the strong driver with the lowest performance -> fix first; d_high is
    # strong and high -> keep up; weak ones split by performance.
    rng = np.random.default_rng(7)
    n = 500
    d_low, d_high = rng.normal(55, 10, n), rng.normal(90, 10, n)
    w_low, w_high = rng.normal(60, 10, n), rng.normal(88, 10, n)
    overall = 0.6 * d_low + 0.6 * d_high + 0.05 * w_low + 0.05 * w_high + rng.normal(0, 3, n)
    frame = pl.DataFrame(
        {"overall_score": overall, "d_low": d_low, "d_high": d_high, "w_low": w_low, "w_high": w_high}
    )
    out = dict(key_drivers(frame, outcome="overall_score").select("dimension_id", "quadrant").iter_rows())
    assert out == {
        "d_low": "fix first",
        "d_high": "keep up",
        "w_low": "low priority",
        "w_high": "possible overkill",
    }


def test_p_values_and_shares_read_the_same_everywhere():
    from dashboard.widgets import presented

    frame = pl.DataFrame(
        {"p_value": [0.00001, 0.04567, None], "share_pct": [33.3333, 50.0, 1 / 3], "n": [1, 2, 3]}
    )
    out = presented(frame)
    assert out["p_value"].to_list() == ["<0.001", "0.046", None]
    assert out["share_pct"].to_list() == [33.3, 50.0, 0.3] and out["n"].to_list() == [1, 2, 3]
