"""Cause analysis for quality engineers: fishbone, complaint service levels, verbatim comments."""

import polars as pl
import streamlit as st

from dashboard import charts
from dashboard.i18n import labels, t
from dashboard.page import filters
from dashboard.state import q
from dashboard.widgets import fmt, stop_if_empty, table

f = filters()
st.title(t("cause.title"))
bones = q("fishbone", **f.params())
stop_if_empty(bones)
st.caption(f"{t('cause.fishbone')} · 投诉 complaints / 不满意评价 dissatisfied ratings")
st.plotly_chart(charts.fishbone(bones), key="fishbone")

st.subheader(t("cause.complaints"))
kpis = q("complaint_kpis", **f.params()).row(0, named=True)
complaints = q("complaints_list", **f.params())
if complaints.is_empty():
    st.info(t("empty"))
else:
    cols = st.columns(4)
    cols[0].metric(t("cause.count"), f"{kpis['complaints']:,}")
    cols[1].metric(t("cause.answered_24h"), fmt(kpis["answered_24h_pct"], suffix="%"))
    cols[2].metric(t("cause.verified_3wd"), fmt(kpis["verified_3wd_pct"], suffix="%"))
    cols[3].metric(
        f"{t('cause.open')} / {t('cause.overdue')}",
        f"{kpis['open_complaints']:,} / {kpis['overdue_complaints']:,}",
    )
    st.caption(t("cause.due_note").format(pending=kpis["pending"]))
    if kpis["complaints"] > complaints.height:
        st.caption(t("cause.list_cut").format(shown=complaints.height, total=kpis["complaints"]))
    shown = complaints.with_columns(
        pl.col("cause_category").replace_strict(
            labels(charts.CATEGORIES, "cat"), default=pl.col("cause_category")
        )
    )
    table(
        shown,
        "complaints",
        column_config={
            "is_overdue": st.column_config.CheckboxColumn(t("cause.overdue")),
            "is_answered_24h": st.column_config.CheckboxColumn(t("cause.answered_24h")),
            "is_verified_3wd": st.column_config.CheckboxColumn(t("cause.verified_3wd")),
            "is_open": st.column_config.CheckboxColumn(t("cause.open")),
            "first_response_hours": st.column_config.NumberColumn(format="%.1f h"),
        },
    )

st.subheader(t("cause.comments"))
search = st.text_input(t("cause.search"), key="comment_search").strip() or None
comments = q("dissatisfied_comments", **f.params(search=search))
if comments.is_empty():
    st.info(t("empty"))
else:
    table(
        comments,
        "dissatisfied_comments",
        column_config={"comment": st.column_config.TextColumn(width="large")},
    )
