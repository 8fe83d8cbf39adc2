"""`python -m pipelines maintain`: keep a long-lived warehouse lean without losing its history.

It flushes data DuckLake kept inlined in the catalog into Parquet, rewrites data files that
rollbacks have mostly deleted, merges small adjacent data files, expires old snapshots,
deletes the files only those snapshots needed, and deletes orphaned files: Parquet files in
the data folder that no snapshot lists, which a killed loader or a load that failed
mid-write (a full disk) leaves behind; a failed load does not delete them itself, as it
cannot tell its files from those of a load committing in another process at the same
moment. Only orphans older than a grace period are deleted, so a load committing in another
process at that moment keeps its files.

What a snapshot holds that expiring loses is DuckLake time travel, which nothing here uses:
a batch's history is rows of its own (`batches`, `supersessions`, `audit_log`), and rollback
deletes a batch's rows and restores what it superseded by those rows, in the newest
snapshot. So every batch, supersession and rollback keeps working after `maintain`
(tests/test_concurrency.py). Snapshots younger than `snapshots_older_than` are kept, so a
dashboard reading an older snapshot at that moment keeps its files.

Loads compact by themselves (`light_compaction`): once a table has more live files than
`MANYI_COMPACT_AFTER_FILES` (default 40), the load that passed it merges that table's
adjacent files after its commit, so a warehouse nobody runs `maintain` on does not slow down
month after month.

Merging sorts: DuckLake writes a merged file in the table's sort order, and a table whose
files fit one target file (512 MB) is sorted whole, in memory: 3.2-5.9 GiB per table for a
load of 10,000,000 responses. Compaction therefore runs under a lower DuckDB memory limit
(`MANYI_COMPACT_MEMORY`, default 1GB), past which the sort spills to the connection's
temporary folder (warehouse.lake.spill_directory): 1.4-1.5 GiB per table then, and a
table's merge took about as long. `maintain` of a whole 10,000,000-response warehouse took
twice as long (115 s, 1.4 GiB peak, against 57 s and 16.3 GiB with no limit).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import shutil
from pathlib import Path

from warehouse import writers
from warehouse.lake import LAKE, ConfigError, data_path


def _name(file: str) -> str:
    return file if file.startswith("s3://") else str(Path(file))


def data_files(path: Path, con=None) -> set[str]:
    """Every Parquet file where the warehouse keeps its data: its folder, or its S3 prefix
    (listed through `con`)."""
    root = data_path(path.absolute())
    if root.startswith("s3://"):
        return {r[0] for r in con.execute("select file from glob(?)", [root + "**/*.parquet"]).fetchall()}
    return {str(p) for p in Path(root).rglob("*.parquet")}


def listed_files(con) -> set[str]:
    """The data and delete files any table of any kept snapshot refers to."""
    tables = con.execute(
        "select table_name from information_schema.tables "
        "where table_catalog = current_database() and table_type = 'BASE TABLE'"
    ).fetchall()
    found: set[str] = set()
    for (table,) in tables:
        for data_file, delete_file in con.execute(
            f"select data_file, delete_file from ducklake_list_files('{LAKE}', ?)", [table]
        ).fetchall():
            found.add(_name(data_file))
            if delete_file:
                found.add(_name(delete_file))
    return found


def compact_after_files() -> int:
    """How many live files a table may have before a load merges them (MANYI_COMPACT_AFTER_FILES)."""
    value = os.environ.get("MANYI_COMPACT_AFTER_FILES", "40")
    try:
        return max(2, int(value))
    except ValueError as exc:
        raise ConfigError(f"MANYI_COMPACT_AFTER_FILES must be a whole number, got {value!r}") from exc


def compact_memory() -> str:
    """DuckDB's memory limit while compacting (MANYI_COMPACT_MEMORY, default 1GB)."""
    value = os.environ.get("MANYI_COMPACT_MEMORY", "1GB").strip()
    if not re.fullmatch(r"\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)", value, flags=re.IGNORECASE):
        raise ConfigError(f"MANYI_COMPACT_MEMORY must be a size such as 512MB or 2GB, got {value!r}")
    return value


def check_settings() -> None:
    """Raise ConfigError for a compaction setting that cannot be used. A load calls it before
    it reads the file: its compaction runs after its commit, too late to refuse the load."""
    compact_after_files()
    compact_memory()


@contextlib.contextmanager
def bounded_memory(con):
    """DuckDB's memory limit lowered to compact_memory() for the block, then set back. The
    limit is the whole DuckDB instance's: `con`'s cursors share it meanwhile. The default
    limit comes back exactly (`reset`); another one as DuckDB shows it (to 0.1 of its unit)."""
    limit = compact_memory()
    (before,) = con.execute("select current_setting('memory_limit')").fetchone()
    con.execute("set memory_limit = ?", [limit])
    try:
        yield
    finally:
        con.execute("reset memory_limit")
        if con.execute("select current_setting('memory_limit')").fetchone()[0] != before:
            con.execute("set memory_limit = ?", [before])


def file_counts(con) -> dict[str, int]:
    """Live data plus delete files of each table, from the catalog (no file is listed)."""
    rows = con.execute(
        f"select table_name, file_count + delete_file_count from ducklake_table_info('{LAKE}')"
    ).fetchall()
    return {table: int(n) for table, n in rows}


