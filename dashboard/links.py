"""Shareable links: the language and every filter live in the URL's query string.

The page is the URL's path (st.navigation); `?lang=en&q=dealer-sales&grain=quarter&from=2025-01-01
&to=2025-12-31&scope=sales&segment=key&region=华南,华东` are the rest (a multi-select's values comma-separated). A session's first run takes them
(`seed`), the sidebar applies the filters when it first draws (`pending`) and writes the URL
again after every change (`write`), so a copied link reopens the same view and a reload keeps
it. Values the warehouse does not know are ignored: the filter falls back to its default.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard.i18n import LANGS

_SEEDED = "links_seeded"
_PENDING = "links_pending"
FILTER_PARAMS = ("q", "grain", "from", "to", "scope", "segment", "region", "channel", "staff")


def seed() -> None:
    """On a session's first run (the login page included), read the link's language and keep
    its filters for the sidebar's first draw."""
    if st.session_state.get(_SEEDED):
        return
    st.session_state[_SEEDED] = True
    params = st.query_params
    if params.get("lang") in LANGS:
        st.session_state["lang"] = params["lang"]
    st.session_state[_PENDING] = {k: params[k] for k in FILTER_PARAMS if params.get(k)}
    if params.get("case"):  # a complaint case named by a link (an alert, an e-mail): the desk opens it
        st.session_state["case_picked"] = params["case"]
    if params.get("call"):  # a call named by a link: the call desk takes it in hand
        st.session_state["call_in_hand"] = params["call"]


def open_view(url_path: str, params: dict) -> None:
    """Open a page on a view named like a link's query string (an alert's month and group):
    the filters take its values at the sidebar's next draw, as a link's do."""
    from dashboard.page import switch_to

    st.session_state[_PENDING] = {k: params[k] for k in FILTER_PARAMS if params.get(k)}
    if params.get("case"):
        st.session_state["case_picked"] = params["case"]
    switch_to(url_path)


def pending() -> dict:
    """The link's filters not applied yet (once per session)."""
    return st.session_state.pop(_PENDING, None) or {}


def date_param(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def write(lang: str, f) -> None:
    """The URL of the view on screen."""
    values = {
        "lang": lang,
        "q": f.questionnaire_id,
        "grain": f.grain,
        "from": f.date_from.isoformat(),
        "to": f.date_to.isoformat(),
        "scope": ",".join(f.scope),
        "segment": ",".join(f.segment),
        "region": ",".join(f.region),
        "channel": ",".join(f.channel),
        "staff": ",".join(f.staff),
    }
    wanted = {k: v for k, v in values.items() if v}
    if dict(st.query_params) != wanted:
        st.query_params.from_dict(wanted)
