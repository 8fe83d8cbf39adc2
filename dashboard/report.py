"""The monthly satisfaction report (满意度调查报告, CONTRACT §6): its sections gathered from the
dashboard's own data functions and queries (dashboard.data, sql/queries/) — never a second
computation — then written as PDF (dashboard.report_pdf) or XLSX (dashboard.report_xlsx)."""

from __future__ import annotations

import contextvars
import dataclasses
import datetime as dt
import re
import zoneinfo
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import plotly.graph_objects as go
import polars as pl

from dashboard import charts, data
from dashboard.filters import Filters, month_range, picked
from dashboard.i18n import label, t
from dashboard.state import allowed, q
from dashboard.widgets import p_text
from warehouse import stats

PERIOD = re.compile(r"^(\d{4})(?:-(?:(\d{2})|Q([1-4])|H([12])))?$")
TREND_PERIODS = 13
COMMENTS_IN_PDF = 40


class ReportError(ValueError):
    """A report that cannot be made, with the reason in words."""


@dataclass(frozen=True)
class Period:
    grain: str  # month, quarter, half, year
    start: dt.date
    end: dt.date
    text: str  # as given: 2026-10, 2026-Q3, 2026-H2, 2026


def parse_period(text: str) -> Period:
    """'2026-10' a month, '2026-Q3' a quarter, '2026-H2' a half year, '2026' a year."""
    found = PERIOD.match((text or "").strip())
    if not found:
        raise ReportError(f"period must look like 2026-10, 2026-Q3, 2026-H2 or 2026, got {text!r}")
    year, month, quarter, half = found.groups()
    year = int(year)
    if month:
        if not 1 <= int(month) <= 12:
            raise ReportError(
                f"no month {month} in {text!r}: a period looks like 2026-10, 2026-Q3, 2026-H2 or 2026"
            )
        grain, first, months = "month", int(month), 1
    elif quarter:
        grain, first, months = "quarter", 3 * int(quarter) - 2, 3
    elif half:
        grain, first, months = "half", 6 * int(half) - 5, 6
    else:
        grain, first, months = "year", 1, 12
    start = dt.date(year, first, 1)
    end = month_range(start, dt.date(year, first + months - 1, 1))[1]
    return Period(grain, start, end, text.strip())


def period_label(start: dt.date, grain: str) -> str:
    """A period as the report names it: 2026-09, 2026-Q3, 2026-H2, 2026."""
    if grain == "month":
        return start.strftime("%Y-%m")
    if grain == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    if grain == "half":
        return f"{start.year}-H{1 if start.month <= 6 else 2}"
    return str(start.year)


@dataclass
class Section:
    key: str  # sheet and heading: report.section.<key>
    reading: str  # the one line in words
    table: pl.DataFrame | None = None  # shown (PDF) and written (XLSX); None: nothing to show
    figure: go.Figure | None = None
    note: str | None = None  # e.g. "the first 40 of 120 comments"


@dataclass
class Report:
    title: str
    questionnaire_id: str
    period: Period
    filters: list[tuple[str, str]]
    generated_at: str
    lang: str
    sections: list[Section] = field(default_factory=list)
    kpis: dict = field(default_factory=dict)  # the KPI values, as numbers (tests, JSON)


def _fmt(value, digits: int = 1, suffix: str = "") -> str:
    if value is None:
        return t("report.none")
    if isinstance(value, float):
        return f"{value:,.{digits}f}{suffix}"
    return f"{value:,}{suffix}"


def _change(comparison: stats.Comparison | None) -> str:
    if comparison is None or comparison.delta is None:
        return t("verdict.no data")
    shown = p_text(comparison.p_value)
    p = "" if shown is None else f", p{shown}" if shown.startswith("<") else f", p={shown}"
    return f"{comparison.delta:+.1f} ({t('verdict.' + comparison.verdict)}{p})"


def _status(value, threshold, higher: bool = True) -> str:
    if value is None or threshold is None:
        return t("report.none")
    met = value >= threshold if higher else value <= threshold
    return t("report.met") if met else t("report.not_met")


def _filters(f: Filters, regions) -> list[tuple[str, str]]:
    everything = t("filter.all")
    shown = [
        (t("filter.scope"), "、".join(label("scope", v) for v in f.scope) or everything),
        (t("filter.segment"), "、".join(label("segment", v) for v in f.segment) or everything),
        (t("filter.region"), "、".join(f.region) or everything),
    ]
    if f.channel:
        shown.append((t("filter.channel"), "、".join(label("channel", v) for v in f.channel)))
    if f.staff:
        shown.append((t("filter.staff"), "、".join(f.staff)))
    if regions:
        shown.append((t("report.regions_limit"), "、".join(regions)))
    return shown


