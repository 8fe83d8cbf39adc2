"""The dashboard's cached warehouse reader and cached queries keyed by the data version."""

from __future__ import annotations

import importlib
import logging
import os
import resource
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

import polars as pl
import streamlit as st
from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx
from streamlit.runtime.scriptrunner_utils.exceptions import ScriptControlException

from dashboard import english
from dashboard.i18n import lang, t
from warehouse import db_path, open_warehouse, roles
from warehouse.lake import LAKE, exists
from warehouse.reader import Reader
from warehouse.sql import honours_regions, query, sql_file
from warehouse.users import User


class _OwnThreads(logging.Filter):
    """Drops Streamlit's 'missing ScriptRunContext' warning for this module's own threads (the
    warm-up, the copy's start, the query pool): they run cached queries outside any session
    on purpose, and filled the server log with some twenty warnings at every start."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (
            "missing ScriptRunContext" in record.getMessage()
            and threading.current_thread().name.startswith("manyi-")
        )


logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(_OwnThreads())


@st.cache_resource(show_spinner=False)
def _reader(path: str) -> Reader:
    """One reader per warehouse and process; DuckLake lets loaders write meanwhile. A small
    warehouse is also copied into memory for the pages' queries (warehouse.mirror)."""
    return Reader(path, mirror=True)


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
    return _reader(path).query(name, dict(params), version=version)


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
    from dashboard import sentiment

    # The sentiment model loads on its first comment (about 4-5 s): a Voice drill's first
    # click took that long, the others under a second.
    sentiment.score("服务很好")
    from dashboard import data

    # Then the default Overview's queries, into the cache every role shares: DuckLake plans
    # and reads cold the first time (1-2 s on the demo warehouse).
    token = _AS.set(User("warm-up", "manager", None))
    try:
        data.warm_overview()
    except (Exception, ScriptControlException):  # a page that runs later shows any error
        logging.getLogger(__name__).exception("warming the Overview's queries failed")
    finally:
        _AS.reset(token)
    copy_soon()


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _wait_until_idle(longest: float = 60.0, step: float = 0.25) -> None:
    """Until the process (every thread: script runs, queries) used under a fifth of a core for
    two steps running, or `longest` seconds passed."""
    quiet, deadline = 0, time.monotonic() + longest
    before = _cpu_seconds()
    while quiet < 2 and time.monotonic() < deadline:
        time.sleep(step)
        now = _cpu_seconds()
        quiet = quiet + 1 if now - before < step / 5 else 0
        before = now


def _copy_when_idle(path: str) -> None:
    _wait_until_idle()
    found = _reader(path).mirror
    if found is not None:
        found.start()


@st.cache_resource(show_spinner=False)
def _copier(path: str) -> threading.Thread:
    thread = threading.Thread(target=_copy_when_idle, args=(path,), name="manyi-copy-start", daemon=True)
    thread.start()
    return thread


def copy_soon() -> None:
    """After the warm-up and after every signed-in page (app.py): take the in-memory copy of
    the warehouse (warehouse.mirror), once per server process, when the server is idle; it is
    kept up to date from then on as queries ask for newer data. Taken beside a user's first
    Overview, the copy (1.5 s at 1,000,000 responses) delayed that Overview by 1-2 s."""
    _copier(str(db_path().absolute()))


@st.cache_resource(show_spinner=False)
def warm_up(path: str) -> threading.Thread:
    """Once per server process and warehouse (`path`: the cache key), in the background while
    the first user is on the login page: import what the pages need and run the default Overview's queries, so that the
    first Overview after `streamlit run` pays for neither (issue 15: cold start)."""
    thread = threading.Thread(target=_warm, name="manyi-warm-up", daemon=True)
    thread.start()
    return thread


_RUN_VERSIONS = "_manyi_data_versions"


def begin_run() -> None:
    """At the top of every script run (app.py): the data version is looked up once per run
    (one catalog query, 5-10 ms, instead of one per query a page reads)."""
    st.session_state[_RUN_VERSIONS] = {}


def data_version(audit: bool = False) -> int:
    """The cache key of the data (`audit`: of the audit trail too, which every sign-in adds to);
    once per script run, and again after a write of the dashboard's own (open_for_write)."""
    memo = st.session_state.get(_RUN_VERSIONS) if get_script_run_ctx() is not None else None
    if memo is None:
        return reader().version(audit)
    if audit not in memo:
        memo[audit] = reader().version(audit)
    return memo[audit]


