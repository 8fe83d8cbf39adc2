"""Pareto of dissatisfied ratings by item and of complaints by cause; click a bar to drill down."""

import polars as pl
import streamlit as st

from dashboard import actions, auth, charts, data
from dashboard.i18n import label, t
from dashboard.page import filters
from dashboard.state import q
from dashboard.widgets import table

f = filters()
st.title(t("pareto.title"))
st.caption(t("pareto.click"))
_, item_names = data.names(f)


def clicked(event) -> int | None:
    points = (event or {}).get("selection", {}).get("points", []) if event else []
    return points[0]["point_index"] if points else None


left, right = st.container(), st.container()
with left:
    st.subheader(t("pareto.items"))
    items = q("pareto_items", **f.params())
    if items.is_empty():
        st.info(t("empty"))
        item_event = None
    else:
        names = [item_names.get(i, i) for i in items["item_id"]]
        item_event = st.plotly_chart(
            charts.pareto(items, names, "dissatisfied", "不满意 dissatisfied"),
            on_select="rerun",
            selection_mode="points",
            key="pareto_items",
        )
with right:
    st.subheader(t("pareto.causes"))
    causes = q("pareto_causes", **f.params())
    if causes.is_empty():
        st.info(t("empty"))
        cause_event = None
    else:
        names = [f"{label('cat', c)}·{cause}" for c, cause in causes.select("cause_category", "cause").rows()]
        cause_event = st.plotly_chart(
            charts.pareto(causes, names, "complaints", "投诉 complaints"),
            on_select="rerun",
            selection_mode="points",
            key="pareto_causes",
        )

index = clicked(item_event)
if index is not None:
    item_id = items["item_id"][index]
    st.subheader(t("pareto.drill_item") + item_names.get(item_id, item_id))
    actions.create_button(
        f"item_{item_id}",
        source="item",
        questionnaire_id=f.questionnaire_id,
        item_id=item_id,
        dimension_id=items["dimension_id"][index],
        scope=f.scope,
        title=t("act.default_title", what=item_names.get(item_id, item_id)),
    )
    if auth.can("detail"):
        table(q("drill_item_responses", **f.params(item_id=item_id)), f"dissatisfied_{item_id}")
    else:
        st.caption(t("auth.detail_hidden"))
index = clicked(cause_event)
if index is not None:
    row = causes.row(index, named=True)
    st.subheader(t("pareto.drill_cause") + f"{label('cat', row['cause_category'])} · {row['cause']}")
    actions.cause_button(f"cause_{row['cause_category']}_{row['cause']}", row["cause_category"], row["cause"])
    if auth.can("detail"):
        listed = q("complaints_list", **f.params(cause_category=row["cause_category"], cause=row["cause"]))
        actions.complaint_table(listed, "complaints_of_cause")
    else:
        st.caption(t("auth.detail_hidden"))
if items.height:
    table(
        items.with_columns(
            pl.col("item_id").replace_strict(item_names, default=pl.col("item_id")).alias("item")
        ),
        "pareto_items_table",
    )
if causes.height:
    table(causes, "pareto_causes_table")
