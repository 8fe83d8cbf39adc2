"""What every analysis page starts with."""

from __future__ import annotations

import streamlit as st

from dashboard.filters import Filters
from dashboard.i18n import t

_PAGES: dict[str, st.Page] = {}


def register(named: dict[str, st.Page]) -> None:
    """Remember the router's pages by name, for `switch_to` (st.switch_page takes a path
    relative to the entry script, which differs between a server and a test run)."""
    _PAGES.update(named)


def switch_to(url_path: str) -> None:
    st.switch_page(_PAGES[url_path])


def filters() -> Filters:
    """The shared sidebar filters; stops the page when the warehouse has no questionnaire."""
    found = st.session_state.get("filters")
    if found is None:
        st.info(t("no_warehouse"))
        st.stop()
    return found
