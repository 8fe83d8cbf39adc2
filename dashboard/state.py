"""The dashboard's cached warehouse reader and cached queries keyed by the data version."""

from __future__ import annotations

import importlib
import threading
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

import polars as pl
import streamlit as st

from dashboard.i18n import t
from warehouse import db_path, roles
from warehouse.lake import LAKE, exists
from warehouse.reader import Reader
from warehouse.sql import honours_regions, query


@st.cache_resource(show_spinner=False)
def _reader(path: str) -> Reader:
    """One reader per warehouse and process; DuckLake lets loaders write meanwhile."""
    return Reader(path)


def reader() -> Reader:
    """The warehouse reader; a missing warehouse stops the page with its path (a mistyped
    MANYI_DB must not serve a new, empty warehouse)."""
    path = db_path().absolute()
    if not exists(path):
        st.error(t("no_warehouse_at", path=str(path)))
        st.stop()
    return _reader(str(path))


@st.cache_data(show_spinner=False, max_entries=512)
def _cached(path: str, version: int, name: str, params: tuple) -> pl.DataFrame:
    return _reader(path).query(name, dict(params))


def writer():
    """A cursor of the process's warehouse connection, for a write (login, audit): a
    connection of its own to the same database (its own transaction and temp tables),
    without attaching and migrating the warehouse again, which cost 0.7-0.8 s per login."""
    return reader().cursor()


# What the analysis pages import on their first run: scipy.stats alone costs 0.7-1.5 s.
WARM_MODULES = (
    "scipy.stats",
    "plotly.graph_objects",
    "dashboard.charts",
    "dashboard.data",
    "dashboard.widgets",
    "dashboard.pareto",
    "dashboard.actions",
    "dashboard.voice",
    "dashboard.upload",
    "dashboard.admin",
)


def _warm() -> None:
    for name in WARM_MODULES:
        importlib.import_module(name)
    from dashboard.charts import go

    # A figure's first layout builds plotly's validators (a few hundred milliseconds).
    go.Figure(go.Scatter(x=[0], y=[0])).update_layout(title="warm").to_plotly_json()


@st.cache_resource(show_spinner=False)
def warm_up() -> threading.Thread:
    """Once per server process, import what the pages need in the background while the first
    user is on the login page, so that the first Overview after `streamlit run` does not pay
    for the imports (issue 15: cold start)."""
    thread = threading.Thread(target=_warm, name="manyi-warm-up", daemon=True)
    thread.start()
    return thread


def data_version() -> int:
    return reader().version()


@dataclass(frozen=True)
class Offline:
    """Queries outside a Streamlit session (the command-line report): one connection, the
    role, regions and masking of whoever asked."""

    con: object
    role: str
    regions: tuple[str, ...] | None = None
    unmask: bool = False
    memo: dict = field(default_factory=dict)  # (query, params) -> frame: each runs once


_OFFLINE: ContextVar[Offline | None] = ContextVar("manyi_offline", default=None)


@contextmanager
def offline(con, role: str = "analyst", regions=None, unmask: bool = False):
    """Run the dashboard's data functions (dashboard.data) on `con` without a session."""
    token = _OFFLINE.set(Offline(con, role, tuple(regions) if regions else None, unmask))
    try:
        yield
    finally:
        _OFFLINE.reset(token)


def allowed(name: str) -> bool:
    """Whether the current user (or offline caller) may run query `name`: role and region limit."""
    found = _OFFLINE.get() or st.session_state.get("auth_user")
    if found is None:
        return False
    return roles.may_query(found.role, name) and (not found.regions or honours_regions(name))


def q(name: str, **params) -> pl.DataFrame:
    """Run sql/queries/<name>.sql; cached until the warehouse changes (a new snapshot). Denied
    without a logged-in user: no page can read data before login."""
    found = _OFFLINE.get()
    if found is not None:
        if not roles.may_query(found.role, name):
            raise PermissionError(f"{found.role} may not run {name}")
        params |= {"unmask": found.unmask, "regions": found.regions}
        key = (name, tuple(sorted(params.items())))
        if key not in found.memo:
            cur = found.con.cursor()  # one per call: the report runs sections in threads
            try:
                cur.execute(f"use {LAKE}")
                found.memo[key] = query(cur, f"queries/{name}", params)
            finally:
                cur.close()
        return found.memo[key]
    user = st.session_state.get("auth_user")
    if user is None or not roles.may_query(user.role, name):
        st.error(t("auth.not_permitted"))
        st.stop()
    # Personal numbers are shown only to admins: every query gets the flag, unset = masked.
    params["unmask"] = roles.can(user.role, "unmask")
    # A user limited to regions sees only their customers' rows: enforced by warehouse.sql.
    params["regions"] = tuple(user.regions) if user.regions else None
    if user.regions and not honours_regions(name):
        st.info(t("auth.region_limited"))
        st.stop()
    path = str(db_path().absolute())
    return _cached(path, data_version(), name, tuple(sorted(params.items())))


def region_ok(name: str) -> bool:
    """Whether the logged-in user may run query `name` (region-limited users: only queries
    that honour the limit)."""
    user = st.session_state.get("auth_user")
    return user is None or not user.regions or honours_regions(name)


def settings_row() -> dict:
    """The settings in force that the dashboard reads (min_sample, timezone, idle minutes …)."""
    return q("metric_settings").row(0, named=True)
