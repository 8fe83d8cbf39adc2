"""`python -m pipelines query`: one read-only SELECT over the public views, nothing else.

The statement is parsed by DuckDB itself (json_serialize_sql) and every table it names must
be a public view (sql/marts/v_*.sql) or one of its own CTEs; table functions (read_text,
read_csv, glob, sqlite_scan, ducklake_*), PRAGMA, SET and every other statement are refused.
It then runs on a connection that can reach no file but the warehouse's own, with its
configuration locked, inside a transaction that is always rolled back.
"""

from __future__ import annotations

import json

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
        raise QueryRefused(f"query failed: {message}")
    statements = found.get("statements", [])
    if len(statements) != 1:
        raise QueryRefused("query takes exactly one read-only SELECT statement")
    ctes: set[str] = set()
    _collect_ctes(statements[0], ctes)
    # A CTE named like a table would let the table itself be read inside it.
    objects = {
        r[0].lower()
        for r in con.execute(
            "select table_name from information_schema.tables where table_catalog = current_database()"
        ).fetchall()
    }
    shadowing = sorted((ctes & objects) - PUBLIC_VIEWS)
    if shadowing:
        raise QueryRefused(f"a CTE may not be named like a warehouse table: {', '.join(shadowing)}")
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


def _walk(node, ctes: set[str]) -> None:
    if isinstance(node, dict):
        kind = node.get("type")
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


def lock_down(con, path) -> None:
    """Let `con` reach only the warehouse's own catalog and data files, configuration locked."""
    catalog = str(path.absolute())
    con.execute("set allowed_directories = [?]", [data_path(path.absolute())])
    if not shared():
        con.execute("set allowed_paths = [?, ?, ?]", [catalog, catalog + "-wal", catalog + "-shm"])
    con.execute("set enable_external_access = false")
    con.execute("set lock_configuration = true")
