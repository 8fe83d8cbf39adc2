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
import random
import shutil
import sqlite3
import tempfile
import threading
import time
import uuid
from pathlib import Path

import duckdb

from warehouse import writers

DEFAULT_DB = "data/manyi.duckdb"
LAKE = "lake"


class ConfigError(RuntimeError):
    """An environment variable of Manyi's holds a value it cannot use (the message names it)."""


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


def _as_named(found: Path, name: str) -> Path:
    """The extension file under the name DuckDB must load it by (it derives the extension's
    name from the file name: the sqlite and postgres extensions call themselves *_scanner)."""
    cache = Path(tempfile.gettempdir()) / f"manyi-ext-{os.getuid()}-{duckdb.__version__}"
    target = cache / name
    if not target.exists() or target.stat().st_size != found.stat().st_size:
        cache.mkdir(parents=True, exist_ok=True)
        tmp = cache / f".{name}.{os.getpid()}.tmp"
        shutil.copyfile(found, tmp)
        os.replace(tmp, target)
    return target


def _extension_files() -> tuple[Path, Path]:
    ducklake = _package_extension("duckdb_extension_ducklake", "ducklake.duckdb_extension")
    sqlite = _package_extension("duckdb_extension_sqlite", "sqlite.duckdb_extension")
    return ducklake, _as_named(sqlite, "sqlite_scanner.duckdb_extension")


def catalog_url() -> str | None:
    """MANYI_CATALOG when it names a PostgreSQL catalog ('postgres:dbname=… host=…'), else
    None: the SQLite file $MANYI_DB (CONTRACT §8)."""
    found = os.environ.get("MANYI_CATALOG", "").strip()
    if not found:
        return None
    if not found.startswith("postgres:"):
        raise RuntimeError(
            f"MANYI_CATALOG must start with 'postgres:' (or be unset for SQLite), got {found!r}"
        )
    return found


def data_path(path: Path) -> str:
    """Where the data files go: MANYI_DATA_PATH (a folder or s3://bucket/prefix), else the
    folder beside the catalog; always ending in '/'."""
    found = os.environ.get("MANYI_DATA_PATH", "").strip()
    if not found:
        return str(data_dir(path)) + "/"
    if not found.startswith("s3://"):
        found = str(Path(found).absolute())
    return found.rstrip("/") + "/"


def shared() -> bool:
    """Whether the warehouse lives on shared services (a PostgreSQL catalog)."""
    return catalog_url() is not None


def exists(path: str | os.PathLike | None = None) -> bool:
    """Whether there is a warehouse to read: the SQLite catalog file, or a configured
    PostgreSQL catalog (the service answers for itself on connect)."""
    return shared() or db_path(path).exists()


def _s3_secret(con) -> None:
    """An S3 secret from the usual AWS variables (endpoint, keys, region), for s3:// data."""
    endpoint = os.environ.get("AWS_ENDPOINT_URL", "")
    options = {
        "KEY_ID": os.environ.get("AWS_ACCESS_KEY_ID", ""),
        "SECRET": os.environ.get("AWS_SECRET_ACCESS_KEY", ""),
        "REGION": os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1",
    }
    if endpoint:
        host = endpoint.split("://", 1)[-1].rstrip("/")
        options |= {
            "ENDPOINT": host,
            "URL_STYLE": "path",
            "USE_SSL": str(endpoint.startswith("https")).lower(),
        }
    parts = ", ".join(
        f"{key} {value}" if key == "USE_SSL" else f"{key} '{_quote(value)}'" for key, value in options.items()
    )
    con.execute(f"create or replace secret manyi_s3 (type s3, {parts})")


_ENV = object()  # connect(): read the catalog or data path from the environment


