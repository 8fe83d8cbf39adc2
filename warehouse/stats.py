"""Statistics SQL cannot do: significance of changes, competitor gaps, key drivers (scipy)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import polars as pl


class _Scipy:
    """scipy.stats, imported on first use: it costs 1.3-1.7 s, and most commands (every CLI
    command opens the warehouse, which registers these functions) never test anything."""

    def __getattr__(self, name: str):
        from scipy import stats as module

        return getattr(module, name)


stats = _Scipy()

MIN_N = 30
ALPHA = 0.05


@dataclass(frozen=True)
class Comparison:
    """A change from `before` to `after`: delta, p-value and whether the test could be made."""

    test: str
    delta: float | None
    p_value: float | None
    n_after: int
    n_before: int
    min_n: int = MIN_N

    @property
    def enough(self) -> bool:
        """Both samples reach the minimum size; otherwise no p-value is given."""
        return self.n_after >= self.min_n and self.n_before >= self.min_n

    @property
    def significant(self) -> bool:
        return self.enough and self.p_value is not None and self.p_value < ALPHA

    @property
    def verdict(self) -> str:
        """'significant', 'not significant', 'sample too small' or 'no data'."""
        if self.delta is None:
            return "no data"
        if not self.enough:
            return "sample too small"
        return "significant" if self.significant else "not significant"


def welch_from_stats(
    mean_after: float | None,
    sd_after: float | None,
    n_after: int,
    mean_before: float | None,
    sd_before: float | None,
    n_before: int,
    min_n: int = MIN_N,
) -> Comparison:
    """Welch's t-test from summary statistics (sample standard deviations)."""
    n_after, n_before = int(n_after or 0), int(n_before or 0)
    if mean_after is None or mean_before is None or n_after == 0 or n_before == 0:
        return Comparison("welch", None, None, n_after, n_before, min_n)
    mean_after, mean_before = float(mean_after), float(mean_before)
    delta = mean_after - mean_before
    if n_after < min_n or n_before < min_n:
        return Comparison("welch", delta, None, n_after, n_before, min_n)
    p = float(
        welch_p_values(
            mean_after, float(sd_after or 0.0), n_after, mean_before, float(sd_before or 0.0), n_before
        )
    )
    p = None if math.isnan(p) else p
    return Comparison("welch", delta, p, n_after, n_before, min_n)


def welch_p_values(mean_a, sd_a, n_a, mean_b, sd_b, n_b) -> np.ndarray:
    """Two-sided Welch t-test p-values from summary statistics, element-wise (NaN where a test
    is undefined: fewer than 2 values on a side, or a missing input). Both sides without
    variance: 1 when the means are equal, else 0. The SQL function welch_p (warehouse.lake)."""
    m1, s1, c1, m2, s2, c2 = (np.asarray(x, dtype=float) for x in (mean_a, sd_a, n_a, mean_b, sd_b, n_b))
    out = np.full(m1.shape, np.nan)
    ok = ~np.isnan(m1 + s1 + c1 + m2 + s2 + c2) & (np.nan_to_num(c1) >= 2) & (np.nan_to_num(c2) >= 2)
    flat = ok & (s1 == 0) & (s2 == 0)
    out[flat] = np.where(m1[flat] == m2[flat], 1.0, 0.0)
    test = ok & ~flat
    if test.any():
        out[test] = stats.ttest_ind_from_stats(
            m1[test], s1[test], c1[test], m2[test], s2[test], c2[test], equal_var=False
        ).pvalue
    return out


def welch(after, before, min_n: int = MIN_N) -> Comparison:
    """Welch's t-test of two samples (e.g. response CSI of two periods)."""
    a = np.asarray([x for x in after if x is not None and not math.isnan(x)], dtype=float)
    b = np.asarray([x for x in before if x is not None and not math.isnan(x)], dtype=float)
    return welch_from_stats(
        a.mean() if a.size else None,
        a.std(ddof=1) if a.size > 1 else 0.0,
        a.size,
        b.mean() if b.size else None,
        b.std(ddof=1) if b.size > 1 else 0.0,
        b.size,
        min_n,
    )


