"""The alerts inbox (预警, CONTRACT §11): every alert the user may see, unread first, what it
measured against which limits, marked read once seen; the unread count in the sidebar."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import auth, links
from dashboard.i18n import labels, t
from dashboard.state import open_for_write, q
from dashboard.widgets import table
from pipelines import alerts
from warehouse.lake import Busy

RULES = (
    "csi_low", "dissatisfied_high", "complaint_rate_high", "csi_below_target", "callback_below_target",
    "survey_below_target", "coverage_below_target", "complaint_overdue", "complaint_serious", "action_overdue",
)  # fmt: skip


def inbox() -> pl.DataFrame:
    return q("alerts_inbox", me=auth.name())


def unread_badge() -> None:
    """The unread count under the page list (nothing when every alert is read)."""
    unread = int((~inbox()["is_read"]).sum())
    if unread:
        st.sidebar.markdown(f":red-badge[:material/notifications: {t('alert.unread', n=unread)}]")


def page() -> None:
    found = inbox()
    if found.is_empty():
        st.info(t("alert.none"))
        return
    unread = found.filter(~pl.col("is_read"))
    cols = st.columns(3)
    cols[0].metric(t("alert.unread_count"), f"{unread.height:,}")
    cols[1].metric(t("alert.control"), f"{found.filter(pl.col('severity') == 'high').height:,}")
    cols[2].metric(t("alert.total"), f"{found.height:,}")
    rules = st.multiselect(
        t("alert.rule"), list(RULES), format_func=labels(RULES, "alert.rule").get, key="alert_rules",
        placeholder=t("filter.all"), select_all=False,
    )  # fmt: skip
    shown = found.filter(pl.col("rule").is_in(rules)) if rules else found
    words = labels(RULES, "alert.rule")

    def picked() -> None:  # an alert ticked in the table is the one the picker names
        rows = st.session_state.get("table_alerts_inbox")
        rows = rows.selection.rows if rows is not None and "selection" in rows else []
        if rows:
            st.session_state["alert_pick"] = shown["alert_id"][rows[0]]

    table(
        shown.with_columns(
            pl.col("value", "center", "lower_limit", "upper_limit").round(2),
            pl.col("rule").replace_strict(words, default=pl.col("rule")),
            pl.col("severity").replace_strict(labels(["high", "medium"], "sev"), default=pl.col("severity")),
        ),
        "alerts_inbox",
        column_config={"is_read": st.column_config.CheckboxColumn(t("alert.read"))},
        height=420,
        on_select=picked,
        selection_mode="single-row",
    )
    st.caption(t("alert.help"))
    rows = {r["alert_id"]: r for r in shown.iter_rows(named=True)}
    chosen = st.selectbox(
        t("alert.pick"), list(rows), index=None, key="alert_pick", placeholder=t("alert.pick_hint"),
        format_func=lambda a: f"{words[rows[a]['rule']]} · {rows[a]['period_start']:%Y-%m} · {_what(rows[a])}",
    )  # fmt: skip
    if chosen in rows:
        page, params = alerts.view(rows[chosen])
        if st.button(t("alert.open", page=t(f"nav.{page}")), key="alert_open", type="primary"):
            _read_and_open(chosen, page, params)
    if unread.height and st.button(t("alert.mark_read", n=unread.height), key="alerts_read"):
        con = open_for_write()
        try:
            alerts.mark_read(con, unread["alert_id"].to_list(), auth.name())
        except Busy:
            st.error(t("up.busy"))
            return
        finally:
            con.close()
        st.rerun()


def _what(row: dict) -> str:
    """What an alert is about: its complaint or action, or its questionnaire, scope and region."""
    if row["rule"] in (
        "complaint_overdue",
        "complaint_serious",
        "action_overdue",
    ):  # alert_id is rule:item:YYYY-MM
        return alerts.item_of(row)
    return " · ".join(str(v) for v in (row["questionnaire_id"], row["scope"], row["region"]) if v)


def _read_and_open(alert_id: str, page: str, params: dict) -> None:
    """Mark the alert read and open the page and filters that show it."""
    con = open_for_write()
    try:
        alerts.mark_read(con, [alert_id], auth.name())
    except Busy:
        pass  # read or not, the page still opens
    finally:
        con.close()
    links.open_view(page, params)
