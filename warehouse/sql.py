"""Read the SQL files of sql/ and run them into polars frames."""

from __future__ import annotations

import re
from functools import cache

import polars as pl

from warehouse import roles
from warehouse.migrate import SQL_DIR

_INCLUDE = re.compile(r"\{\{([a-z0-9_]+)\}\}")


@cache
def sql_file(name: str) -> str:
    """The text of sql/<name>.sql; `{{other}}` includes sql/queries/other.sql as a subquery."""
    text = (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")
    return _INCLUDE.sub(lambda m: "(\n" + sql_file(f"queries/{m.group(1)}") + "\n)", text)


# Multi-select filters: a list of picked values; one value (the CLI, a link) is a list of one,
# nothing picked is NULL (every row).
CHOICES = ("scope", "segment", "region", "channel", "staff")


def bind(sql: str, params: dict | None) -> dict:
    """The named parameters `sql` uses, each present (missing ones are NULL)."""
    names = set(re.findall(r"\$([a-z_]+)", sql))
    params = dict(params or {})
    for name in CHOICES:
        value = params.get(name)
        if isinstance(value, str):
            params[name] = [value] if value else None
        elif value is not None:
            params[name] = list(value) or None
    return {name: params.get(name) for name in names}


def honours_regions(name: str) -> bool:
    """Whether sql/queries/<name>.sql may run for a region-limited user: it filters on
    `$regions`, or it reads no customer's rows (roles.REGION_FREE)."""
    return roles.region_free(name) or "$regions" in sql_file(f"queries/{name}")


class RegionLimitError(PermissionError):
    """A query that does not honour a user's region limit, refused for that user."""


def query(con, name: str, params: dict | None = None) -> pl.DataFrame:
    """Run sql/<name>.sql with named `$param` values; return a polars frame.

    `params["regions"]` (a list) limits the rows to customers of those regions (CONTRACT §7):
    a query that neither filters on `$regions` nor is listed in roles.REGION_FREE is refused,
    so a query that forgets the limit fails closed instead of showing other regions."""
    sql = sql_file(name)
    params = dict(params or {})
    if params.get("regions") is not None:
        params["regions"] = list(params["regions"])
        if "$regions" not in sql and not roles.region_free(name.removeprefix("queries/")):
            raise RegionLimitError(f"{name} does not filter on a user's regions")
    return con.execute(sql, bind(sql, params)).pl()
