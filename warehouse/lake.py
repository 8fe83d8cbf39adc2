"""Open the Manyi warehouse: a DuckLake (Parquet files + SQLite catalog).

A plain DuckDB file is locked by any process that opens it, so a serving
dashboard would lock out a command-line load. DuckLake keeps the catalog in
SQLite and the data in immutable Parquet files: one writer and many readers in
other processes run side by side, each commit is one snapshot.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
import sqlite3
import tempfile
from pathlib import Path

import duckdb

DEFAULT_DB = "data/manyi.duckdb"
LAKE = "lake"


def db_path(path: str | os.PathLike | None = None) -> Path:
    """The warehouse catalog path: the argument, else $MANYI_DB, else the default."""
    return Path(path or os.environ.get("MANYI_DB") or DEFAULT_DB)


def data_dir(path: Path) -> Path:
    """Folder holding the Parquet files of the warehouse at `path`."""
    return path.with_name(path.name + ".files")


def _package_extension(package: str, name: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        raise RuntimeError(f"Python package {package} is missing: pip install -r requirements.txt")
    folder = Path(spec.origin).parent / "extensions" / f"v{duckdb.__version__}"
    found = folder / name
    if not found.exists():
        raise RuntimeError(f"{found} not found: {package} must match duckdb {duckdb.__version__}")
    return found


def _extension_files() -> tuple[Path, Path]:
    ducklake = _package_extension("duckdb_extension_ducklake", "ducklake.duckdb_extension")
    sqlite = _package_extension("duckdb_extension_sqlite", "sqlite.duckdb_extension")
    # DuckDB derives the extension name from the file name, and the sqlite
    # extension calls itself sqlite_scanner: it must be loaded under that name.
    cache = Path(tempfile.gettempdir()) / f"manyi-ext-{os.getuid()}-{duckdb.__version__}"
    target = cache / "sqlite_scanner.duckdb_extension"
    if not target.exists() or target.stat().st_size != sqlite.stat().st_size:
        cache.mkdir(parents=True, exist_ok=True)
        tmp = cache / f".sqlite.{os.getpid()}.tmp"
        shutil.copyfile(sqlite, tmp)
        os.replace(tmp, target)
    return ducklake, target


def connect(path: str | os.PathLike | None = None, *, threads: int | None = None):
    """A DuckDB connection with the warehouse attached as `lake` and in use.

    Creates an empty warehouse when none exists; run `migrate` before use.
    """
    path = db_path(path).absolute()
    path.parent.mkdir(parents=True, exist_ok=True)
    files = data_dir(path)
    files.mkdir(parents=True, exist_ok=True)
    _use_wal(path)
    ducklake, sqlite = _extension_files()
    con = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    if threads:
        con.execute(f"set threads = {int(threads)}")
    con.execute(f"load '{_quote(ducklake)}'")
    con.execute(f"load '{_quote(sqlite)}'")
    con.execute(
        f"attach 'ducklake:sqlite:{_quote(path)}' as {LAKE} (data_path '{_quote(files)}/', override_data_path true)"
    )
    con.execute(f"use {LAKE}")
    _register_functions(con)
    return con


def _vectorised(function, arity: int):
    """An Arrow SQL function of `arity` double columns from a numpy one (NaN out = NULL).
    DuckDB reads the number of parameters from the signature, so each arity has its own."""

    def run(*columns):
        import numpy as np
        import pyarrow as pa

        values = function(*(c.to_numpy(zero_copy_only=False).astype(float) for c in columns))
        return pa.array(values, mask=np.isnan(values))

    by_arity = {
        2: lambda a, b: run(a, b),
        4: lambda a, b, c, d: run(a, b, c, d),
        6: lambda a, b, c, d, e, f: run(a, b, c, d, e, f),
    }
    return by_arity[arity]


def _register_functions(con) -> None:
    """Functions the views need that SQL lacks (t, normal, Poisson and chi² distributions),
    from warehouse.stats: registered on every connection.

    welch_p(mean_a, sd_a, n_a, mean_b, sd_b, n_b), two_prop_p(x_a, n_a, x_b, n_b),
    poisson_p(k_a, n_a, k_b, n_b), rate_ci_low(k, n), rate_ci_high(k, n); and mask_pii(text)
    (warehouse.privacy: phone and ID numbers masked)."""
    from warehouse import stats

    double = duckdb.sqltypes.DOUBLE
    functions = {
        "welch_p": (stats.welch_p_values, 6),
        "two_prop_p": (stats.two_proportion_p_values, 4),
        "poisson_p": (stats.poisson_p_values, 4),
        "rate_ci_low": (lambda k, n: stats.poisson_rate_interval(k, n, upper=False), 2),
        "rate_ci_high": (lambda k, n: stats.poisson_rate_interval(k, n, upper=True), 2),
    }
    from warehouse.privacy import mask

    varchar = duckdb.sqltypes.VARCHAR
    con.create_function("mask_pii", mask, [varchar], varchar, null_handling="special", side_effects=False)
    for name, (function, arity) in functions.items():
        con.create_function(
            name,
            _vectorised(function, arity),
            [double] * arity,
            double,
            type="arrow",
            null_handling="special",
            side_effects=False,
        )


def _use_wal(path: Path) -> None:
    """Put the SQLite catalog in WAL mode: a reader's open snapshot never blocks a writer's commit."""
    with contextlib.closing(sqlite3.connect(path, timeout=30)) as catalog:
        if catalog.execute("pragma journal_mode").fetchone()[0].lower() != "wal":
            catalog.execute("pragma journal_mode=wal")


def _quote(path: Path) -> str:
    return str(path).replace("'", "''")


def rollback(con) -> None:
    """Roll back after a failure without hiding it: when the failed commit already ended the
    transaction, DuckDB's 'no transaction is active' would replace the real error."""
    with contextlib.suppress(duckdb.Error):
        con.execute("rollback")


def snapshot_id(con) -> int:
    """The id of the latest committed snapshot: the warehouse's data version."""
    return int(con.execute(f"select max(snapshot_id) from ducklake_snapshots('{LAKE}')").fetchall()[0][0])
