"""Dimensions for quality engineers: scores over time, item histograms, customers, staff, key drivers."""

import polars as pl
import streamlit as st

from dashboard import actions, auth, charts, data
from dashboard.i18n import t
from dashboard.page import filters
from dashboard.state import prefetch, q
from dashboard.widgets import counting, partial_note, stop_if_empty, table

f = filters()
st.title(t("dim.title"))
with counting(f):
    prefetch([(name, f.params()) for name in ("dimension_trend", "item_levels_range", "staff_scores")])
    dim_names, item_names = data.names(f)
    trend = q("dimension_trend", **f.params())
stop_if_empty(trend)
if f.segment or f.region:
    st.caption(t("dim.note_filters"))

st.subheader(t("dim.trend"))
partial_note(f, trend["period_start"].unique().to_list())
st.plotly_chart(
    charts.lines(trend, "period_start", "mean_score", "dimension_id", dim_names, "0-100", f.target),
    key="dim_trend",
)

levels = q("item_levels_range", **f.params())
st.subheader(t("dim.histogram"))
tabs = st.tabs([dim_names.get(d, d) for d in dim_names])
for tab, dim in zip(tabs, dim_names, strict=True):
    part = levels.filter(pl.col("dimension_id") == dim)
    with tab:
        actions.create_button(
            f"dim_{dim}",
            source="dimension",
            questionnaire_id=f.questionnaire_id,
            dimension_id=dim,
            scope=f.one_scope,
            title=t("act.default_title", what=dim_names.get(dim, dim)),
        )
        if part.is_empty():
            st.info(t("empty"))
        else:
            st.plotly_chart(
                charts.stacked_levels(part, item_names, 120 + 50 * part["item_id"].n_unique()),
                key=f"hist_{dim}",
            )

st.subheader(t("dim.items"))
summary = data.item_summary(levels).with_columns(
    pl.col("item_id").replace_strict(item_names, default=pl.col("item_id")).alias("item"),
    pl.col("dimension_id").replace_strict(dim_names, default=pl.col("dimension_id")).alias("dimension"),
)
table(
    summary.select("dimension", "item", "ratings", "mean_score", "satisfied_pct", "dissatisfied_pct"), "items"
)

left, right = st.columns(2)
with left:
    st.subheader(t("dim.customer"))
    customers = q("customers_surveyed", **f.params()) if auth.can("detail") else None
    if customers is None:
        st.caption(t("auth.detail_hidden"))
    elif customers.is_empty():
        st.info(t("empty"))
    else:
        labels = {
            r["customer_id"]: f"{r['customer_name'] or ''} ({r['customer_id']}, n={r['responses']})"
            for r in customers.iter_rows(named=True)
        }
        customer = st.selectbox(
            t("dim.customer_pick"), list(labels), format_func=labels.get, key="dim_customer"
        )
        mine = q("customer_item_levels", **f.params(customer_id=customer))
        st.plotly_chart(
            charts.stacked_levels(mine, item_names, 120 + 45 * max(mine["item_id"].n_unique(), 1)),
            key="customer_hist",
        )
with right:
    st.subheader(t("dim.staff"))
    staff = q("staff_scores", **f.params())
    if staff.is_empty():
        st.info(t("empty"))
    else:
        table(staff.drop("csi_sd"), "staff_scores")

st.subheader(t("dim.drivers"))
drivers = data.key_drivers(f, dim_names)
if drivers is None:
    st.info(t("empty"))
elif drivers.r2 is None:
    st.info(t("dim.drivers_too_few"))
else:
    outcome = t(f"dim.outcome.{drivers.outcome}")
    st.caption(t("dim.drivers_r2", r2=drivers.r2 * 100, outcome=outcome, n=drivers.n))
    if drivers.r2 < 0.05:
        st.warning(t("dim.drivers_weak", r2=drivers.r2 * 100))
    st.plotly_chart(charts.quadrant(drivers.frame, dim_names), key="quadrant")
    table(drivers.table, "key_drivers")
