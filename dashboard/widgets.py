"""Small building blocks the pages share: empty states, tables with downloads, KPI cards."""

from __future__ import annotations

import json
import zoneinfo

import polars as pl
import streamlit as st
from streamlit import config as server_config

from dashboard import auth
from dashboard.downloads import to_csv, to_xlsx
from dashboard.i18n import COLUMNS, label, lang, t
from dashboard.state import settings_row, writer
from warehouse import settings

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
# Columns of codes shown as words: column -> the label prefix of its values.
_ENUM_COLUMNS = {
    "channel": "channel",
    "cause_category": "cat",
    "topic_category": "cat",
    "severity": "sev",
    "source": "act.source",
    "role": "role",
    "event": "event",
    "change_note": "act.step",
    "is_valid": "case.valid",
    "customer_accepted": "case.accepted",
    "scope": "scope",
}


def _readable(detail: str | None) -> str:
    """An audit event's JSON detail as "key: value · key: value" in the chosen language."""
    if not detail:
        return ""
    try:
        found = json.loads(detail)
    except ValueError:
        return detail
    if not isinstance(found, dict):
        return str(found)
    parts = []
    for key, value in found.items():
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        elif isinstance(value, dict):
            value = ", ".join(f"{k}={v}" for k, v in value.items())
        if key == "role":
            shown = label("role", value)
        elif key == "change":
            shown = ", ".join(label("change", v) for v in str(value).split(","))
        else:
            shown = value
        parts.append(f"{label('detail', key)}: {shown}")
    return " · ".join(parts)


def _local(frame: pl.DataFrame) -> pl.DataFrame:
    """Times with a zone (the audit's, the batches' UTC) in the company's time zone, as the
    clock on the wall reads them."""
    zoned = [n for n, d in frame.schema.items() if isinstance(d, pl.Datetime) and d.time_zone]
    if not zoned:
        return frame
    zone = str(settings_row()["timezone"])
    zoneinfo.ZoneInfo(zone)  # a bad setting fails here, not as a blank column
    return frame.with_columns(pl.col(n).dt.convert_time_zone(zone).dt.replace_time_zone(None) for n in zoned)


def presented(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame as shown and downloaded: scores and percentages to one decimal, p-values as
    p_text, so a number reads the same on every page and file."""
    frame = _local(frame)
    exprs = []
    for name, dtype in frame.schema.items():
        if name == "detail" and dtype == pl.Utf8:
            exprs.append(pl.col(name).map_elements(_readable, return_dtype=pl.Utf8, skip_nulls=False))
        elif (name == "p_value" or name.startswith("p_")) and dtype.is_float():
            exprs.append(pl.col(name).map_elements(p_text, return_dtype=pl.Utf8, skip_nulls=True))
        elif dtype.is_float() and (name.endswith((_PERCENT_SUFFIX, "_hours")) or name in _SCORES):
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
    kwargs.setdefault("placeholder", "")  # an empty cell, not "None"
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


def file_input(label: str, types: list[str], key: str):
    """A file picker that takes files up to `max_mb` MiB (the setting upload_max_mb), in the
    chosen language. The server refuses a larger request body before reading it (its
    maxUploadSize follows the setting; Streamlit's default of 200 MB would refuse files the
    setting allows), and the picker says the same limit."""
    cur = writer()
    try:
        max_mb = settings.number(cur, "upload_max_mb")
    finally:
        cur.close()
    server_config.set_option("server.maxUploadSize", max_mb)
    found = st.file_uploader(label, type=types, key=key, max_upload_size=max_mb)
    if lang() == "zh":  # Streamlit's own words in the drop zone are English only
        zone = f".st-key-{key} [data-testid='stFileUploaderDropzone']"
        say = t("up.drop", mb=f"{max_mb:,}", types=" / ".join(x.upper() for x in types))
        st.html(
            "<style>"
            f"{zone} [data-testid='stFileUploaderDropzoneInstructions'] > div > * {{ display: none; }}"
            f"{zone} [data-testid='stFileUploaderDropzoneInstructions'] > div::after"
            f" {{ content: {json.dumps(say, ensure_ascii=False)}; font-size: 0.875rem; }}"
            f"{zone} button p {{ font-size: 0; }}"
            f"{zone} button p::after {{ content: {json.dumps(t('up.browse'), ensure_ascii=False)}; font-size: 0.875rem; }}"
            "</style>"
        )
    return found