def spill_directory() -> str:
    """Where a connection's DuckDB writes what passes its memory limit (the sort of a
    compaction, warehouse.maintain.bounded_memory): a folder of its own under the system's
    temporary folder ($TMPDIR), which DuckDB creates on first use and deletes on close. DuckDB's
    default, `.tmp` in the working directory, may be read-only or a checkout, and its file
    names are the same in every process."""
    return str(Path(tempfile.gettempdir()) / f"manyi-duckdb-{os.getpid()}-{uuid.uuid4().hex[:12]}")


def connect(path: str | os.PathLike | None = None, *, threads: int | None = None, catalog=_ENV, data=_ENV):
    """A DuckDB connection with the warehouse attached as `lake` and in use: the catalog in
    SQLite ($MANYI_DB) or PostgreSQL (MANYI_CATALOG), the data in a folder or on S3
    (MANYI_DATA_PATH). `catalog` and `data` override the environment ('' = the defaults).

    Creates an empty warehouse when none exists; run `migrate` before use.
    """
    path = db_path(path).absolute()
    ducklake, _ = _extension_files()
    con = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    con.execute("set temp_directory = ?", [spill_directory()])
    if threads:
        con.execute(f"set threads = {int(threads)}")
    con.execute(f"load '{_quote(ducklake)}'")
    attach(con, LAKE, path, catalog, data)
    con.execute(f"use {LAKE}")
    _register_functions(con)
    return con


def attach(con, name: str, path: Path, catalog=_ENV, data=_ENV) -> None:
    """Attach a warehouse to `con` as `name` (see connect), loading what its services need."""
    url = catalog_url() if catalog is _ENV else (catalog or None)
    if url is not None and not url.startswith("postgres:"):
        raise RuntimeError(f"a catalog must start with 'postgres:', got {url!r}")
    if data is _ENV:
        files = data_path(path)
    elif data:
        files = data if data.startswith("s3://") else str(Path(data).absolute())
        files = files.rstrip("/") + "/"
    else:
        files = str(data_dir(path)) + "/"
    if url is None:
        path.parent.mkdir(parents=True, exist_ok=True)
        _private_file(path)
        _use_wal(path)
        _, sqlite = _extension_files()
        con.execute(f"load '{_quote(sqlite)}'")
        target = f"ducklake:sqlite:{path}"
    else:
        postgres = _package_extension("duckdb_extension_postgres", "postgres.duckdb_extension")
        con.execute(f"load '{_quote(_as_named(postgres, 'postgres_scanner.duckdb_extension'))}'")
        target = f"ducklake:{url}"
    if files.startswith("s3://"):
        con.execute(
            f"load '{_quote(_package_extension('duckdb_extension_httpfs', 'httpfs.duckdb_extension'))}'"
        )
        _s3_secret(con)
    else:
        _private_folder(Path(files))
    con.execute(f"attach '{_quote(target)}' as {name} (data_path '{_quote(files)}', override_data_path true)")


def _private_file(path: Path) -> None:
    """Create the catalog readable by its owner only (0600): it holds users, audit details and
    customers' phone numbers. SQLite gives its -wal and -shm files the same mode. An existing
    catalog keeps the mode its operator gave it."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


def _private_folder(folder: Path) -> None:
    """Create the data folder for its owner only (0700); an existing one keeps its mode."""
    if not folder.exists():
        folder.mkdir(parents=True, exist_ok=True)
        folder.chmod(0o700)


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


# Catalogs this process has put in WAL mode (it stays in the file).
_IN_WAL: set[Path] = set()
_IN_WAL_LOCK = threading.Lock()


def _use_wal(path: Path) -> None:
    """Put the SQLite catalog in WAL mode: a reader's open snapshot never blocks a writer's commit.

    Once per process and catalog, before DuckDB opens it: closing a file releases every POSIX
    lock the process holds on it, so Python's own SQLite opening and closing the catalog while
    DuckDB's SQLite reads it in another thread (a dashboard query beside an upload) breaks
    DuckDB's locks ('disk I/O error')."""
    with _IN_WAL_LOCK:
        if path in _IN_WAL:
            return
        with contextlib.closing(sqlite3.connect(path, timeout=30)) as catalog:
            if catalog.execute("pragma journal_mode").fetchone()[0].lower() != "wal":
                catalog.execute("pragma journal_mode=wal")
        _IN_WAL.add(path)


