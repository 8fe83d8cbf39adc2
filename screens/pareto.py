"""Pareto of dissatisfied ratings by item and of complaints by cause; click a bar to drill down."""

import polars as pl
import streamlit as st

from dashboard import actions, auth, charts, data
from dashboard.i18n import label, t
from dashboard.page import filters
from dashboard.pareto import active_click, share_chart
from dashboard.state import prefetch, q
from dashboard.widgets import counting, table

f = filters()
DRILL_ORDER = [
    "comment",
    "level_label",
    "survey_date",
    "customer_name",
    "csi",
    "channel",
    "staff_id",
    "response_id",
]
st.title(t("pareto.title"))
st.caption(t("pareto.click"))
with counting(f):
    prefetch(
        [
            ("pareto_items", f.params()),
            ("pareto_causes", f.params()),
            *data.limits_query(f, "dissatisfied_high"),
        ]
    )
    dim_names, item_names = data.names(f)
    items = q("pareto_items", **f.params())
    causes = q("pareto_causes", **f.params())

# Each chart with its drill-down beside it, once a bar was clicked (the chart spans the page
# before); only the latest click is open (a click on the other chart closes the first list).
# The figure stays the same either way: a changed figure is a new widget, and its selection
# (the click) would be lost on the next rerun.
max_bars = data.pareto_max_bars()
which, index = active_click({k: st.session_state.get(f"pareto_{k}") for k in ("items", "causes")})
if index is not None and index >= max_bars:  # the bar of the others: the table lists them
    st.info(t("pareto.others_clicked", n=len(items if which == "items" else causes) - max_bars))
    which = None


def halves(name: str):
    return st.columns([1, 1]) if which == name else (st.container(), None)


st.subheader(t("pareto.items"))
chart, drill = halves("items")
with chart:
    if items.is_empty():
        st.info(t("empty"))
    else:
        names = [item_names.get(i, i) for i in items["item_id"]]
        st.plotly_chart(
            charts.pareto(items, names, "dissatisfied", t("col.dissatisfied"), max_bars),
            on_select="rerun",
            selection_mode="points",
            key="pareto_items",
        )
st.subheader(t("pareto.causes"))
cause_chart, cause_drill = halves("causes")
with cause_chart:
    if causes.is_empty():
        st.info(t("empty"))
    else:
        names = [f"{label('cat', c)}·{cause}" for c, cause in causes.select("cause_category", "cause").rows()]
        st.plotly_chart(
            charts.pareto(causes, names, "complaints", t("col.complaints"), max_bars),
            on_select="rerun",
            selection_mode="points",
            key="pareto_causes",
        )
if drill is not None:
    with drill:
        item_id = items["item_id"][index]
        st.markdown(f"**{t('pareto.drill_item')}{item_names.get(item_id, item_id)}**")
        actions.create_button(
            f"item_{item_id}",
            source="item",
            questionnaire_id=f.questionnaire_id,
            item_id=item_id,
            dimension_id=items["dimension_id"][index],
            scope=f.one_scope,
            title=t("act.default_title", what=item_names.get(item_id, item_id)),
        )
        if auth.can("detail"):
            table(
                data.drill_responses(f, item_id),
                f"dissatisfied_{item_id}",
                height=320,
                column_order=DRILL_ORDER,  # what an engineer reads first; the rest scrolls
            )
        else:
            st.caption(t("auth.detail_hidden"))
if cause_drill is not None:
    with cause_drill:
        row = causes.row(index, named=True)
        st.markdown(f"**{t('pareto.drill_cause')}{label('cat', row['cause_category'])} · {row['cause']}**")
        actions.cause_button(
            f"cause_{row['cause_category']}_{row['cause']}", row["cause_category"], row["cause"]
        )
        if auth.can("detail"):
            listed = q(
                "complaints_list", **f.params(cause_category=row["cause_category"], cause=row["cause"])
            )
            order = ["description", "received_at", "severity", "is_overdue", "responsible_dept", "product"]
            actions.complaint_table(listed, "complaints_of_cause", height=320, column_order=order)
        else:
            st.caption(t("auth.detail_hidden"))
share_chart(f)
if items.height:
    table(
        items.with_columns(
            pl.col("item_id").replace_strict(item_names, default=pl.col("item_id")).alias("item"),
            pl.col("dimension_id").replace_strict(dim_names, default=pl.col("dimension_id")),
        ),
        "pareto_items_table",
    )
if causes.height:
    table(causes, "pareto_causes_table")
