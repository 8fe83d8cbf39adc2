"""The dashboard's cached warehouse handle."""

from __future__ import annotations

import streamlit as st

from warehouse.reader import Reader


@st.cache_resource
def warehouse() -> Reader:
    """One reader per dashboard process; DuckLake lets loaders write meanwhile."""
    return Reader()
