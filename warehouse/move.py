"""Moving a warehouse to shared services, and exporting it for other engines (CONTRACT §8).

`migrate-catalog` copies every table of a SQLite-catalog warehouse — batches, supersessions,
every version of questionnaires, actions, users and settings, the audit trail — into a new
DuckLake whose catalog is in PostgreSQL (and its data on S3, or in a folder), in one
transaction: the target has everything or nothing. `export` writes the public views as plain
Parquet for Spark, Trino or pandas, partitioned by period where a view has one.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from warehouse import lake
from warehouse.migrate import migrate
from warehouse.public import PUBLIC_VIEWS

TARGET = "target"
BOOKKEEPING = {"schema_version"}  # each warehouse keeps its own migration history


class MoveError(RuntimeError):
    """A move that cannot be made, with the reason in words."""


def _tables(con, catalog: str) -> list[str]:
    return [
        r[0]
        for r in con.execute(
            "select table_name from information_schema.tables where table_catalog = ? "
            "and table_schema = 'main' and table_type = 'BASE TABLE' order by 1",
            [catalog],
        ).fetchall()
    ]


def _columns(con, catalog: str, table: str) -> list[str]:
    return [
        r[0]
        for r in con.execute(
            "select column_name from information_schema.columns where table_catalog = ? "
            "and table_schema = 'main' and table_name = ? order by ordinal_position",
            [catalog, table],
        ).fetchall()
    ]


def migrate_catalog(path: Path, to: str, data: str | None = None) -> dict:
    """Copy the SQLite-catalog warehouse at `path` into the catalog `to` ('postgres:…') with
    its data in `data` (s3://… or a folder; default: the warehouse's own folder)."""
    if not to.startswith("postgres:"):
        raise MoveError(f"--to must be a 'postgres:' connection string, got {to!r}")
    if not Path(path).exists():
        raise MoveError(f"no SQLite warehouse at {Path(path).absolute()}")
    target_data = data if data is not None else ""
    # The target's schema comes from its own migrations, as any new warehouse's.
    fresh = lake.connect(path, catalog=to, data=target_data)
    try:
        migrate(fresh)
        (rows,) = fresh.execute("select count(*) from batches").fetchone()
        (events,) = fresh.execute("select count(*) from audit_log").fetchone()
    finally:
        fresh.close()
    if rows or events:
        raise MoveError("the target catalog already holds a warehouse: migrate into an empty database")
    con = lake.connect(path, catalog="", data="")
    try:
        migrate(con)
        lake.attach(con, TARGET, Path(path).absolute(), to, target_data)
        copied: dict[str, int] = {}

        def body() -> None:
            for table in _tables(con, lake.LAKE):
                if table in BOOKKEEPING:
                    continue
                columns = _columns(con, TARGET, table)
                if not columns:
                    raise MoveError(f"the target has no table {table}: is it the same Manyi version?")
                names = ", ".join(f'"{c}"' for c in columns)
                con.execute(f"delete from {TARGET}.main.{table}")  # rows the migrations seeded
                con.execute(
                    f"insert into {TARGET}.main.{table} ({names}) select {names} from {lake.LAKE}.main.{table}"
                )
                (copied[table],) = con.execute(f"select count(*) from {TARGET}.main.{table}").fetchone()

        lake.write(con, body)
        (source_version,) = con.execute(
            f"select max(version) from {lake.LAKE}.main.schema_version"
        ).fetchone()
    finally:
        con.close()
    return {
        "status": "migrated",
        "to": _safe(to),
        "data": data,
        "tables": copied,
        "schema_version": source_version,
    }


def _safe(url: str) -> str:
    """The connection string without its password."""
    return " ".join(part for part in url.split() if not part.startswith("password="))


def export(con, folder: Path) -> dict:
    """Every public view as Parquet under `folder/<view>/`, hive-partitioned by period_grain
    and year where the view has a period; returns {view: rows}."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for view in sorted(PUBLIC_VIEWS):
        frame = con.execute(f"select * from {view}").pl()
        target = folder / view
        if target.exists():
            for old in sorted(target.rglob("*"), reverse=True):
                old.unlink() if old.is_file() else old.rmdir()
        target.mkdir(parents=True, exist_ok=True)
        if "period_start" in frame.columns and "period_grain" in frame.columns and frame.height:
            frame = frame.with_columns(pl.col("period_start").dt.year().alias("year"))
            frame.write_parquet(target, partition_by=["period_grain", "year"])
        else:
            frame.write_parquet(target / "data.parquet")
        written[view] = frame.height
    (folder / "manifest.json").write_text(json.dumps(written, indent=1), encoding="utf-8")
    return written
