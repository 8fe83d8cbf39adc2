"""Small building blocks the pages share: empty states, tables with downloads, KPI cards."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import auth
from dashboard.downloads import to_csv, to_xlsx
from dashboard.i18n import COLUMNS, label, t

DATA_RANGE = "f_data_range"  # (first, last, date widget key) of the sidebar's questionnaire


def counting(f):
    """A spinner with words while a page's first queries run (shown after half a second)."""
    return st.spinner(t("spin.counting", n=f"{f.responses:,}"))


def stop_if_empty(frame: pl.DataFrame | None, message: str | None = None) -> None:
    """Show an info box and stop the page when there is nothing to draw; when the dates are
    narrower than the data, say which dates hold data, with a button to go there."""
    if frame is not None and not frame.is_empty():
        return
    st.info(message or t("empty"))
    found = st.session_state.get(DATA_RANGE)
    if found is not None:
        first, last, key = found
        st.caption(t("empty.range", first=f"{first}", last=f"{last}"))
        st.button(
            t("empty.jump"),
            key="jump_to_data",
            icon=":material/date_range:",
            on_click=lambda: st.session_state.update({key: (first, last)}),
        )
    st.stop()


def downloads(frame: pl.DataFrame, name: str) -> None:
    """CSV and Excel buttons; each download is an audit event (file and rows)."""
    # One row of buttons as wide as their labels (columns cut them to "下…" in narrow places).
    left = right = st.container(horizontal=True)
    # The files are made when a button is clicked (Streamlit calls the function then), not on
    # every rerun: an XLSX costs ~50 ms per table, several per page.
    csv = f"{name}.csv"
    left.download_button(
        t("download.csv"),
        auth.audited_file(lambda: to_csv(frame), "download", {"file": csv, "rows": frame.height}),
        csv,
        "text/csv",
        key=f"csv_{name}",
        on_click="ignore",
    )
    xlsx = f"{name}.xlsx"
    right.download_button(
        t("download.xlsx"),
        auth.audited_file(lambda: to_xlsx(frame, name), "download", {"file": xlsx, "rows": frame.height}),
        xlsx,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"xlsx_{name}",
        on_click="ignore",
    )


# Columns shown with one decimal: percentages and scores on 0-100.
_PERCENT_SUFFIX = "_pct"
_SCORES = {
    "csi",
    "csi_ci_low",
    "csi_ci_high",
    "mean_score",
    "own_mean",
    "competitor_mean",
    "gap",
    "performance",
    "mean_csi",
    "z_score",
    "log_odds",
    "score",
    "mean",
    "mean_ci_low",
    "mean_ci_high",
    "dissatisfied_ci_low",
    "dissatisfied_ci_high",
    "rate_ci_low",
    "rate_ci_high",
}


def p_text(value: float | None) -> str | None:
    """A p-value as people read it: '<0.001' or three decimals."""
    if value is None:
        return None
    return "<0.001" if value < 0.001 else f"{value:.3f}"


# Columns holding codes of an enum, shown with the enum's labels (the downloads too).
_ENUM_COLUMNS = {"channel": "channel", "cause_category": "cat"}


def presented(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame as shown and downloaded: scores and percentages to one decimal, p-values as
    p_text, so a number reads the same on every page and file."""
    exprs = []
    for name, dtype in frame.schema.items():
        if (name == "p_value" or name.startswith("p_")) and dtype.is_float():
            exprs.append(pl.col(name).map_elements(p_text, return_dtype=pl.Utf8, skip_nulls=True))
        elif dtype.is_float() and (name.endswith(_PERCENT_SUFFIX) or name in _SCORES):
            exprs.append(pl.col(name).round(1))
        elif dtype == pl.Utf8 and name in _ENUM_COLUMNS:  # codes in words (phone -> 电话)
            codes = frame[name].drop_nulls().unique().to_list()
            words = {c: label(_ENUM_COLUMNS[name], c) for c in codes}
            exprs.append(pl.col(name).replace_strict(words, default=pl.col(name)).fill_null(""))
        elif dtype == pl.Utf8:
            exprs.append(pl.col(name).fill_null(""))  # an empty cell, not the word None
    return frame.with_columns(exprs) if exprs else frame


def _midnights(values: pl.Series) -> bool:
    """Whether every timestamp is at 00:00: a date stored as a timestamp, shown as a date."""
    found = values.drop_nulls()
    return found.len() > 0 and bool((found.dt.truncate("1d") == found).all())


def column_config(frame: pl.DataFrame, given: dict | None = None) -> dict:
    """Headers in the chosen language for `frame`'s known columns, on top of `given` configs."""
    config = {}
    for name, dtype in frame.schema.items():
        if name not in COLUMNS:
            continue
        header = label("col", name)
        if dtype.is_float() and (name.endswith(_PERCENT_SUFFIX) or name in _SCORES):
            config[name] = st.column_config.NumberColumn(header, format="%.1f")
        elif dtype == pl.Date or (isinstance(dtype, pl.Datetime) and _midnights(frame[name])):
            config[name] = st.column_config.DateColumn(header, format="YYYY-MM-DD")
        elif isinstance(dtype, pl.Datetime):
            config[name] = st.column_config.DatetimeColumn(header, format="YYYY-MM-DD HH:mm")
        else:
            config[name] = st.column_config.Column(header)
    for name, cfg in (given or {}).items():
        if isinstance(cfg, dict) and not cfg.get("label") and name in config:
            cfg = {**cfg, "label": config[name]["label"]}
        config[name] = cfg
    return config


def table(frame: pl.DataFrame, name: str, **kwargs):
    """A dataframe with translated headers and CSV and Excel downloads under it (which keep the
    column names); returns the selection state."""
    frame = presented(frame)
    config = column_config(frame, kwargs.pop("column_config", None))
    event = st.dataframe(frame, hide_index=True, key=f"table_{name}", column_config=config, **kwargs)
    downloads(frame, name)
    return event


def fmt(value, digits: int = 1, suffix: str = "") -> str:
    return t("kpi.na") if value is None else f"{value:,.{digits}f}{suffix}"


def partial_note(f, periods) -> None:
    """Say that the dates count in whole months, and which of `periods` they cover in part."""
    from dashboard.filters import month_range

    partial = [
        f"{period:%Y-%m} ({t('partial.months', inside=inside, total=total)})"
        for period, (inside, total) in sorted(f.partial_periods(periods).items())
    ]
    date_from, date_to = month_range(f.date_from, f.date_to)
    text = t("partial.range", date_from=f"{date_from:%Y-%m-%d}", date_to=f"{date_to:%Y-%m-%d}")
    if partial:
        text += " · " + t("partial.note", periods=", ".join(partial))
    st.caption(text)