def snapshot_count(con) -> int:
    return int(con.execute(f"select count(*) from ducklake_snapshots('{LAKE}')").fetchall()[0][0])


def light_compaction(con) -> list[str]:
    """Merge the adjacent files of each table with more than compact_after_files() live files;
    the tables merged.

    Runs after a load's commit, in its own commits: a merge that meets another writer's
    commit is given up (the next load tries again), it never fails the load that ran it."""
    limit = compact_after_files()
    tables = [table for table, count in sorted(file_counts(con).items()) if count > limit]
    merged = []
    if not tables:
        return merged
    with bounded_memory(con), writers.writing(con, LAKE):
        for table in tables:
            try:
                con.execute(f"call ducklake_rewrite_data_files('{LAKE}', ?)", [table])
                con.execute(f"call ducklake_merge_adjacent_files('{LAKE}', ?)", [table])
            except Exception:  # an optimisation: the load itself has committed
                continue
            merged.append(table)
    return merged


def _delete_orphans(con, older_than: dt.datetime) -> int:
    return con.execute(
        f"select count(*) from ducklake_delete_orphaned_files('{LAKE}', older_than => ?::timestamptz)",
        [older_than],
    ).fetchall()[0][0]


def clear_dead_writers(con) -> int:
    """Delete the files of writers that died (a killed loader), when there are any: the
    orphans older than every live writer's start (warehouse.writers). Cheap when none died."""
    if not writers.dead_writers(con, LAKE):
        return 0
    safe = writers.safe_before(con, LAKE)
    return _delete_orphans(con, dt.datetime.fromtimestamp(safe, dt.UTC)) if safe is not None else 0


def _free_bytes(path: Path) -> int | None:
    """Free space where a local warehouse keeps its data files; None on S3."""
    root = data_path(path.absolute())
    return None if root.startswith("s3://") else shutil.disk_usage(root).free


def table_bytes(con) -> dict[str, int]:
    """Live data and delete file bytes of each table, from the catalog."""
    rows = con.execute(
        f"select table_name, file_size_bytes + delete_file_size_bytes, file_count + delete_file_count "
        f"from ducklake_table_info('{LAKE}')"
    ).fetchall()
    return {table: int(size or 0) for table, size, files in rows if files and files > 1}


# Room kept free beyond a rewrite's own output: the catalog's commit and its WAL.
_HEADROOM = 16 * 2**20


def _free_space(con, path: Path, orphans_older_than: dt.timedelta, snapshots_older_than: dt.timedelta):
    """Expire old snapshots, delete the files only they held, and orphans: what frees space,
    and writes next to nothing. Returns (expired, old files removed, orphans removed)."""
    now = dt.datetime.now(dt.UTC)
    expired = con.execute(
        f"select count(*) from ducklake_expire_snapshots('{LAKE}', older_than => ?::timestamptz)",
        [now - snapshots_older_than],
    ).fetchall()[0][0]
    # After the expiry: the files it scheduled for deletion are older than this.
    cutoff = dt.datetime.now(dt.UTC) - orphans_older_than
    cleaned = con.execute(
        f"select count(*) from ducklake_cleanup_old_files('{LAKE}', older_than => ?::timestamptz)",
        [cutoff],
    ).fetchall()[0][0]
    # An orphan older than every live writer's start is a dead writer's, whatever its age.
    safe = writers.safe_before(con, LAKE)
    if safe is not None:
        cutoff = max(cutoff, dt.datetime.fromtimestamp(safe, dt.UTC))
    return int(expired), int(cleaned), int(_delete_orphans(con, cutoff))


def maintain(
    con,
    path: Path,
    orphans_older_than: dt.timedelta = dt.timedelta(hours=1),
    snapshots_older_than: dt.timedelta = dt.timedelta(days=7),
) -> dict:
    """Free space first (expire old snapshots, delete the files no kept snapshot needs and old
    or dead writers' orphans), then flush inlined data and rewrite and merge each table's files
    where the disk has room for the table's new files (a table skipped says how much it
    needs), then free what the rewrites left. Returns counts before and after."""
    before = data_files(path, con)
    snapshots = snapshot_count(con)
    expired, cleaned, removed = _free_space(con, path, orphans_older_than, snapshots_older_than)
    skipped = []
    with bounded_memory(con), writers.writing(con, LAKE):
        con.execute(f"call ducklake_flush_inlined_data('{LAKE}')")
        for table, size in sorted(table_bytes(con).items()):
            free = _free_bytes(path)
            if free is not None and free < size + _HEADROOM:
                skipped.append(
                    {
                        "table": table,
                        "needs_mb": round((size + _HEADROOM) / 2**20, 1),
                        "free_mb": round(free / 2**20, 1),
                    }
                )
                continue
            con.execute(f"call ducklake_rewrite_data_files('{LAKE}', ?)", [table])
            con.execute(f"call ducklake_merge_adjacent_files('{LAKE}', ?)", [table])
    more = _free_space(con, path, orphans_older_than, snapshots_older_than)
    after = data_files(path, con)
    return {
        "files_before": len(before),
        "files_after": len(after),
        "snapshots_before": snapshots,
        "snapshots_after": snapshot_count(con),
        "snapshots_expired": expired + more[0],
        "old_files_removed": cleaned + more[1],
        "orphans_removed": removed + more[2],
        "skipped_for_space": skipped,
    }