def _mapped(frame: pl.DataFrame, column: str, fn) -> pl.Expr:
    """`column` translated by `fn`, looked up here: polars may run a map_elements callback on
    another thread, which would not see the report's language."""
    mapping = {v: fn(v) for v in frame[column].unique().to_list() if v is not None}
    return pl.col(column).replace_strict(mapping, default=None, return_dtype=pl.Utf8)


def build(
    qid: str,
    period: Period,
    scope=None,
    segment=None,
    region=None,
    regions=None,
    now: dt.datetime | None = None,
    lang: str = "zh",
    channel=None,
    staff=None,
) -> Report:
    """Every section of the report for the questionnaire, period and filters (the caller sets
    the language and the query context: a Streamlit session or dashboard.state.offline).
    Each filter is one value, several (a multi-select) or None for all."""
    scope, segment, region, channel, staff = (picked(v) for v in (scope, segment, region, channel, staff))
    found = q("questionnaires").filter(pl.col("questionnaire_id") == qid)
    if found.is_empty():
        raise ReportError(f"unknown questionnaire {qid!r}")
    row = found.row(0, named=True)
    back = {"month": 12, "quarter": 12, "half": 12, "year": 12}[period.grain]
    f = Filters(
        qid,
        row["title"],
        row["target"],
        period.grain,
        period.start,
        period.end,
        scope,
        segment,
        region,
        channel,
        staff,
    )
    wide = dataclasses.replace(f, date_from=data.shift(period.start, period.grain, back))
    now = now or dt.datetime.now(zoneinfo.ZoneInfo(data.timezone()))  # the company's time, not the server's
    report = Report(
        row["title"], qid, period, _filters(f, regions), now.strftime("%Y-%m-%d %H:%M %Z").strip(), lang
    )
    dims, items = data.names(f)
    data.min_sample()  # read once before the threads
    makers = (_kpis, _trend, _dimensions, _histograms, _pareto_items, _pareto_causes, _fishbone)
    makers += (_voice, _competitors, _key_accounts, _agents, _actions, _comments)
    # The sections are independent: two at a time (DuckDB runs a query without the GIL), each
    # in a copy of this context (language, query context).
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [
            pool.submit(contextvars.copy_context().run, make, f, wide, report, dims, items) for make in makers
        ]
        report.sections = [future.result() for future in futures]
    return report


def _kpis(f: Filters, wide: Filters, report: Report, dims, items) -> Section:
    kpis, _ = data.overview(wide)
    in_period = kpis.period == f.date_from
    if not in_period:
        kpis, _ = data.overview(f)  # no response in the period: the other KPIs still count
    csi = kpis.csi if in_period else None
    vs_prev = kpis.vs_previous if in_period else None
    vs_ly = kpis.vs_last_year if in_period else None
    rows = [
        (
            t("kpi.csi"),
            _fmt(csi),
            f"≥ {f.target:g}",
            _status(csi, f.target),
            _change(vs_prev),
            _change(vs_ly),
        ),
        (t("kpi.responses"), _fmt(kpis.responses if in_period else 0), "", "", "", ""),
        (
            t("kpi.satisfied_share"),
            _fmt(kpis.satisfied_pct if in_period else None, suffix="%"),
            "",
            "",
            "",
            "",
        ),
        (
            t("kpi.satisfaction_rate"),
            _fmt(kpis.satisfaction_rate, suffix="%"),
            "",
            "" if kpis.has_points else t("kpi.no_points"),
            "",
            "",
        ),
        (t("kpi.complaint_rate"), _fmt(kpis.complaint_rate, 2, "%"), "", "", "", ""),
    ]
    targets = data.kpi_targets()
    for key, value, target in (
        ("kpi.callback", kpis.callback, targets["callback"]),
        ("kpi.survey_success", kpis.survey_success, targets["survey"]),
        ("kpi.coverage", kpis.coverage, targets["coverage"]),
    ):
        rows.append((t(key), _fmt(value, suffix="%"), f"≥ {target:g}%", _status(value, target), "", ""))
    report.kpis = {
        "csi": csi,
        "responses": kpis.responses if in_period else 0,
        "satisfied_pct": kpis.satisfied_pct if in_period else None,
        "satisfaction_rate_pct": kpis.satisfaction_rate,
        "complaint_rate_pct": kpis.complaint_rate,
        "callback_pct": kpis.callback,
        "survey_success_pct": kpis.survey_success,
        "coverage_pct": kpis.coverage,
        "csi_vs_previous": vs_prev.delta if vs_prev else None,
        "csi_vs_previous_p": vs_prev.p_value if vs_prev else None,
    }
    heads = [t("report.col.kpi"), t("report.col.value"), t("kpi.target"), t("report.col.status")]
    table = pl.DataFrame(rows, schema=[*heads, t("kpi.vs_prev"), t("kpi.vs_ly")], orient="row")
    if csi is None:
        reading = t("report.read.kpi_none")
    else:
        where = t("report.above") if csi >= f.target else t("report.below")
        reading = t("report.read.kpi", csi=csi, where=where, target=f.target, change=_change(vs_prev))
    return Section("kpis", reading, table)


