"""Read the SQL files of sql/ and run them into polars frames."""

from __future__ import annotations

import re
from functools import cache

import polars as pl

from warehouse.migrate import SQL_DIR

_INCLUDE = re.compile(r"\{\{([a-z0-9_]+)\}\}")


@cache
def sql_file(name: str) -> str:
    """The text of sql/<name>.sql; `{{other}}` includes sql/queries/other.sql as a subquery."""
    text = (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")
    return _INCLUDE.sub(lambda m: "(\n" + sql_file(f"queries/{m.group(1)}") + "\n)", text)


def bind(sql: str, params: dict | None) -> dict:
    """The named parameters `sql` uses, each present (missing ones are NULL)."""
    names = set(re.findall(r"\$([a-z_]+)", sql))
    params = params or {}
    return {name: params.get(name) for name in names}


def query(con, name: str, params: dict | None = None) -> pl.DataFrame:
    """Run sql/<name>.sql with named `$param` values; return a polars frame."""
    sql = sql_file(name)
    return con.execute(sql, bind(sql, params)).pl()
