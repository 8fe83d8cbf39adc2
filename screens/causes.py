"""Cause analysis for quality engineers: fishbone, complaint service levels, verbatim comments."""

import polars as pl
import streamlit as st

from dashboard import actions, auth, charts, data
from dashboard.i18n import labels, t
from dashboard.page import filters
from dashboard.state import prefetch, q
from dashboard.widgets import counting, fmt, stop_if_empty, table

f = filters()
st.title(t("cause.title"))
with counting(f):
    prefetch(
        [
            (name, f.params())
            for name in ("fishbone", "complaint_kpis", "complaint_topics")
            + (("complaints_list",) if auth.can("detail") else ("case_overview",))
        ]
    )
    bones = q("fishbone", **f.params())
stop_if_empty(bones)
st.caption(f"{t('cause.fishbone')} · {t('cause.fishbone_units')}")
st.plotly_chart(charts.fishbone(bones), key="fishbone", width="content")
causes = bones.filter((pl.col("complaints") > 0) | (pl.col("dissatisfied") > 0)).rows(named=True)
left, right = st.columns([3, 1], vertical_alignment="bottom")
bone = left.selectbox(
    t("act.pick_cause"),
    range(len(causes)),
    # the names fixed now: Streamlit may format the value again outside the run (i18n.labels)
    format_func=[
        f"{labels(charts.CATEGORIES, 'cat')[c['category']]} · {c['cause']}" for c in causes
    ].__getitem__,
    key="fishbone_cause",
)
if bone is not None:
    picked = causes[bone]
    with right:
        if picked["item_id"]:
            actions.create_button(
                f"bone_{picked['item_id']}",
                source="item",
                questionnaire_id=f.questionnaire_id,
                item_id=picked["item_id"],
                cause_category=picked["category"],
                scope=f.one_scope,
                title=t("act.default_title", what=picked["cause"]),
            )
        else:
            actions.cause_button(
                f"bone_{picked['category']}_{picked['cause']}", picked["category"], picked["cause"]
            )

st.subheader(t("cause.complaints"))
kpis = q("complaint_kpis", **f.params()).row(0, named=True)
if not kpis["complaints"]:
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
    if kpis["unknown_times"]:  # history complaints (--history): left out of the shares, said so
        st.caption(t("cause.unknown_note", n=f"{kpis['unknown_times']:,}"))
if kpis["complaints"] and auth.can("detail"):
    complaints = q("complaints_list", **f.params())
    if kpis["complaints"] > complaints.height:
        st.caption(t("cause.list_cut").format(shown=complaints.height, total=kpis["complaints"]))
    shown = complaints.with_columns(
        pl.col("cause_category").replace_strict(
            labels(charts.CATEGORIES, "cat"), default=pl.col("cause_category")
        )
    )
    actions.complaint_table(
        complaints,
        "complaints",
        shown,
        column_config={
            "is_overdue": st.column_config.CheckboxColumn(t("cause.overdue")),
            "is_answered_24h": st.column_config.CheckboxColumn(t("cause.answered_24h")),
            "is_verified_3wd": st.column_config.CheckboxColumn(t("cause.verified_3wd")),
            "is_open": st.column_config.CheckboxColumn(t("cause.open")),
            "first_response_hours": st.column_config.NumberColumn(format="%.1f h"),
        },
    )

elif kpis["complaints"]:  # without single customers' data: the case board, read-only
    st.caption(t("cause.case_overview"))
    cases = q("case_overview", **f.params())
    states = labels(cases["status"].unique().to_list(), "case.status")
    table(
        cases.with_columns(
            pl.col("status").replace_strict(states, default=pl.col("status")),
            pl.col("cause_category").replace_strict(
                labels(charts.CATEGORIES, "cat"), default=pl.col("cause_category")
            ),
        ),
        "case_overview",
        column_config={"is_overdue": st.column_config.CheckboxColumn(t("cause.overdue"))},
        height=320,
    )

topic_rows = q("complaint_topics", **f.params()) if kpis["complaints"] else None
if topic_rows is not None and topic_rows.height:
    st.subheader(t("cause.topics"))
    st.caption(t("cause.topics_note"))
    cats = labels(charts.CATEGORIES, "cat")
    table(
        topic_rows.with_columns(
            pl.col(c).replace_strict(cats, default=pl.col(c)) for c in ("topic_category", "cause_category")
        ),
        "complaint_topics",
    )

st.subheader(t("cause.comments"))
if not auth.can("detail"):
    st.caption(t("auth.detail_hidden"))
    st.stop()
search = st.text_input(t("cause.search"), key="comment_search").strip() or None
comments = data.dissatisfied_comments(f, search)
if comments.is_empty():
    st.info(t("empty"))
else:
    table(
        comments,
        "dissatisfied_comments",
        column_config={"comment": st.column_config.TextColumn(width="large")},
    )