def two_proportions(
    x_after: int, n_after: int, x_before: int, n_before: int, min_n: int = MIN_N
) -> Comparison:
    """Two-proportion z-test (pooled) of shares such as satisfied %; delta in percentage points."""
    n_after, n_before = int(n_after or 0), int(n_before or 0)
    x_after, x_before = int(x_after or 0), int(x_before or 0)
    if n_after == 0 or n_before == 0:
        return Comparison("two-proportion z", None, None, n_after, n_before, min_n)
    p1, p2 = x_after / n_after, x_before / n_before
    delta = 100.0 * (p1 - p2)
    if n_after < min_n or n_before < min_n:
        return Comparison("two-proportion z", delta, None, n_after, n_before, min_n)
    pooled = (x_after + x_before) / (n_after + n_before)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n_after + 1 / n_before))
    p = (1.0 if p1 == p2 else 0.0) if se == 0 else float(2 * stats.norm.sf(abs((p1 - p2) / se)))
    return Comparison("two-proportion z", delta, p, n_after, n_before, min_n)


def two_proportion_p_values(x_a, n_a, x_b, n_b) -> np.ndarray:
    """Two-sided pooled two-proportion z test p-values, element-wise: x of n on each side. NaN
    where the test is undefined (an empty side, or a pooled share of 0 or 1). The SQL function
    two_prop_p (warehouse.lake); equal to chi2_contingency without continuity correction."""
    x1, c1, x2, c2 = (np.asarray(v, dtype=float) for v in (x_a, n_a, x_b, n_b))
    out = np.full(np.broadcast(x1, c1, x2, c2).shape, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        pooled = (x1 + x2) / (c1 + c2)
        se = np.sqrt(pooled * (1 - pooled) * (1 / c1 + 1 / c2))
        z = (x1 / c1 - x2 / c2) / se
    ok = (np.nan_to_num(c1) > 0) & (np.nan_to_num(c2) > 0) & (np.nan_to_num(se) > 0)
    out[ok] = 2 * stats.norm.sf(np.abs(z[ok]))
    return out


def poisson_p_values(k_a, n_a, k_b, n_b) -> np.ndarray:
    """Two-sided Poisson E-test p-values of two rates k/n (events per exposure, e.g. complaints
    per shipment), element-wise, as scipy.stats.poisson_means_test. NaN where undefined (no
    exposure on a side). The SQL function poisson_p (warehouse.lake)."""
    k1, c1, k2, c2 = (np.asarray(v, dtype=float) for v in (k_a, n_a, k_b, n_b))
    shape = np.broadcast(k1, c1, k2, c2).shape
    k1, c1, k2, c2 = (np.broadcast_to(v, shape) for v in (k1, c1, k2, c2))
    out = np.full(shape, np.nan)
    for index in np.ndindex(shape):
        values = (k1[index], c1[index], k2[index], c2[index])
        if any(math.isnan(v) for v in values) or c1[index] <= 0 or c2[index] <= 0:
            continue
        result = stats.poisson_means_test(int(k1[index]), c1[index], int(k2[index]), c2[index])
        out[index] = min(1.0, float(result.pvalue))
    return out


def poisson_rate_interval(k, exposure, upper: bool) -> np.ndarray:
    """Exact (Garwood) 95 % bound of a Poisson rate k / exposure, element-wise; NaN without
    exposure. The SQL functions rate_ci_low / rate_ci_high (warehouse.lake)."""
    k, n = np.asarray(k, dtype=float), np.asarray(exposure, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        if upper:
            bound = stats.chi2.ppf(0.975, 2 * k + 2) / 2
        else:
            bound = np.where(k > 0, stats.chi2.ppf(0.025, 2 * np.maximum(k, 1)) / 2, 0.0)
        out = bound / n
    return np.where(np.nan_to_num(n) > 0, out, np.nan)


@dataclass(frozen=True)
class RatioMoments:
    """Per-response sums behind a share of ratings (x satisfied of m answered in each response):
    n responses, sum x, sum m, sum x², sum x·m, sum m²."""

    n: int
    x: float
    m: float
    xx: float
    xm: float
    mm: float

    @property
    def share(self) -> float | None:
        return self.x / self.m if self.m else None

    @property
    def variance(self) -> float | None:
        """Variance of the share with the response as the unit (ratio estimator over clusters):
        n/(n-1) · Σ(x_i - p·m_i)² / (Σm)². With equal m_i it is the squared standard error
        of the mean of the per-response shares, as in Welch's test."""
        p = self.share
        if p is None or self.n < 2:
            return None
        residual = self.xx - 2 * p * self.xm + p * p * self.mm
        return self.n / (self.n - 1) * max(residual, 0.0) / (self.m * self.m)


def share_change(after: RatioMoments, before: RatioMoments, min_n: int = MIN_N) -> Comparison:
    """Change of a share of ratings (e.g. satisfied %) tested on responses, not ratings: a
    two-sided z test with each share's variance over responses (RatioMoments.variance).
    delta in percentage points; n = responses."""
    test = "share z (responses)"
    n_after, n_before = int(after.n or 0), int(before.n or 0)
    if after.share is None or before.share is None:
        return Comparison(test, None, None, n_after, n_before, min_n)
    delta = 100.0 * (after.share - before.share)
    if n_after < min_n or n_before < min_n:
        return Comparison(test, delta, None, n_after, n_before, min_n)
    se = math.sqrt(after.variance + before.variance)
    if se == 0:
        p = 1.0 if delta == 0 else 0.0
    else:
        p = float(2 * stats.norm.sf(abs(after.share - before.share) / se))
    return Comparison(test, delta, p, n_after, n_before, min_n)


def gap_verdicts(gaps: pl.DataFrame, min_n: int = MIN_N) -> pl.DataFrame:
    """Add a verdict to competitor gaps whose p_value was tested on responses (sql welch_p):
    'sample too small' when either side has fewer than `min_n` responses."""
    small = (pl.col("own_responses").fill_null(0) < min_n) | (
        pl.col("competitor_responses").fill_null(0) < min_n
    )
    return gaps.with_columns(
        pl.when(pl.col("gap").is_null())
        .then(pl.lit("no data"))
        .when(small)
        .then(pl.lit("sample too small"))
        .when(pl.col("p_value") < ALPHA)
        .then(pl.lit("significant"))
        .otherwise(pl.lit("not significant"))
        .alias("verdict")
    )


def relative_weights(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    """Johnson's (2000) relative weights of the columns of `x` on `y`: each predictor's share
    of R² when the predictors are correlated (raw weights, summing to R²), and R²."""
    rxx = np.corrcoef(x, rowvar=False)
    rxy = np.array([np.corrcoef(x[:, j], y)[0, 1] for j in range(x.shape[1])])
    values, vectors = np.linalg.eigh(rxx)
    values = np.clip(values, 0, None)
    root = vectors @ np.diag(np.sqrt(values)) @ vectors.T  # the orthogonal counterparts' loadings
    beta = np.linalg.pinv(root) @ rxy
    raw = (root**2) @ (beta**2)
    return raw, float(raw.sum())


# Resamples of the key-driver bootstrap, and its seed: the same data give the same intervals.
BOOTSTRAP = 500
SEED = 19038


def key_drivers(
    scores: pl.DataFrame, outcome: str = "csi", resamples: int = BOOTSTRAP
) -> tuple[pl.DataFrame, float | None]:
    """Importance vs performance of each dimension, and R² of the dimensions on the outcome.

    `scores` has one row per response: the outcome column (an overall item's score or the CSI)
    and one column per dimension score (null when not answered), over the responses that
    answered every dimension. Importance is the dimension's relative weight (Johnson), its share
    of R² in per cent, with a 95 % percentile bootstrap interval; a dimension matters only when
    its raw weight beats that of a random variable added to every resample (Tonidandel,
    LeBreton & Johnson 2009: the interval of the difference lies above zero). Raw correlations
    overstate: r of 0.03 made a "fix first". Quadrants split at the mean importance and mean
    performance among the dimensions that matter; the others are "no effect shown"."""
    dims = [c for c in scores.columns if c != outcome]
    performance = {
        d: (float(np.nanmean(v)) if (~np.isnan(v := scores[d].to_numpy().astype(float))).any() else None)
        for d in dims
    }
    complete = scores.drop_nulls().drop_nans() if scores.height else scores
    x = complete.select(dims).to_numpy().astype(float) if complete.height else np.empty((0, len(dims)))
    y = complete[outcome].to_numpy().astype(float) if complete.height else np.empty(0)
    usable = [j for j in range(len(dims)) if x.shape[0] > 2 and x[:, j].std() > 0]
    weight = dict.fromkeys(dims)
    low, high, matters = dict.fromkeys(dims), dict.fromkeys(dims), dict.fromkeys(dims, False)
    r2 = None
    if len(usable) and x.shape[0] > len(usable) + 10 and y.std() > 0:
        xs = x[:, usable]
        raw, r2 = relative_weights(xs, y)
        rng = np.random.default_rng(SEED)
        shares, beats = [], []
        for _ in range(resamples):
            pick = rng.integers(0, len(y), len(y))
            bx, by = xs[pick], y[pick]
            if by.std() == 0 or (bx.std(axis=0) == 0).any():
                continue
            noise = rng.standard_normal(len(by))
            with_noise, total = relative_weights(np.column_stack([bx, noise]), by)
            shares.append(with_noise[:-1] / total * 100 if total > 0 else np.zeros(len(usable)))
            beats.append(with_noise[:-1] - with_noise[-1])
        shares, beats = np.array(shares), np.array(beats)
        for k, j in enumerate(usable):
            name = dims[j]
            weight[name] = float(raw[k] / r2 * 100) if r2 > 0 else 0.0
            if len(shares):
                low[name], high[name] = (float(v) for v in np.percentile(shares[:, k], [2.5, 97.5]))
                matters[name] = bool(np.percentile(beats[:, k], 2.5) > 0)
    frame = pl.DataFrame(
        {
            "dimension_id": dims,
            "importance": [weight[d] for d in dims],
            "importance_low": [low[d] for d in dims],
            "importance_high": [high[d] for d in dims],
            "performance": [performance[d] for d in dims],
            "n": [int(x.shape[0])] * len(dims),
            "matters": [matters[d] for d in dims],
        },
        schema={
            "dimension_id": pl.Utf8,
            "importance": pl.Float64,
            "importance_low": pl.Float64,
            "importance_high": pl.Float64,
            "performance": pl.Float64,
            "n": pl.Int64,
            "matters": pl.Boolean,
        },
    )
    shown = frame.filter(pl.col("matters"))
    imp_mid = shown["importance"].mean() if shown.height else 0.0
    perf_mid = shown["performance"].mean() if shown.height else 0.0
    return (
        frame.with_columns(
            pl.when(pl.col("importance").is_null() | pl.col("performance").is_null())
            .then(pl.lit("unknown"))
            .when(~pl.col("matters"))
            .then(pl.lit("no effect shown"))
            .when((pl.col("importance") >= imp_mid) & (pl.col("performance") < perf_mid))
            .then(pl.lit("fix first"))
            .when(pl.col("importance") >= imp_mid)
            .then(pl.lit("keep up"))
            .when(pl.col("performance") < perf_mid)
            .then(pl.lit("low priority"))
            .otherwise(pl.lit("possible overkill"))
            .alias("quadrant")
        ),
        r2,
    )
