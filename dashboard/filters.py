"""The sidebar filters shared by every page, kept in session state across pages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import streamlit as st

from dashboard import links
from dashboard.i18n import LANGS, labels, lang, t
from dashboard.state import q
from dashboard.widgets import DATA_RANGE

GRAINS = ("month", "quarter", "year")
SEGMENTS = ("key", "general")


@dataclass(frozen=True)
class Filters:
    questionnaire_id: str
    title: str
    target: float
    grain: str
    date_from: dt.date
    date_to: dt.date
    scope: tuple[str, ...]  # the picked values of each multi-select; empty: all
    segment: tuple[str, ...]
    region: tuple[str, ...]
    channel: tuple[str, ...] = ()  # survey channels and our staff: they narrow the responses only
    staff: tuple[str, ...] = ()
    responses: int = 0  # the questionnaire's responses (for the words of a spinner)

    @property
    def one_scope(self) -> str | None:
        """The scope when exactly one is picked (a new action's scope), else None."""
        return self.scope[0] if len(self.scope) == 1 else None

    def partial_periods(self, periods) -> dict:
        """{period: (months in range, months)} of the periods (starts at this grain) the dates
        cover only in part."""
        found = {}
        for period in periods:
            inside, total = period_months(period, self.grain, self.date_from, self.date_to)
            if inside < total:
                found[period] = (inside, total)
        return found

    def params(self, **extra) -> dict:
        """Named parameters for sql/queries/*.sql: the dates as whole months (`month_range`)."""
        date_from, date_to = month_range(self.date_from, self.date_to)
        return {
            "qid": self.questionnaire_id,
            "grain": self.grain,
            "date_from": date_from,
            "date_to": date_to,
            "scope": self.scope or None,  # tuples (hashable, for the caches); bound as lists
            "segment": self.segment or None,
            "region": self.region or None,
            "channel": self.channel or None,
            "staff": self.staff or None,
            **extra,
        }


def picked(value) -> tuple[str, ...]:
    """A filter's values as the Filters hold them: None -> (), 'a' or 'a,b' -> ('a', 'b')."""
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(v.strip() for v in value.split(",") if v.strip())
    return tuple(value)


def month_range(date_from: dt.date, date_to: dt.date) -> tuple[dt.date, dt.date]:
    """The date range every query reads: from the first day of date_from's month to the last
    day of date_to's month. The monthly rollups cannot be cut inside a month, so the queries
    that count single responses use the same whole months (one date rule for every number)."""
    start = date_from.replace(day=1)
    after = (date_to.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return start, after - dt.timedelta(days=1)


MONTHS = {"month": 1, "quarter": 3, "half": 6, "year": 12}


def period_months(period: dt.date, grain: str, date_from: dt.date, date_to: dt.date) -> tuple[int, int]:
    """(months of the period inside the range, months of the period): a period with fewer
    months in range than it has is partial, and the pages say so."""
    start, end = month_range(date_from, date_to)
    first = period.year * 12 + period.month - 1
    inside = sum(
        1 for m in range(first, first + MONTHS[grain]) if start <= dt.date(m // 12, m % 12 + 1, 1) <= end
    )
    return inside, MONTHS[grain]


def language_switch() -> None:
    st.sidebar.radio(
        t("filter.language"),
        list(LANGS),
        format_func=LANGS.get,
        key="lang",
        horizontal=True,
    )


def sidebar(shown: bool = True) -> Filters | None:
    """Draw the shared filters in the sidebar; None when the warehouse has no questionnaire
    yet. On a page they do not apply to (`shown` False) they are drawn hidden, so that they
    keep their values for the next analysis page."""
    with st.sidebar.container(key="filters"):
        if not shown:
            st.html("<style>.st-key-filters { display: none; }</style>")
        return _filters()


def _filters() -> Filters | None:
    questionnaires = q("questionnaires")
    st.header(t("filter.title"))
    if questionnaires.is_empty():
        return None
    rows = {r["questionnaire_id"]: r for r in questionnaires.iter_rows(named=True)}
    link = links.pending()
    _from_link(link, rows)
    qid = st.selectbox(
        t("filter.questionnaire"),
        list(rows),
        format_func=lambda i: f"{rows[i]['title']} ({i})",
        key="f_questionnaire",
    )
    row = rows[qid]
    grain = (
        _remembered(
            "f_grain",
            "month",
            lambda key, value: st.segmented_control(
                t("filter.grain"), GRAINS, format_func=labels(GRAINS, "grain").get, key=key, default=value
            ),
        )
        or "month"
    )
    first, last = data_dates(row)
    # The key carries the data's date range: after a load that extends it, the default range
    # follows the data instead of hiding the new batch.
    dates_key = f"f_dates_{qid}_{first}_{last}"
    # "No data in these dates" offers every date with data, older complaints included.
    st.session_state[DATA_RANGE] = (row["first_date"] or first, row["last_date"] or last, dates_key)
    shown = (links.date_param(link.get("from")) or first, links.date_param(link.get("to")) or last)
    if (link.get("from") or link.get("to")) and dates_key in st.session_state:
        del st.session_state[dates_key]  # a view opened in the session (an alert): its dates win
    dates = st.date_input(
        t("filter.dates"),
        value=shown if shown[0] <= shown[1] else (first, last),
        min_value=dt.date(1990, 1, 1),
        max_value=dt.date(2100, 12, 31),
        key=dates_key,
    )
    if isinstance(dates, tuple | list) and len(dates) == 2:
        date_from, date_to = dates
    else:  # a half-picked range: keep the questionnaire's full range until the second click
        date_from, date_to = first, last
    values = q("filter_values", qid=qid)
    scopes = values.filter(values["filter"] == "scope")["value"].to_list()
    regions = values.filter(values["filter"] == "region")["value"].to_list()
    channels = values.filter(values["filter"] == "channel")["value"].to_list()
    staff_ids = values.filter(values["filter"] == "staff")["value"].to_list()
    for param, name, known in (
        ("scope", f"f_scope_{qid}", scopes),
        ("segment", "f_segment", list(SEGMENTS)),
        ("region", "f_region", regions),
        ("channel", f"f_channel_{qid}", channels),
        ("staff", f"f_staff_{qid}", staff_ids),
    ):
        if param in link:
            st.session_state[name] = [v for v in picked(link[param]) if v in known]
    scope = _choice("filter.scope", scopes, "scope", f"f_scope_{qid}")
    segment = _choice("filter.segment", list(SEGMENTS), "segment", "f_segment")
    region = _choice("filter.region", regions, None, "f_region")
    channel = _choice("filter.channel", channels, "channel", f"f_channel_{qid}") if channels else ()
    staff = _choice("filter.staff", staff_ids, None, f"f_staff_{qid}") if staff_ids else ()
    if channel or staff:
        st.caption(t("filter.survey_only"))
    found = Filters(
        qid,
        row["title"],
        float(row["target"]),
        grain,
        date_from,
        date_to,
        scope,
        segment,
        region,
        channel,
        staff,
        int(row["responses"] or 0),
    )
    links.write(lang(), found)
    return found


def data_dates(row: dict) -> tuple[dt.date, dt.date]:
    """The default date range of a questionnaire (a row of `questionnaires`): its last 13
    months with responses; without responses, the dates of the complaints and contacts; with
    no data at all, this year so far."""
    if row.get("recent_from") and row.get("responses_last"):
        return row["recent_from"], row["responses_last"]
    return (
        row["first_date"] or dt.date.today().replace(month=1, day=1),
        row["last_date"] or dt.date.today(),
    )


def default_filters(row: dict) -> Filters:
    """The filters a new session starts with on a questionnaire: every value, its data's dates,
    by month (what the sidebar shows before anything is picked)."""
    return Filters(
        row["questionnaire_id"],
        row["title"],
        float(row["target"]),
        "month",
        *data_dates(row),
        (),
        (),
        (),
        responses=int(row["responses"] or 0),
    )


def _from_link(link: dict, rows: dict) -> None:
    """A link's questionnaire and grain, set before their widgets draw (once per session)."""
    if link.get("q") in rows:
        st.session_state["f_questionnaire"] = link["q"]
    if link.get("grain") in GRAINS:
        st.session_state["f_grain"] = link["grain"]


def _remembered(name: str, default, draw):
    """Draw a widget whose labels change with the language, keeping its value across languages.

    Streamlit keeps a widget's value by its label, so each language has its own widget key; the
    value itself is remembered under `name`.
    """
    value = st.session_state.get(name, default)
    picked = draw(f"{name}_{lang()}", value)
    st.session_state[name] = picked
    return picked


def _choice(key: str, values: list[str], prefix: str | None, widget_key: str) -> tuple[str, ...]:
    """A multi-select filter; nothing picked means all (the placeholder says so)."""
    names = labels(values, prefix) if prefix else {v: v for v in values}

    def draw(k, value):
        kept = [v for v in (value or []) if v in values]
        return st.multiselect(
            t(key),
            values,
            default=kept,
            format_func=names.get,
            key=k,
            placeholder=t("filter.all"),
            select_all=False,  # nothing picked is all; Streamlit's "Select all" is English only
        )

    return tuple(_remembered(widget_key, [], draw))


COMPARISONS = ("previous", "last_year", "custom")


def comparison(f: Filters) -> tuple[str, tuple[dt.date, dt.date] | None, str]:
    """What the KPI cards compare the latest period with, picked above them: (choice, the
    custom range or None, the comparison in words)."""
    left, right = st.columns([2, 3])
    picked = (
        _remembered(
            "ov_compare",
            "previous",
            lambda key, value: left.segmented_control(
                t("compare.label"),
                COMPARISONS,
                format_func=labels(COMPARISONS, "compare").get,
                key=key,
                default=value,
            ),
        )
        or "previous"
    )
    if picked != "custom":
        return picked, None, t(f"compare.{picked}")
    year_before = (_year_before(f.date_from), _year_before(f.date_to))
    chosen = right.date_input(
        t("compare.range"),
        value=st.session_state.get("ov_compare_range", year_before),
        min_value=dt.date(1990, 1, 1),
        max_value=dt.date(2100, 12, 31),
        key=f"ov_compare_dates_{lang()}",
    )
    if not (isinstance(chosen, tuple | list) and len(chosen) == 2):
        chosen = year_before
    st.session_state["ov_compare_range"] = tuple(chosen)
    start, end = month_range(*chosen)
    return picked, (start, end), t("compare.custom_range", start=f"{start:%Y-%m}", end=f"{end:%Y-%m}")


def _year_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)
