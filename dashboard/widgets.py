"""Small building blocks the pages share: empty states, tables with downloads, KPI cards."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard.downloads import to_csv, to_xlsx
from dashboard.i18n import t


def stop_if_empty(frame: pl.DataFrame | None, message: str | None = None) -> None:
    """Show an info box and stop the page when there is nothing to draw."""
    if frame is None or frame.is_empty():
        st.info(message or t("empty"))
        st.stop()


def downloads(frame: pl.DataFrame, name: str) -> None:
    left, right, _ = st.columns([1, 1, 4])
    left.download_button(t("download.csv"), to_csv(frame), f"{name}.csv", "text/csv", key=f"csv_{name}")
    right.download_button(
        t("download.xlsx"),
        to_xlsx(frame, name),
        f"{name}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"xlsx_{name}",
    )


def table(frame: pl.DataFrame, name: str, **kwargs):
    """A dataframe with CSV and Excel downloads under it; returns the selection state."""
    event = st.dataframe(frame, hide_index=True, key=f"table_{name}", **kwargs)
    downloads(frame, name)
    return event


def fmt(value, digits: int = 1, suffix: str = "") -> str:
    return t("kpi.na") if value is None else f"{value:,.{digits}f}{suffix}"
