"""Competitors: own vs each competitor per dimension, gap with significance, over time."""

import polars as pl
import streamlit as st

from dashboard import charts, data
from dashboard.i18n import labels, t
from dashboard.page import filters
from dashboard.widgets import counting, partial_note, table

VERDICTS = ("significant", "not significant", "sample too small", "no data")
f = filters()
st.title(t("comp.title"))
dim_names, _ = data.names(f)
with counting(f):
    gaps = data.competitors(f)
if gaps.is_empty():
    st.info(t("comp.none"))
    st.stop()
rivals = sorted(gaps["competitor"].unique().to_list())
rival = st.segmented_control(t("comp.pick"), rivals, default=rivals[0], key="rival") or rivals[0]
mine = gaps.filter(pl.col("competitor") == rival)
st.subheader(t("comp.gap"))
st.plotly_chart(charts.gap_bars(mine, dim_names, t("comp.own")), key="gap_bars")
table(
    gaps.with_columns(
        pl.col("dimension_id").replace_strict(dim_names, default=pl.col("dimension_id")).alias("dimension"),
        pl.col("verdict").replace_strict(labels(VERDICTS, "verdict"), default=pl.col("verdict")),
    ).select(
        "dimension",
        "competitor",
        "own_mean",
        "own_responses",
        "competitor_mean",
        "competitor_responses",
        "gap",
        "p_value",
        "verdict",
    ),
    "competitor_gaps",
)
st.caption(t("comp.responses_note"))
st.subheader(t("comp.trend"))
trend = data.competitor_trend(f).filter(pl.col("competitor") == rival)
partial_note(f, trend["period_start"].unique().to_list())
st.plotly_chart(
    charts.lines(trend, "period_start", "gap", "dimension_id", dim_names, f"{t('comp.own')} − {rival}"),
    key="gap_trend",
)
