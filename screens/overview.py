"""Overview for management: KPI cards against targets, CSI trend, year on year, breakdowns."""

import polars as pl
import streamlit as st

from dashboard import charts, data
from dashboard.filters import comparison, month_range
from dashboard.i18n import labels, t
from dashboard.page import filters
from dashboard.state import q
from dashboard.widgets import counting, fmt, partial_note, stop_if_empty, table

f = filters()
st.title(t("overview.title"))
compare, custom, versus = comparison(f)
with counting(f):
    kpis, trend = data.overview(f, compare, custom, st.session_state.get("breakdown_by") or "scope")
stop_if_empty(trend)
st.caption(
    f"{f.title} · {t('overview.period')}: {kpis.period:%Y-%m-%d} ({t('grain.' + f.grain)}) · "
    f"{t('kpi.responses')} {kpis.responses:,}"
)
if kpis.partial_months:
    st.warning(t("overview.partial", months=kpis.partial_months, grain=t("grain." + f.grain)))


def delta(comparison) -> str | None:
    if comparison is None or comparison.delta is None:
        return None
    return f"{comparison.delta:+.1f} · {t('verdict.' + comparison.verdict)}"


below = kpis.csi is not None and kpis.csi < f.target
cols = st.columns(4)
cols[0].metric(
    f"CSI · {t('kpi.target')} {f.target:g}",
    fmt(kpis.csi),
    delta(kpis.vs_chosen),
    help=f"{t('kpi.vs_prev')}: {delta(kpis.vs_previous)}; {t('kpi.vs_ly')}: {delta(kpis.vs_last_year)}",
    border=True,
)
cols[0].markdown(
    f":{'red' if below else 'green'}[{t('kpi.below') if below else t('kpi.meets')}] · "
    f"{t('compare.vs', what=versus)} {delta(kpis.vs_chosen) or t('kpi.na')}"
)
cols[1].metric(
    t("kpi.satisfaction_rate"),
    fmt(kpis.satisfaction_rate, suffix="%") if kpis.has_points else t("kpi.not_applicable"),
    help=None if kpis.has_points else t("kpi.no_points"),
    border=True,
)
if not kpis.has_points:
    cols[1].caption(t("kpi.no_points_why"))
cols[2].metric(
    t("kpi.complaint_rate"), fmt(kpis.complaint_rate, suffix="%"), help=t("kpi.company_wide"), border=True
)
cols[2].caption(t("kpi.company_wide"))
targets = data.kpi_targets()
cols[3].metric(
    f"{t('kpi.coverage')} (≥ {targets['coverage']:g}%)", fmt(kpis.coverage, suffix="%"), border=True
)
cols = st.columns(4)
for col, name, value, target in (
    (cols[0], "kpi.callback", kpis.callback, targets["callback"]),
    (cols[1], "kpi.survey_success", kpis.survey_success, targets["survey"]),
):
    col.metric(f"{t(name)} (≥ {target:g}%)", fmt(value, suffix="%"), border=True)
    if value is not None and value < target:
        col.markdown(f":red[{t('kpi.below')}]")
agents = data.agents_of(f, kpis.period) if kpis.period is not None else None
if agents is not None and agents.height:
    with cols[0].popover(t("kpi.by_agent"), icon=":material/headset_mic:"):
        st.caption(t("kpi.by_agent_help", period=f"{kpis.period:%Y-%m}"))
        table(agents, "agent_kpis")
cols[2].metric(
    t("kpi.satisfied_share"),
    fmt(kpis.satisfied_pct, suffix="%"),
    delta(kpis.satisfied_vs_chosen),
    help=t("kpi.satisfied_help"),
    border=True,
)
acts = q("action_kpis", **f.params()).row(0, named=True)
cols[3].metric(t("kpi.actions_overdue"), f"{acts['overdue']:,} / {acts['open']:,}", border=True)
cols = st.columns(4)
limited = acts["improved"] is None  # verdicts count every region: not for a region-limited user
cols[0].metric(
    t("kpi.actions_verified"),
    "—" if limited else f"{acts['improved']:,} / {acts['not_improved']:,}",
    help=t("auth.region_limited") if limited else t("kpi.actions_help", **acts),
    border=True,
)

st.subheader(t("overview.trend"))
partial_note(f, trend["period_start"].to_list())
limits = data.control_limits(f, "csi_low")  # the csi_low alert's limits, when they apply (CONTRACT §11)
st.plotly_chart(
    charts.csi_trend(trend, f.target, f.partial_periods(trend["period_start"]), limits), key="trend"
)
if limits is not None:
    st.caption(t("overview.limits"))
left, right = st.columns(2)
with left:
    st.subheader(t("overview.yoy"))
    yoy = q("csi_yoy", **f.params())
    if yoy["year"].n_unique() < 2:  # one year is no comparison
        st.info(t("overview.yoy_one_year"))
    else:
        st.plotly_chart(charts.yoy(yoy), key="yoy")
with right:
    st.subheader(t("overview.breakdown"))
    by = (
        st.segmented_control(
            t("overview.by"),
            ["scope", "segment", "region"],
            default="scope",
            format_func=labels(["scope", "segment", "region"], "filter").get,
            key="breakdown_by",
        )
        or "scope"
    )
    start, end = month_range(f.date_from, f.date_to)
    st.caption(t("overview.breakdown_range", date_from=f"{start}", date_to=f"{end}", period=f"{kpis.period}"))
    groups = q("csi_breakdown", **f.params(by=by))
    st.plotly_chart(charts.breakdown(groups, f.target, by if by != "region" else None), key="breakdown")
st.subheader(t("overview.rates"))
rates = data.rates_table(f)
# A column no period has a value for (the survey rate without points) is left out.
rates = rates.select(c for c in rates.columns if rates[c].null_count() < rates.height)
table(rates.sort("period_start", descending=True), "kpis_by_period")  # the newest period first
trend_table = trend.select(pl.exclude("csi_sd", "satisfied_sq", "satisfied_ratings", "ratings_sq"))
table(trend_table.sort("period_start", descending=True), "csi_trend")
