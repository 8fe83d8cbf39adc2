"""Corrective actions (整改跟踪): the board, one action's workflow, its verified effect and versions."""

import polars as pl
import streamlit as st

from dashboard import actions, auth
from dashboard.i18n import label, labels, t
from dashboard.page import filters
from dashboard.state import q
from dashboard.widgets import table
from pipelines.actions import REPLAN_VERDICTS, draft, replan

filters()
st.title(t("act.title"))
st.caption(t("act.user_help"))

drafted = st.session_state.get(actions.DRAFT)
if drafted:
    with st.container(border=True):
        st.subheader(t("act.replan_title") if drafted.get("follows") else t("act.new"))
        actions.form(drafted, "create")
        if st.button(t("act.discard"), key="discard_draft"):
            st.session_state.pop(actions.DRAFT, None)
            st.rerun()
elif auth.can("act") and st.button(t("act.new_button"), icon=":material/add_task:", key="new_action"):
    st.session_state[actions.DRAFT] = draft(actions.today())
    st.rerun()

board = q("actions_board")
if board.is_empty():
    st.info(t("act.none"))
    st.stop()

chosen = {}
for col, name, prefix in zip(
    st.columns(4),
    ("responsible_dept", "owner", "status", "verdict"),
    (None, None, "act.status", "act.verdict"),
    strict=True,
):
    values = sorted(v for v in board[name].unique().to_list() if v is not None)
    chosen[name] = col.multiselect(
        t(f"col.{name}"),
        values,
        format_func=labels(values, prefix).get if prefix else str,
        key=f"act_filter_{name}",
        placeholder=t("filter.all"),
        select_all=False,
    )
shown = board
for name, values in chosen.items():
    if values:
        shown = shown.filter(pl.col(name).is_in(values))

cols = st.columns(4)
cols[0].metric(t("act.open"), f"{shown.filter(~pl.col('status').is_in(['done', 'cancelled'])).height:,}")
cols[1].metric(t("act.overdue"), f"{shown['is_overdue'].sum():,}")
for col, verdict in zip(cols[2:], ("improved", "no_change"), strict=True):
    col.metric(label("act.verdict", verdict), f"{shown.filter(pl.col('verdict') == verdict).height:,}")
table(
    shown.with_columns(
        pl.col("status").replace_strict(labels(actions.STATUSES, "act.status"), default=pl.col("status")),
        pl.col("verdict").replace_strict(labels(actions.VERDICTS, "act.verdict"), default=pl.col("verdict")),
        pl.col("source").replace_strict(labels(actions.SOURCES, "act.source"), default=pl.col("source")),
    ).select(
        "action_id",
        "title",
        "status",
        "verdict",
        "is_overdue",
        "days_open",
        "due_date",
        "responsible_dept",
        "owner",
        "source",
        "follows",
        "versions",
    ),
    "actions",
    column_config={
        "is_overdue": st.column_config.CheckboxColumn(t("col.is_overdue")),
        "action_id": st.column_config.TextColumn(width="medium", pinned=True),  # ids whole
    },
)
ids = shown["action_id"].to_list()
if not ids:
    st.info(t("act.no_match"))
    st.stop()
if st.session_state.get(actions.PICKED) in ids:
    st.session_state["act_pick"] = st.session_state.pop(actions.PICKED)
titles = dict(zip(shown["action_id"], shown["title"], strict=True))
pick = st.selectbox(t("act.pick"), ids, format_func=lambda a: f"{a} · {titles[a]}", key="act_pick")
action = shown.filter(pl.col("action_id") == pick).row(0, named=True)

st.subheader(f"{pick} · {action['title']}")
st.markdown(
    f"{t('col.status')}: **{label('act.status', action['status'])}**"
    + (f" · :red[{t('col.is_overdue')}]" if action["is_overdue"] else "")
    + f" · {t('col.source')}: {actions.describe(action)}"
    + f" · {t('col.responsible_dept')}: {action['responsible_dept']} · {t('col.owner')}: {action['owner'] or '—'}"
    + f" · {t('col.due_date')}: {action['due_date']:%Y-%m-%d}"
)
if action["plan"]:
    st.caption(f"{t('col.plan')}: {action['plan']}")
actions.steps(action)

st.subheader(t("act.effect"))
actions.effect_panel(pick)
can_replan = auth.can("act") and action["verdict"] in REPLAN_VERDICTS and action["status"] == "done"
if can_replan and st.button(t("act.replan"), icon=":material/replay:", key=f"replan_{pick}"):
    st.session_state[actions.DRAFT] = replan(action, action["verdict"], actions.today())
    st.rerun()
if auth.can("act"):
    with st.expander(t("act.edit")):
        actions.form(action, "edit")
st.subheader(t("act.versions"))
versions = q("action_versions", action_id=pick)
table(
    versions.with_columns(
        pl.col("status").replace_strict(labels(actions.STATUSES, "act.status"), default=pl.col("status"))
    ),
    f"versions_{pick}",
)
