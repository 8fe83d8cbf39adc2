"""`python -m pipelines maintain`: keep a long-lived warehouse lean without losing its history.

It flushes data DuckLake kept inlined in the catalog into Parquet, merges small adjacent data
files, and deletes orphaned files: Parquet files in the data folder that no snapshot lists,
which a killed loader or a load that failed mid-write (a full disk) leaves behind; a
failed load does not delete them itself, as it cannot tell its files from those of a load
committing in another process at the same moment. Only orphans older than a grace period are deleted, so a
load committing in another process at that moment keeps its files. No snapshot is expired:
every batch's history, supersession and rollback stays as it was.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from warehouse.lake import LAKE, data_path


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


def maintain(con, path: Path, orphans_older_than: dt.timedelta = dt.timedelta(hours=1)) -> dict:
    """Flush inlined data, merge adjacent files, delete old orphaned files; returns counts."""
    before = data_files(path, con)
    con.execute(f"call ducklake_flush_inlined_data('{LAKE}')")
    con.execute(f"call ducklake_merge_adjacent_files('{LAKE}')")
    cutoff = dt.datetime.now(dt.UTC) - orphans_older_than
    removed = con.execute(
        f"select count(*) from ducklake_delete_orphaned_files('{LAKE}', older_than => ?::timestamptz)",
        [cutoff],
    ).fetchall()[0][0]
    after = data_files(path, con)
    return {"files_before": len(before), "files_after": len(after), "orphans_removed": int(removed)}
