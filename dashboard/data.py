"""What each page shows, computed from sql/queries/ and warehouse.stats; pages only draw it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl
import streamlit as st

from dashboard.filters import MONTHS, Filters, default_filters, month_range
from dashboard.i18n import labels
from dashboard.state import prefetch, q
from pipelines import store
from pipelines.questionnaire import Questionnaire
from warehouse import settings, stats


def kpi_targets() -> dict[str, float]:
    """The follow-up KPIs' targets in force (settings target_callback_pct, target_survey_pct,
    target_coverage_pct; their defaults are warehouse.settings')."""
    found = {}
    for name in ("target_callback_pct", "target_survey_pct", "target_coverage_pct"):
        rows = q("setting", key=name)
        value = rows["value"][0] if rows.height else settings.SETTINGS[name].default
        found[name.removeprefix("target_").removesuffix("_pct")] = float(value)
    return found


def shift(period: dt.date, grain: str, back: int = 1) -> dt.date:
    """The start of the period `back` periods before `period` at `grain`."""
    months = {"month": 1, "quarter": 3, "half": 6, "year": 12}[grain] * back
    total = period.year * 12 + period.month - 1 - months
    return dt.date(total // 12, total % 12 + 1, 1)


@dataclass
class Kpis:
    period: dt.date | None
    csi: float | None
    responses: int
    vs_previous: stats.Comparison | None
    vs_last_year: stats.Comparison | None
    satisfied_vs_previous: stats.Comparison | None
    vs_chosen: (
        stats.Comparison | None
    )  # against the comparison the user picked (dashboard.filters.COMPARISONS)
    satisfied_vs_chosen: stats.Comparison | None
    satisfied_pct: float | None
    satisfaction_rate: float | None
    has_points: bool
    complaint_rate: float | None
    callback: float | None
    survey_success: float | None
    coverage: float | None
    # The months of the latest period the dates reach, when fewer than the period has: the cards
    # then compare the same months of the earlier periods (like with like), and say so.
    partial_months: int | None = None


def covered_months(f: Filters, period: dt.date) -> int | None:
    """How many months of `period` the date range reaches, when it ends inside the period."""
    whole = MONTHS[f.grain]
    reached = (f.date_to.year * 12 + f.date_to.month) - (period.year * 12 + period.month) + 1
    return reached if 0 < reached < whole else None


def _row(frame: pl.DataFrame, period: dt.date | None) -> dict | None:
    if period is None or frame.is_empty():
        return None
    found = frame.filter(pl.col("period_start") == period)
    return found.row(0, named=True) if found.height else None


def _value(frame: pl.DataFrame, period, column: str):
    row = _row(frame, period)
    return None if row is None else row[column]


def timezone() -> str:
    """The setting `timezone`: the company's time zone (IANA name)."""
    return str(q("metric_settings")["timezone"][0])


def pareto_max_bars() -> int:
    """The setting `pareto_max_bars`: most bars a Pareto chart draws (the rest is 其他)."""
    return int(q("metric_settings")["pareto_max_bars"][0])


def min_sample() -> int:
    """The setting `min_sample`: fewest responses a significance test needs."""
    return int(q("metric_settings")["min_sample"][0])


def _share_moments(row: dict) -> stats.RatioMoments:
    return stats.RatioMoments(
        row["responses"],
        row["satisfied"],
        row["ratings"],
        row["satisfied_sq"],
        row["satisfied_ratings"],
        row["ratings_sq"],
    )


def overview_queries(f: Filters, by: str = "scope") -> list[tuple[str, dict]]:
    """The Overview's queries that need no other query's answer (`by`: the breakdown)."""
    return [
        ("csi_trend", f.params()),
        ("metric_settings", {}),
        ("satisfaction_rates", f.params()),
        ("complaint_rates", f.params()),
        ("contact_rates", f.params()),
        ("coverage_rates", f.params()),
        ("action_kpis", f.params()),
        ("csi_yoy", f.params()),
        ("csi_breakdown", f.params(by=by)),
        *limits_query(f, "csi_low"),
    ]


def limits_params(f: Filters, rule: str) -> dict | None:
    """The parameters of an alert rule's control limits (csi_low on the Overview's trend,
    dissatisfied_high on the Pareto page), when they apply to what the page shows: monthly, the
    questionnaire's responses of one scope, no narrower filter."""
    if f.grain != "month" or f.segment or f.region or f.channel or f.staff:
        return None
    params = f.params()
    return {k: params[k] for k in ("qid", "date_from", "date_to")} | {"one_scope": f.one_scope, "rule": rule}


def limits_query(f: Filters, rule: str) -> list[tuple[str, dict]]:
    """The control-limits query of `rule` for a page's prefetch, when it applies."""
    params = limits_params(f, rule)
    return [("control_limits", params)] if params else []


def control_limits(f: Filters, rule: str) -> pl.DataFrame | None:
    """The months' control limits of the alert `rule` (CONTRACT §11), or None."""
    params = limits_params(f, rule)
    found = q("control_limits", **params) if params else None
    return found if found is not None and found.height else None


def overview(
    f: Filters, compare: str = "previous", custom=None, by: str = "scope"
) -> tuple[Kpis, pl.DataFrame]:
    """KPI cards of the latest period in the range, and the CSI trend; `compare` picks what the
    cards compare with: the previous period, the same period last year, or `custom` (from, to).
    Every query of the page runs first, side by side (`by`: the breakdown the page shows)."""
    prefetch(overview_queries(f, by))
    trend = q("csi_trend", **f.params())
    period = trend["period_start"].max() if trend.height else None
    kpi_trend = trend
    if period is not None:
        wider = f.params(
            date_from=shift(period, f.grain, {"month": 12, "quarter": 4, "half": 2}.get(f.grain, 1))
        )
        kpi_trend = q("csi_trend", **wider)
    current = _row(kpi_trend, period)
    previous = _row(kpi_trend, shift(period, f.grain) if period else None)
    last_year = _row(kpi_trend, shift(period, "year") if period else None)
    partial = covered_months(f, period) if period else None
    if partial:
        previous, last_year = (_months_of(f, shift(period, back), partial) for back in (f.grain, "year"))

    min_n = min_sample()

    def welch(other):
        if current is None:
            return None
        if other is None:
            return stats.Comparison("welch", None, None, current["csi_n"], 0, min_n)
        return stats.welch_from_stats(
            current["csi"],
            current["csi_sd"],
            current["csi_n"],
            other["csi"],
            other["csi_sd"],
            other["csi_n"],
            min_n,
        )

    def share(other):
        if current is None or other is None:
            return None
        return stats.share_change(_share_moments(current), _share_moments(other), min_n)

    chosen = {"previous": previous, "last_year": last_year}.get(compare)
    if compare == "custom" and custom is not None:
        chosen = _window(f, *month_range(*custom))  # whole months, as every query reads
    rates = q("satisfaction_rates", **f.params())
    complaints = q("complaint_rates", **f.params())
    contacts = q("contact_rates", **f.params())
    coverage = q("coverage_rates", **f.params())
    kpis = Kpis(
        period=period,
        csi=current["csi"] if current else None,
        responses=current["responses"] if current else 0,
        vs_previous=welch(previous),
        vs_last_year=welch(last_year),
        satisfied_vs_previous=share(previous),
        vs_chosen=welch(chosen),
        satisfied_vs_chosen=share(chosen),
        satisfied_pct=current["satisfied_pct"] if current else None,
        satisfaction_rate=_value(rates, period, "satisfaction_rate_pct"),
        has_points=rates.height > 0,
        complaint_rate=_value(complaints, period, "complaint_rate_pct"),
        callback=_value(contacts, period, "callback_success_pct"),
        survey_success=_value(contacts, period, "survey_success_pct"),
        coverage=_value(coverage, period, "coverage_pct"),
        partial_months=partial,
    )
    return kpis, trend


def _window(f: Filters, start: dt.date, end: dt.date) -> dict | None:
    """The CSI moments of the responses dated `start` to `end` (one row, as csi_trend's), or
    None when there is none."""
    window = q("csi_window", **f.params(date_from=start, date_to=end))
    return window.row(0, named=True) if window["responses"][0] else None


def _months_of(f: Filters, start: dt.date, months: int) -> dict | None:
    """The CSI moments of the first `months` months from `start`."""
    return _window(f, start, shift(start, "month", -months) - dt.timedelta(days=1))


def warm_overview() -> None:
    """Run what the Overview reads for a new session's filters on the first questionnaire, so
    that it is cached before the first user signs in (dashboard.state.warm_up)."""
    questionnaires = q("questionnaires")
    if questionnaires.is_empty():
        return
    f = default_filters(questionnaires.row(0, named=True))
    prefetch([("filter_values", {"qid": f.questionnaire_id})])
    kpis, _ = overview(f)
    kpi_targets()
    if kpis.period is not None:
        agents_of(f, kpis.period)


def agents_of(f: Filters, period: dt.date) -> pl.DataFrame:
    """The follow-up KPIs of each agent from `period` (the cards' latest period) to the end of
    the range: the callback and survey-success cards' drill-down."""
    _, date_to = month_range(f.date_from, f.date_to)
    return q("agent_kpis", date_from=period, date_to=date_to, scope=f.scope or None)


def rates_table(f: Filters) -> pl.DataFrame:
    """Complaint, follow-up and coverage KPIs per period, side by side."""
    complaints = q("complaint_rates", **f.params()).select(
        "period_start",
        "complaints",
        "shipments",
        "complaint_rate_pct",
        "answered_24h_pct",
        "verified_3wd_pct",
        "overdue_complaints",
    )
    contacts = q("contact_rates", **f.params()).select(
        "period_start", "callback_success_pct", "survey_success_pct"
    )
    coverage = q("coverage_rates", **f.params()).select("period_start", "surveyed_customers", "coverage_pct")
    rates = q("satisfaction_rates", **f.params()).select(
        "period_start", "survey_rate_pct", "satisfaction_rate_pct"
    )
    out = complaints.join(contacts, on="period_start", how="full", coalesce=True)
    out = out.join(coverage, on="period_start", how="full", coalesce=True)
    out = out.join(rates, on="period_start", how="full", coalesce=True)
    return out.sort("period_start")


def names(f: Filters) -> tuple[dict, dict]:
    """Dimension and item labels of the questionnaire: ({dimension_id: label}, {item_id: label})."""
    dims = q("dimensions", qid=f.questionnaire_id)
    items = q("items", qid=f.questionnaire_id)
    return (
        dict(zip(dims["dimension_id"], dims["dimension_label"], strict=True)),
        dict(zip(items["item_id"], items["item_label"], strict=True)),
    )


def item_summary(levels: pl.DataFrame) -> pl.DataFrame:
    """One row per item: ratings, mean 0-100 score and shares, from the level histogram."""
    levels = levels.with_columns(pl.col("ratings").cast(pl.Int64))  # SQL sums are 128-bit
    return (
        levels.group_by("dimension_id", "item_id")
        .agg(
            pl.col("ratings").sum().alias("ratings"),
            ((pl.col("ratings") * pl.col("norm_score")).sum() / pl.col("ratings").sum()).alias("mean_score"),
            (100 * pl.col("ratings").filter(pl.col("is_satisfied")).sum() / pl.col("ratings").sum()).alias(
                "satisfied_pct"
            ),
            (100 * pl.col("ratings").filter(pl.col("is_dissatisfied")).sum() / pl.col("ratings").sum()).alias(
                "dissatisfied_pct"
            ),
        )
        .sort("mean_score")
    )


def questionnaire(qid: str) -> Questionnaire | None:
    """The questionnaire in force, read through the cached reader and parsed once per process
    (the Upload page compares a file with every questionnaire on each rerun)."""
    found = q("questionnaire_toml", qid=qid)
    return store.parsed(found["toml"][0]) if found.height else None


QUADRANTS = ("fix first", "keep up", "low priority", "possible overkill", "no effect shown", "unknown")


@dataclass(frozen=True)
class KeyDrivers:
    """What the key-driver section draws: `frame` per dimension (relative weight with its
    interval, performance, quadrant), `table` the same in the reader's words, R² and n."""

    frame: pl.DataFrame
    table: pl.DataFrame
    outcome: str
    r2: float | None
    n: int


@st.cache_data(show_spinner=False, max_entries=64)
def _drivers(sample: pl.DataFrame, outcome: str) -> tuple[pl.DataFrame, float | None]:
    # The bootstrap's 500 resamples take about a second: once per data version and filters.
    wide = sample.pivot(on="dimension_id", index=["response_id", "csi", "overall_score"], values="score")
    frame = wide.select(
        pl.col(outcome), *[c for c in wide.columns if c not in ("response_id", "csi", "overall_score")]
    )
    return stats.key_drivers(frame, outcome=outcome)


def key_drivers(f: Filters, dim_names: dict) -> KeyDrivers | None:
    """Importance-performance of each dimension on a sample of the filtered responses.

    With an overall item, the outcome is its score and it is left out of its dimension's score
    (key_driver_sample), so no dimension is correlated with itself; without one, the outcome
    is the response's CSI. None when there is no response.
    """
    overall_item = questionnaire(f.questionnaire_id).overall_item
    sample = q("key_driver_sample", **f.params(overall_item=overall_item))
    if sample.is_empty():
        return None
    outcome = "overall_score" if overall_item and sample["overall_score"].drop_nulls().len() > 0 else "csi"
    frame, r2 = _drivers(sample, outcome)
    table = frame.select(
        pl.col("dimension_id").replace_strict(dim_names, default=pl.col("dimension_id")).alias("dimension"),
        "importance",
        "importance_low",
        "importance_high",
        "performance",
        pl.col("quadrant").replace_strict(labels(QUADRANTS, "quadrant"), default=pl.col("quadrant")),
        "n",
    )
    return KeyDrivers(frame, table, outcome, r2, int(frame["n"].max() or 0))


# The Pareto drill-down lists at most this many responses, the newest first.
DRILL_ROWS = 1000


def drill_responses(f: Filters, item_id: str) -> pl.DataFrame:
    """The newest dissatisfied own responses to `item_id` under the filters (at most DRILL_ROWS).

    They are read from the month the rollup says holds enough of them (drill_since): the
    answer sets are sorted by month, so that is a few row groups, not the whole warehouse. The
    rollup does not know the segment, region, channel or staff filters; when those leave fewer
    rows than asked for, the whole range is read, so the list is the same either way.
    """
    params = f.params(item_id=item_id, limit=DRILL_ROWS)
    since = q("drill_since", **params)["since"][0]
    found = q("drill_item_responses", **params, since=since)
    if found.height < DRILL_ROWS and since > params["date_from"]:
        found = q("drill_item_responses", **params, since=None)
    return found


COMMENT_ROWS = 1000  # sql/queries/dissatisfied_comments.sql lists the newest 1000


def dissatisfied_comments(f: Filters, search: str | None = None) -> pl.DataFrame:
    """The newest comments of dissatisfied own responses under the filters (at most
    COMMENT_ROWS; search optional).

    Like the drill-down they are read from the month from which the rollup counts enough
    dissatisfied ratings (drill_since over every item): 1000 responses have at most 1000 x the
    questionnaire's items of them (items are only ever added once it has answers), which the
    query is told, so that it reads the newest ratings only. The rollup knows neither comments
    nor the search, segment, region, channel or staff filters; when those leave fewer than
    COMMENT_ROWS, the whole range is read, so the list is the same either way.
    """
    found = questionnaire(f.questionnaire_id)
    bound = COMMENT_ROWS * len(found.items) if found is not None and found.items else None
    params = f.params(search=search, ratings_limit=bound)
    since = q("drill_since", **params, item_id=None, limit=bound or COMMENT_ROWS)["since"][0]
    listed = q("dissatisfied_comments", **params, since=since)
    if listed.height < COMMENT_ROWS and since > params["date_from"]:
        listed = q("dissatisfied_comments", **params, since=None)
    return listed


def competitors(f: Filters) -> pl.DataFrame:
    """Own vs each competitor per dimension over the range: the gap of item-rating means and
    Welch's test on responses (competitor_gaps), with a verdict."""
    gaps = q("competitor_gaps", **f.params(whole_range=True))
    return stats.gap_verdicts(gaps, min_sample()) if gaps.height else gaps


def competitor_trend(f: Filters) -> pl.DataFrame:
    """The competitor gaps per period of the chosen grain."""
    return q("competitor_gaps", **f.params(whole_range=False))