def _trend(f: Filters, wide: Filters, report: Report, dims, items) -> Section:
    trend = q("csi_trend", **wide.params())
    if trend.is_empty():
        return Section("trend", t("report.read.empty"))
    trend = trend.tail(TREND_PERIODS)
    table = trend.select(
        pl.col("period_start")
        .map_elements(lambda d: period_label(d, f.grain), return_dtype=pl.Utf8)
        .alias(t("report.col.period")),
        pl.col("responses").alias(t("kpi.responses")),
        pl.col("csi").round(1).alias("CSI"),
        pl.col("csi_ci_low").round(1).alias(t("report.col.ci_low")),
        pl.col("csi_ci_high").round(1).alias(t("report.col.ci_high")),
    )
    best = trend.sort("csi").row(-1, named=True)
    worst = trend.sort("csi").row(0, named=True)
    reading = t(
        "report.read.trend",
        n=trend.height,
        best=best["csi"],
        best_at=period_label(best["period_start"], f.grain),
        worst=worst["csi"],
        worst_at=period_label(worst["period_start"], f.grain),
    )
    return Section("trend", reading, table, charts.csi_trend(trend, f.target))


def _dimensions(f: Filters, wide: Filters, report: Report, dims, items) -> Section:
    trend = q("dimension_trend", **wide.params())
    now = trend.filter(pl.col("period_start") == f.date_from)
    if now.is_empty():
        return Section("dimensions", t("report.read.empty"))
    before = trend.filter(pl.col("period_start") == data.shift(f.date_from, f.grain)).select(
        "dimension_id", pl.col("mean_score").alias("previous")
    )
    joined = now.join(before, on="dimension_id", how="left").sort("mean_score")
    table = joined.select(
        pl.col("dimension_id")
        .replace_strict(dims, default=pl.col("dimension_id"))
        .alias(t("report.col.dimension")),
        pl.col("ratings").alias(t("report.col.ratings")),
        pl.col("mean_score").round(1).alias(t("report.col.score")),
        pl.col("previous").round(1).alias(t("report.col.previous")),
        (pl.col("mean_score") - pl.col("previous")).round(1).alias(t("report.col.change")),
        pl.col("dissatisfied_pct").round(1).alias(t("report.col.dissatisfied_pct")),
    )
    low = joined.row(0, named=True)
    reading = t(
        "report.read.dimensions",
        dim=dims.get(low["dimension_id"], low["dimension_id"]),
        score=low["mean_score"],
    )
    return Section("dimensions", reading, table)


def _histograms(f: Filters, wide: Filters, report: Report, dims, items) -> Section:
    levels = q("item_levels_range", **f.params())
    if levels.is_empty():
        return Section("histograms", t("report.read.empty"))
    summary = data.item_summary(levels)
    table = summary.select(
        pl.col("item_id").replace_strict(items, default=pl.col("item_id")).alias(t("report.col.item")),
        pl.col("ratings").alias(t("report.col.ratings")),
        pl.col("mean_score").round(1).alias(t("report.col.score")),
        pl.col("satisfied_pct").round(1).alias(t("report.col.satisfied_pct")),
        pl.col("dissatisfied_pct").round(1).alias(t("report.col.dissatisfied_pct")),
    )
    low = summary.row(0, named=True)
    reading = t("report.read.items", item=items.get(low["item_id"], low["item_id"]), score=low["mean_score"])
    height = 120 + 34 * levels["item_id"].n_unique()
    return Section("histograms", reading, table, charts.stacked_levels(levels, items, height))


