"""Cause analysis for quality engineers: fishbone, complaint service levels, verbatim comments."""

import polars as pl
import streamlit as st

from dashboard import charts
from dashboard.i18n import labels, t
from dashboard.page import filters
from dashboard.state import q
from dashboard.widgets import stop_if_empty, table

f = filters()
st.title(t("cause.title"))
bones = q("fishbone", **f.params())
stop_if_empty(bones)
st.caption(f"{t('cause.fishbone')} · 投诉 complaints / 不满意评价 dissatisfied ratings")
st.plotly_chart(charts.fishbone(bones), key="fishbone")

st.subheader(t("cause.complaints"))
complaints = q("complaints_list", **f.params())
if complaints.is_empty():
    st.info(t("empty"))
else:
    shown = complaints.with_columns(
        pl.col("cause_category").replace_strict(
            labels(charts.CATEGORIES, "cat"), default=pl.col("cause_category")
        ),
        (pl.col("is_verify_overdue") | pl.col("is_answer_overdue")).alias("overdue"),
    )
    overdue = shown["overdue"].sum()
    cols = st.columns(4)
    cols[0].metric(t("cause.count"), shown.height)
    cols[1].metric(t("cause.answered_24h"), f"{100 * shown['is_answered_24h'].mean():.1f}%")
    cols[2].metric(t("cause.verified_3wd"), f"{100 * shown['is_verified_3wd'].mean():.1f}%")
    cols[3].metric(f"{t('cause.open')} / {t('cause.overdue')}", f"{shown['is_open'].sum()} / {overdue}")
    table(
        shown.sort("overdue", descending=True),
        "complaints",
        column_config={
            "overdue": st.column_config.CheckboxColumn(t("cause.overdue")),
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
