"""`python -m pipelines query`: one read-only SELECT over the public views, nothing else.

The statement is parsed by DuckDB itself (json_serialize_sql) and every table it names must
be a public view (sql/marts/v_*.sql) or one of its own CTEs; table functions (read_text,
read_csv, glob, sqlite_scan, ducklake_*), PRAGMA, SET and every other statement are refused.
It then runs on a connection that can reach no file but the warehouse's own, with its
configuration locked, inside a transaction that is always rolled back.
"""

from __future__ import annotations

import json
import os
import threading
import time

from warehouse.lake import LAKE, data_path, shared
from warehouse.migrate import SQL_DIR

PUBLIC_VIEWS = frozenset(p.stem for p in (SQL_DIR / "marts").glob("v_*.sql"))


class QueryRefused(ValueError):
    """A statement `query` does not run, with the reason in words."""


def check(con, sql: str) -> None:
    """Raise QueryRefused unless `sql` is one SELECT reading only public views."""
    found = json.loads(con.execute("select json_serialize_sql(?::varchar)", [sql]).fetchone()[0])
    if found.get("error"):
        message = found.get("error_message", "")
        if "Only SELECT" in message:
            raise QueryRefused("query takes exactly one read-only SELECT statement")
        if "v_audit" in sql.lower():
            message += '\n(v_audit\'s column "at" is an SQL keyword: write it in double quotes, "at")'
        raise QueryRefused(f"query failed: {message}")
    statements = found.get("statements", [])
    if len(statements) != 1:
        raise QueryRefused("query takes exactly one read-only SELECT statement")
    ctes: set[str] = set()
    _collect_ctes(statements[0], ctes)
    # A CTE named like a table or a system view would let that object itself be read inside
    # it (`with duckdb_views as (select * from duckdb_views) …`).
    objects = {
        r[0].lower()
        for r in con.execute(
            "select table_name from duckdb_tables() union all select view_name from duckdb_views()"
        ).fetchall()
    }
    shadowing = sorted(
        name for name in ctes - PUBLIC_VIEWS if name in objects or name.startswith(_SYSTEM_PREFIXES)
    )
    if shadowing:
        raise QueryRefused(
            f"a CTE may not be named like a warehouse table or system view: {', '.join(shadowing)}"
        )
    _walk(statements[0], ctes)


def _collect_ctes(node, names: set[str]) -> None:
    if isinstance(node, dict):
        for entry in (
            (node.get("cte_map") or {}).get("map", []) if isinstance(node.get("cte_map"), dict) else []
        ):
            names.add(str(entry.get("key", "")).lower())
        for value in node.values():
            _collect_ctes(value, names)
    elif isinstance(node, list):
        for value in node:
            _collect_ctes(value, names)


_SYSTEM_PREFIXES = ("duckdb_", "sqlite_", "pg_", "pragma_", "information_schema", "ducklake_")
# Scalar functions that read the session's settings or variables (the catalog's path among them).
_REFUSED_FUNCTIONS = frozenset({"current_setting", "getvariable", "getenv"})


def _walk(node, ctes: set[str]) -> None:
    if isinstance(node, dict):
        kind = node.get("type")
        if kind == "SHOW_REF":
            raise QueryRefused(
                "SHOW, DESCRIBE and SUMMARIZE are not allowed: query reads the public views only"
            )
        if (
            node.get("class") == "FUNCTION"
            and str(node.get("function_name", "")).lower() in _REFUSED_FUNCTIONS
        ):
            raise QueryRefused(f"{node['function_name']}() is not allowed: query reads the public views only")
        if kind == "BASE_TABLE" and node.get("at_clause"):
            raise QueryRefused(
                "time travel (AT VERSION / TIMESTAMP) is not allowed: rolled-back and replaced rows are gone"
            )
        if kind == "TABLE_FUNCTION":
            name = (node.get("function") or {}).get("function_name", "?")
            raise QueryRefused(f"table function {name}() is not allowed: query reads the public views only")
        if kind == "BASE_TABLE":
            name = str(node.get("table_name", "")).lower()
            catalog, schema = node.get("catalog_name") or "", node.get("schema_name") or ""
            qualified = bool(catalog or schema)
            if catalog not in ("", LAKE) or schema not in ("", "main"):
                raise QueryRefused(f"{catalog}.{schema}.{name} is not a public view")
            if name not in PUBLIC_VIEWS and (qualified or name not in ctes):
                views = ", ".join(sorted(PUBLIC_VIEWS))
                raise QueryRefused(f"{name} is not a public view; query reads only: {views}")
        for value in node.values():
            _walk(value, ctes)
    elif isinstance(node, list):
        for value in node:
            _walk(value, ctes)


def lock_down(con, path, memory_mb: int | None = None) -> None:
    """Let `con` reach only the warehouse's own catalog and data files, within `memory_mb`
    MiB of memory, configuration locked."""
    catalog = str(path.absolute())
    if memory_mb is not None:
        con.execute(f"set memory_limit = '{int(memory_mb)}MiB'")
    con.execute("set allowed_directories = [?]", [data_path(path.absolute())])
    if not shared():
        con.execute("set allowed_paths = [?, ?, ?]", [catalog, catalog + "-wal", catalog + "-shm"])
    con.execute("set enable_external_access = false")
    con.execute("set lock_configuration = true")


class QueryLimit(RuntimeError):
    """A `query` statement stopped at its time or memory limit (the message says which)."""


def _rss() -> int:
    """This process's resident memory in bytes (Linux)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def run(con, sql: str, timeout: float, memory_mb: int, on_stuck=None):
    """The result of `sql` as a polars frame, inside a transaction that is rolled back.

    A watchdog interrupts the statement after `timeout` seconds, or once the process has grown
    by `memory_mb` MiB: DuckDB's own memory limit (lock_down) bounds what its buffer manager
    holds, but not every allocation (a list of a billion numbers). Both raise QueryLimit. A
    statement that ignores the interrupt for GRACE seconds calls `on_stuck(message)`, which
    the command line answers by ending the process."""
    import duckdb

    done, reason = threading.Event(), []
    limit = _rss() + memory_mb * 2**20
    messages = {
        "time": f"the statement ran longer than {timeout:g} s (setting query_timeout_seconds) and was stopped",
        "memory": f"the statement passed its memory limit of {memory_mb} MiB (setting query_memory_mb)",
    }

    def watch() -> None:
        deadline = time.monotonic() + timeout
        while not done.wait(0.05):
            if _rss() > limit or time.monotonic() > deadline:
                reason.append("memory" if _rss() > limit else "time")
                con.interrupt()
                if not done.wait(GRACE) and on_stuck is not None:
                    on_stuck(messages[reason[0]])
                return

    watchdog = threading.Thread(target=watch, name="manyi-query-watchdog", daemon=True)
    con.execute("begin transaction")
    watchdog.start()
    try:
        return con.execute(sql).pl()
    except duckdb.OutOfMemoryException as exc:
        raise QueryLimit(messages["memory"]) from exc
    except duckdb.InterruptException as exc:
        if reason:
            raise QueryLimit(messages[reason[0]]) from exc
        raise
    finally:
        done.set()
        con.execute("rollback")


GRACE = 5.0
