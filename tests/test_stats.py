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
    relative_weights,
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


def test_relative_weights_sum_to_r2_and_equal_r_squared_for_uncorrelated_predictors():
    rng = np.random.default_rng(1)
    n = 400
    x = rng.normal(0, 1, (n, 3)) @ np.array([[1, 0.6, 0.3], [0, 1, 0.4], [0, 0, 1]])  # correlated
    y = 0.7 * x[:, 0] + 0.1 * x[:, 1] + 0.2 * x[:, 2] + rng.normal(0, 1, n)
    raw, r2 = relative_weights(x, y)
    design = np.column_stack([np.ones(n), x])
    fitted = design @ np.linalg.lstsq(design, y, rcond=None)[0]
    assert math.isclose(r2, sps.pearsonr(fitted, y).statistic ** 2, rel_tol=1e-9)  # OLS R²
    assert math.isclose(raw.sum(), r2, rel_tol=1e-12) and (raw >= 0).all()
    # Uncorrelated predictors: each weight is its squared correlation with the outcome.
    centred = rng.normal(0, 1, (n, 3))
    q, _ = np.linalg.qr(centred - centred.mean(axis=0))  # orthogonal columns, still centred
    y2 = q @ np.array([3.0, 1.0, 0.5]) + rng.normal(0, 0.05, n)
    raw2, _ = relative_weights(q, y2)
    squared = [sps.pearsonr(q[:, j], y2).statistic ** 2 for j in range(3)]
    assert np.allclose(raw2, squared, rtol=1e-6, atol=1e-9)


def test_key_drivers_weigh_importance_with_intervals_and_quadrants():
    rng = np.random.default_rng(1)
    n = 400
    d1 = rng.normal(60, 10, n)  # strong driver, low performance -> fix first
    d2 = rng.normal(85, 10, n)  # weak driver, high performance
    d3 = rng.normal(80, 10, n)
    csi = 0.7 * d1 + 0.1 * d2 + 0.2 * d3 + rng.normal(0, 2, n)
    frame = pl.DataFrame({"csi": csi, "d1": d1, "d2": d2, "d3": d3})
    drivers, r2 = key_drivers(frame, resamples=200)
    out = {r["dimension_id"]: r for r in drivers.iter_rows(named=True)}
    raw, expected_r2 = relative_weights(np.column_stack([d1, d2, d3]), csi)
    assert math.isclose(r2, expected_r2) and r2 > 0.9
    assert math.isclose(out["d1"]["importance"], raw[0] / expected_r2 * 100, rel_tol=1e-9)
    assert sum(r["importance"] for r in out.values()) == pytest.approx(100)
    assert out["d1"]["importance_low"] < out["d1"]["importance"] < out["d1"]["importance_high"]
    assert math.isclose(out["d1"]["performance"], d1.mean())
    assert out["d1"]["quadrant"] == "fix first" and out["d1"]["matters"]
    assert out["d2"]["quadrant"] in ("possible overkill", "low priority", "no effect shown")


def test_key_drivers_without_an_effect_are_no_priority():
    """Outcome unrelated to the dimensions (r of a few hundredths, as on the old demo): no
    dimension is shown to matter, so none is a priority, and R² says why."""
    rng = np.random.default_rng(3)
    n = 600
    frame = pl.DataFrame(
        {"overall_score": rng.normal(80, 10, n), "a": rng.normal(60, 10, n), "b": rng.normal(90, 10, n)}
    )
    drivers, r2 = key_drivers(frame, outcome="overall_score", resamples=200)
    assert r2 < 0.02
    assert set(drivers["quadrant"]) == {"no effect shown"}


def test_key_drivers_ignore_unanswered_dimensions_and_say_too_few():
    frame = pl.DataFrame(
        {"csi": [50.0, 60.0, 70.0, 80.0], "a": [50.0, 60.0, 70.0, 80.0], "b": [None, 10.0, 20.0, None]}
    )
    drivers, r2 = key_drivers(frame)
    assert r2 is None and set(drivers["quadrant"]) == {"unknown"}  # too few complete responses


def test_key_drivers_split_at_means_on_a_known_answer():
    # Known answer: d_low is a strong driver with the lowest performance -> fix first; d_high is
    # strong and high -> keep up; the weaker ones split by performance; `none` adds nothing a
    # random variable would not.
    rng = np.random.default_rng(7)
    n = 500
    d_low, d_high = rng.normal(55, 10, n), rng.normal(90, 10, n)
    w_low, w_high, none = rng.normal(60, 10, n), rng.normal(88, 10, n), rng.normal(70, 10, n)
    overall = 0.6 * d_low + 0.6 * d_high + 0.2 * w_low + 0.2 * w_high + rng.normal(0, 3, n)
    frame = pl.DataFrame(
        {
            "overall_score": overall,
            "d_low": d_low,
            "d_high": d_high,
            "w_low": w_low,
            "w_high": w_high,
            "none": none,
        }
    )
    drivers, _ = key_drivers(frame, outcome="overall_score", resamples=200)
    out = dict(drivers.select("dimension_id", "quadrant").iter_rows())
    assert out == {
        "d_low": "fix first",
        "d_high": "keep up",
        "w_low": "low priority",
        "w_high": "possible overkill",
        "none": "no effect shown",
    }


def test_p_values_and_shares_read_the_same_everywhere():
    from dashboard.widgets import presented

    frame = pl.DataFrame(
        {"p_value": [0.00001, 0.04567, None], "share_pct": [33.3333, 50.0, 1 / 3], "n": [1, 2, 3]}
    )
    out = presented(frame)
    assert out["p_value"].to_list() == ["<0.001", "0.046", None]
    assert out["share_pct"].to_list() == [33.3, 50.0, 0.3] and out["n"].to_list() == [1, 2, 3]


def test_a_period_axis_ticks_on_the_periods_first_days_and_frames_one_period():
    import datetime as dt

    from dashboard.charts import date_axis

    one = date_axis([dt.date(2021, 6, 1)])
    assert one["dtick"] == "M1" and one["range"] == ["2021-05-12", "2021-06-21"]  # not a span of days
    quarters = date_axis([dt.date(2021, m, 1) for m in (1, 4, 7, 10)])
    assert quarters["dtick"] == "M3" and quarters["tick0"] == "2021-01-01"
    long = date_axis([dt.date(2020 + n // 12, n % 12 + 1, 1) for n in range(30)])
    assert long["dtick"] == "M3"  # at most about a dozen ticks