def open_for_write():
    """A connection for a write of the dashboard's (a load, a plan, a setting, a user): the
    queries after it in the same run see what it wrote."""
    st.session_state.pop(_RUN_VERSIONS, None)
    return open_warehouse()


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
# The warm-up's stand-in user (an unlimited manager): it fills the cache before anyone signs in.
_AS: ContextVar[User | None] = ContextVar("manyi_as", default=None)


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
    found = _OFFLINE.get() or _session_user()
    if found is None:
        return False
    return roles.may_query(found.role, name) and (not found.regions or honours_regions(name))


def _session_user():
    """Who the queries run for: the warm-up's stand-in while it runs, else the signed-in user."""
    return _AS.get() or st.session_state.get("auth_user")


def _key(name: str, params: dict) -> tuple:
    """The cache key of query `name` for the current user (`_cached`'s arguments); stops the
    page when the user may not run it."""
    user = _session_user()
    if user is None or not roles.may_query(user.role, name):
        st.error(t("auth.not_permitted"))
        st.stop()
    # Personal numbers are shown only to admins. Only queries that show them take the flag, so
    # every role shares the cache of the others (and the warm-up's).
    if "$unmask" in sql_file(f"queries/{name}"):
        params["unmask"] = roles.can(user.role, "unmask")
    # A department user sees its own department's cases only (queries that take $dept).
    if "$dept" in sql_file(f"queries/{name}"):
        params["dept"] = getattr(user, "dept", None) if user.role == "department" else None
    # An agent sees its own calls only (queries that take $agent); others may name an agent.
    if "$agent" in sql_file(f"queries/{name}"):
        params["agent"] = user.name if user.role == "agent" else params.get("agent")
    # A user limited to regions sees only their customers' rows: enforced by warehouse.sql.
    params["regions"] = tuple(user.regions) if user.regions else None
    if user.regions and not honours_regions(name):
        st.info(t("auth.region_limited"))
        st.stop()
    version = data_version(audit="v_audit" in sql_file(f"queries/{name}"))
    return str(db_path().absolute()), version, name, tuple(sorted(params.items()))


def q(name: str, **params) -> pl.DataFrame:
    """Run sql/queries/<name>.sql; cached until the warehouse changes (a new snapshot). Denied
    without a logged-in user: no page can read data before login. In English mode the names a
    questionnaire gives in English (`label_en` …) replace the Chinese ones."""
    found = _q(name, **params)
    if name in english.QUERIES or lang() != "en" or not set(english.NAMED) & set(found.columns):
        return found
    sources = tuple(_q("questionnaire_sources")["toml"].to_list())
    topics = tuple(_q("topic_names").iter_rows())
    return english.english(found, english.names(sources, topics))


def _q(name: str, **params) -> pl.DataFrame:
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
    return _cached(*_key(name, params))


# Queries that run side by side: planning a query over DuckLake's views is single-threaded and
# costs 0.05-0.4 s, so a page's independent queries take about two thirds of the time on two
# cores (the Overview's nine on the demo: 1.66 s -> 1.13 s).
_POOL = ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2), thread_name_prefix="manyi-query")


def prefetch(calls: list[tuple[str, dict]]) -> None:
    """Run the queries a page is about to read (name, params) side by side into the cache, so
    that its q() calls find them there. Queries the user may not run are left to the page,
    which says so. Outside a session (the report) nothing is done."""
    if _OFFLINE.get() is not None:
        return
    keys = [_key(name, dict(params)) for name, params in calls if allowed(name)]
    ctx = get_script_run_ctx()

    def run(key: tuple) -> None:
        if ctx is not None:
            add_script_run_ctx(threading.current_thread(), ctx)
        _cached(*key)

    for future in [_POOL.submit(run, key) for key in dict.fromkeys(keys)]:
        future.result()


def region_ok(name: str) -> bool:
    """Whether the logged-in user may run query `name` (region-limited users: only queries
    that honour the limit)."""
    user = st.session_state.get("auth_user")
    return user is None or not user.regions or honours_regions(name)


def settings_row() -> dict:
    """The settings in force that the dashboard reads (min_sample, timezone, idle minutes …)."""
    return q("metric_settings").row(0, named=True)
