"""Read the SQL files of sql/ and run them into polars frames."""

from __future__ import annotations

from functools import cache

import polars as pl

from warehouse.migrate import SQL_DIR


@cache
def sql_file(name: str) -> str:
    """The text of sql/<name>.sql, e.g. 'queries/csi_trend'."""
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def query(con, name: str, params: dict | None = None) -> pl.DataFrame:
    """Run sql/<name>.sql with named `$param` values; return a polars frame."""
    sql = sql_file(name)
    params = {k: v for k, v in (params or {}).items() if f"${k}" in sql}
    return con.cursor().execute(sql, params).pl()