def _quote(text) -> str:
    return str(text).replace("'", "''")


def rollback(con) -> None:
    """Roll back after a failure without hiding it: when the failed commit already ended the
    transaction, DuckDB's 'no transaction is active' would replace the real error."""
    with contextlib.suppress(duckdb.Error):
        con.execute("rollback")


# A commit that meets another writer's (SQLite's lock, DuckLake's write-write conflict, a
# PostgreSQL serialisation failure) is retried with backoff for at most this many seconds.
RETRY_SECONDS = float(os.environ.get("MANYI_RETRY_SECONDS", "120"))
_CONFLICTS = (
    "database is locked",
    "database is busy",
    "conflict",
    "could not serialize",
    "deadlock detected",
    "duplicate key value violates unique constraint",  # two commits took the same snapshot id
)


class Busy(duckdb.Error):
    """The warehouse stayed busy with other writers for RETRY_SECONDS: nothing was written
    (a duckdb.Error, so every handler of a failed write handles it)."""


def is_conflict(exc: BaseException) -> bool:
    text = str(exc).lower()
    return isinstance(exc, duckdb.Error) and any(word in text for word in _CONFLICTS)


def write(con, body, *, seconds: float | None = None, on_retry=None):
    """Run `body()` in one transaction and commit; when the commit (or a write) conflicts
    with another writer, roll back and run `body()` again after a randomised backoff, for at
    most `seconds` (RETRY_SECONDS). `body` must only write what was prepared before (the
    validation is not redone). Raises Busy when the time is up; any other error as it is."""
    budget = float(os.environ.get("MANYI_RETRY_SECONDS", RETRY_SECONDS)) if seconds is None else seconds
    with writers.writing(con, LAKE):  # a dead writer's files go at once (warehouse.writers)
        return _retried(con, body, time.monotonic() + budget, on_retry)


def _retried(con, body, deadline: float, on_retry):
    delay, tries = 0.05, 0
    while True:
        con.execute("begin transaction")
        try:
            result = body()
            con.execute("commit")
            return result
        except BaseException as exc:
            rollback(con)
            if not is_conflict(exc):
                raise
            tries += 1
            if time.monotonic() + delay > deadline:
                raise Busy(
                    f"the warehouse is busy (other writers kept committing for {tries} tries): "
                    "nothing was written; try again"
                ) from exc
            if on_retry is not None:
                on_retry(tries, exc)
            time.sleep(delay * (0.5 + random.random()))
            delay = min(delay * 2, 2.0)


def snapshot_id(con) -> int:
    """The id of the latest committed snapshot: the warehouse's data version."""
    return int(con.execute(f"select max(snapshot_id) from ducklake_snapshots('{LAKE}')").fetchall()[0][0])


def audit_table_id(con) -> int:
    """DuckLake's id of the audit trail's table (snapshots name the tables they change by id)."""
    return con.execute(
        f"select table_id from ducklake_table_info('{LAKE}') where table_name = 'audit_log'"
    ).fetchall()[0][0]


def data_snapshot_id(con, audit_id: int) -> int:
    """The id of the latest snapshot that changed more than the audit trail (table `audit_id`):
    a sign-in or a download appends an audit event, a snapshot of its own, and must not make
    the dashboard count everything again."""
    found = con.execute(
        f"""
        with changes as (
            select snapshot_id, unnest(map_entries(changes)) as change,
            from ducklake_snapshots('{LAKE}')
        )
        select max(snapshot_id) from changes
        where not (
            change.key in ('inlined_insert', 'tables_inserted_into')
            and change.value = [?::varchar]
        )
        """,
        [audit_id],
    ).fetchall()[0][0]
    return int(found) if found is not None else snapshot_id(con)