def _pareto_items(f: Filters, wide: Filters, report: Report, dims, items) -> Section:
    found = q("pareto_items", **f.params())
    if found.is_empty():
        return Section("pareto_items", t("report.read.empty"))
    names = [items.get(i, i) for i in found["item_id"]]
    table = found.select(
        pl.col("rank").alias("#"),
        pl.Series(t("report.col.item"), names),
        pl.col("dissatisfied").alias(t("report.col.dissatisfied")),
        pl.col("share_pct").round(1).alias(t("report.col.share_pct")),
        pl.col("cumulative_pct").round(1).alias(t("report.col.cumulative_pct")),
    )
    vital = int((found["cumulative_pct"] < 80).sum()) + 1
    reading = t("report.read.pareto", n=min(vital, found.height), total=found.height, first=names[0])
    figure = charts.pareto(found, names, "dissatisfied", t("report.col.dissatisfied"))
    return Section("pareto_items", reading, table, figure)


def _pareto_causes(f: Filters, wide: Filters, report: Report, dims, items) -> Section:
    found = q("pareto_causes", **f.params())
    if found.is_empty():
        return Section("pareto_causes", t("report.read.no_complaints"))
    names = [
        f"{label('cat', c)} · {cause}"
        for c, cause in zip(found["cause_category"], found["cause"], strict=True)
    ]
    table = found.select(
        pl.col("rank").alias("#"),
        pl.Series(t("report.col.cause"), names),
        pl.col("complaints").alias(t("report.col.complaints")),
        pl.col("share_pct").round(1).alias(t("report.col.share_pct")),
        pl.col("cumulative_pct").round(1).alias(t("report.col.cumulative_pct")),
    )
    reading = t("report.read.causes", total=int(found["complaints"].sum()), first=names[0])
    figure = charts.pareto(found, names, "complaints", t("report.col.complaints"))
    return Section("pareto_causes", reading, table, figure)


def _fishbone(f: Filters, wide: Filters, report: Report, dims, items) -> Section:
    bones = q("fishbone", **f.params())
    if bones.is_empty():
        return Section("fishbone", t("report.read.empty"))
    per = (
        bones.group_by("category")
        .agg(pl.col("complaints").sum(), pl.col("dissatisfied").sum())
        .with_columns((pl.col("complaints") + pl.col("dissatisfied")).alias("total"))
        .sort("total", descending=True)
    )
    table = per.select(
        _mapped(per, "category", lambda c: label("cat", c)).alias(t("report.col.category")),
        pl.col("complaints").alias(t("report.col.complaints")),
        pl.col("dissatisfied").alias(t("report.col.dissatisfied")),
    )
    top = per.row(0, named=True)
    reading = t("report.read.fishbone", cat=label("cat", top["category"]), n=top["total"])
    return Section("fishbone", reading, table, charts.fishbone(bones))


def _voice(f: Filters, wide: Filters, report: Report, dims, items) -> Section:
    """Comment topics of the period, the most dissatisfied first, and the words of dissatisfaction."""
    found = q("comment_topics", **f.params())
    if found.is_empty() or not found["all_comments"][0]:
        return Section("voice", t("report.read.no_voice"))
    hits = found.filter(pl.col("comments") > 0)
    table = hits.select(
        pl.col("topic_label").alias(t("col.topic_label")),
        _mapped(hits, "topic_category", lambda c: label("cat", c)).alias(t("col.topic_category")),
        pl.col("comments").alias(t("col.comments")),
        pl.col("dissatisfied_comments").alias(t("col.dissatisfied_comments")),
        pl.col("share_pct").round(1).alias(t("col.share_pct")),
        pl.col("mean_csi").round(1).alias(t("col.mean_csi")),
    )
    need = data.min_sample()
    comments, dissatisfied = int(found["all_comments"][0]), int(found["all_dissatisfied"][0])
    words = ""
    if dissatisfied >= need and comments - dissatisfied >= need:
        terms = q("comment_terms", **f.params())
        words = "、".join(terms["term"].head(5).to_list()) if terms.height else ""
    first = hits.row(0, named=True) if hits.height else None
    reading = t("report.read.voice", n=comments, dissatisfied=dissatisfied)
    if first is not None and first["dissatisfied_comments"]:
        reading += t("report.read.voice_topic", topic=first["topic_label"], k=first["dissatisfied_comments"])
    if words:
        reading += t("report.read.voice_words", words=words)
    return Section("voice", reading, table if table.height else None)


