"""Which of a page's clickable charts the user clicked last."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, data
from dashboard.filters import Filters
from dashboard.i18n import t

_LAST = "pareto_last_click"


def _point(event) -> int | None:
    points = (event or {}).get("selection", {}).get("points", []) if event else []
    return points[0]["point_index"] if points else None


def active_click(events: dict) -> tuple[str | None, int | None]:
    """(chart name, point index) of the newest click among `events` (name -> plotly event).

    A chart keeps its selection after another chart is clicked; the drill-down must follow the
    newest click only, so each chart's selection is remembered and the one that changed wins.
    """
    seen = st.session_state.setdefault(_LAST, {"order": [], "points": {}})
    now = {name: _point(event) for name, event in events.items()}
    for name, point in now.items():
        if point is not None and seen["points"].get(name) != point:
            seen["order"] = [n for n in seen["order"] if n != name] + [name]
        seen["points"][name] = point
    for name in reversed(seen["order"]):
        if now.get(name) is not None:
            return name, now[name]
    return None, None


def share_chart(f: Filters) -> None:
    """The share of responses with a dissatisfied rating, month by month, against the
    dissatisfied_high alert's baseline and upper control limit (CONTRACT §11), when they apply."""
    limits = data.control_limits(f, "dissatisfied_high")
    if limits is None:
        return
    st.subheader(t("pareto.share"))
    st.plotly_chart(charts.control_chart(limits, t("pareto.share_axis")), key="pareto_share")
    st.caption(t("pareto.share_help"))