def _competitors(f: Filters, wide: Filters, report: Report, dims, items) -> Section:
    gaps = data.competitors(f)
    if gaps.is_empty():
        return Section("competitors", t("report.read.no_competitors"))
    table = gaps.select(
        pl.col("dimension_id")
        .replace_strict(dims, default=pl.col("dimension_id"))
        .alias(t("report.col.dimension")),
        pl.col("competitor").alias(t("report.col.competitor")),
        pl.col("own_mean").round(1).alias(t("report.col.own")),
        pl.col("competitor_mean").round(1).alias(t("report.col.their")),
        pl.col("gap").round(1).alias(t("report.col.gap")),
        _mapped(gaps, "p_value", p_text).alias("p"),
        _mapped(gaps, "verdict", lambda v: t("verdict." + v)).alias(t("report.col.verdict")),
    )
    behind = gaps.filter((pl.col("gap") < 0) & (pl.col("verdict") == "significant"))
    reading = t("report.read.competitors", n=gaps.height, behind=behind.height)
    return Section("competitors", reading, table)


def _key_accounts(f: Filters, wide: Filters, report: Report, dims, items) -> Section:
    groups = q("csi_breakdown", **f.params(by="segment"))
    if groups.is_empty():
        return Section("key_accounts", t("report.read.empty"))
    table = groups.select(
        _mapped(groups, "group_value", lambda v: label("segment", v)).alias(t("filter.segment")),
        pl.col("responses").alias(t("kpi.responses")),
        pl.col("csi").round(1).alias("CSI"),
    )
    key = groups.filter(pl.col("group_value") == "key")
    if key.is_empty():
        return Section("key_accounts", t("report.read.no_key"), table)
    reading = t("report.read.key", csi=key["csi"][0], n=key["responses"][0])
    return Section("key_accounts", reading, table)


def _agents(f: Filters, wide: Filters, report: Report, dims, items) -> Section:
    """The follow-up agents' calls and success in the period, against the targets."""
    found = q("agent_kpis", date_from=f.date_from, date_to=f.date_to, scope=f.scope or None)
    if found.is_empty():
        return Section("agents", t("report.read.no_agents"))
    targets = data.kpi_targets()
    table = found.select(
        pl.col("agent").alias(t("col.agent")),
        pl.col("planned").alias(t("col.planned")),
        pl.col("reached").alias(t("col.reached")),
        pl.col("completed").alias(t("col.completed")),
        pl.col("callback_success_pct").round(1).alias(t("col.callback_success_pct")),
        pl.col("survey_success_pct").round(1).alias(t("col.survey_success_pct")),
    )
    below = found.filter(
        (pl.col("callback_success_pct") < targets["callback"])
        | (pl.col("survey_success_pct") < targets["survey"])
    )
    if below.is_empty():
        reading = t("report.read.agents_ok", n=found.height)
    else:
        reading = t("report.read.agents_below", n=below.height, names="、".join(below["agent"]))
    return Section("agents", reading, table)


def _actions(f: Filters, wide: Filters, report: Report, dims, items) -> Section:
    board = q("actions_board").filter(
        (pl.col("questionnaire_id") == f.questionnaire_id) | (pl.col("source") == "complaint")
    )
    start, end = f.date_from, f.date_to

    def between(column: str) -> pl.Expr:
        return pl.col(column).is_between(start, end)

    in_period = board.filter(between("created_at") | between("done_at") | pl.col("is_overdue"))
    if in_period.is_empty():
        return Section("actions", t("report.read.no_actions"))
    opened = board.filter(between("created_at")).height
    done = board.filter(between("done_at")).height
    overdue = board.filter(pl.col("is_overdue")).height
    verified = in_period.filter(pl.col("verdict").is_in(["improved", "no_change", "worse"])).height
    table = in_period.select(
        pl.col("action_id").alias(t("report.col.action")),
        pl.col("title").alias(t("report.col.title")),
        pl.col("responsible_dept").alias(t("report.col.dept")),
        _mapped(in_period, "status", lambda s: label("act.status", s)).alias(t("report.col.status")),
        pl.col("due_date").alias(t("report.col.due")),
        _mapped(in_period, "verdict", lambda v: label("act.verdict", v)).alias(t("report.col.verdict")),
    )
    reading = t("report.read.actions", opened=opened, done=done, overdue=overdue, verified=verified)
    return Section("actions", reading, table)


def _comments(f: Filters, wide: Filters, report: Report, dims, items) -> Section:
    if not allowed("dissatisfied_comments"):
        return Section("comments", t("report.read.comments_hidden"))
    found = data.dissatisfied_comments(f)
    if found.is_empty():
        return Section("comments", t("report.read.no_comments"))
    table = found.select(
        pl.col("survey_date").alias(t("report.col.date")),
        pl.col("customer_name").fill_null(pl.col("customer_id")).alias(t("report.col.customer")),
        pl.col("csi").round(1).alias("CSI"),
        pl.col("comment").alias(t("report.col.comment")),
    )
    return Section("comments", t("report.read.comments", n=found.height), table)
