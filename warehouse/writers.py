"""Which processes are writing to a warehouse now, so that a dead writer's files go at once.

DuckLake writes a transaction's Parquet files before its commit lists them. A loader killed
in between leaves files no snapshot lists (orphans), and nothing in the files tells a dead
loader's from those of a load committing in another process at that moment. So every write
(warehouse.lake.write, a compaction, `maintain`) holds a marker: a file of its own in the
folder `<catalog>.writers/`, created with its start time and locked (flock) until the write
ends. The kernel releases the lock of a killed process, so a marker nobody holds belongs to a
dead writer. An orphan older than every live writer's start cannot be a live writer's: it is
deleted at once, by `maintain` and by the next load.

Only for a catalog in a local SQLite file: processes on other machines (a PostgreSQL catalog,
S3 data) share no locks, and keep the grace period of `maintain --orphans-older-than`.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
import uuid
from pathlib import Path


def folder(con, lake: str = "lake") -> Path | None:
    """The markers' folder of the warehouse attached to `con` as `lake` (warehouse.lake.LAKE);
    None for a shared catalog."""
    rows = con.execute("select path from duckdb_databases() where database_name = ?", [lake]).fetchall()
    if not rows or not str(rows[0][0]).startswith("sqlite:"):
        return None
    catalog = Path(str(rows[0][0])[len("sqlite:") :])
    return catalog.with_name(catalog.name + ".writers")


@contextlib.contextmanager
def writing(con, lake: str = "lake"):
    """Hold a marker of this write while the block runs."""
    where = folder(con, lake)
    if where is None:
        yield
        return
    where.mkdir(mode=0o700, exist_ok=True)
    name = f"{os.getpid()}-{uuid.uuid4().hex}"
    marker, hidden = where / name, where / f".{name}"
    # Locked and dated under a hidden name first: no other process sees it unlocked.
    handle = os.open(hidden, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        os.write(handle, repr(time.time()).encode())
        os.rename(hidden, marker)
        yield
    finally:
        with contextlib.suppress(FileNotFoundError):
            marker.unlink()
        os.close(handle)


def _started(marker: Path) -> float | None:
    """The start time of a live writer's marker; None when its writer is dead (the marker is
    then removed)."""
    try:
        handle = os.open(marker, os.O_RDONLY)
    except FileNotFoundError:
        return None  # its write ended meanwhile
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return float(os.pread(handle, 64, 0))
        with contextlib.suppress(FileNotFoundError):
            marker.unlink()  # nobody holds it: a writer that died
        return None
    finally:
        os.close(handle)


def safe_before(con, lake: str = "lake") -> float | None:
    """A time before which every orphan is a dead writer's: the start of the oldest live
    writer, or now; None for a shared catalog."""
    where = folder(con, lake)
    if where is None:
        return None
    now = time.time()
    if not where.exists():
        return now
    # A marker of this process counts too: flock tells another thread's write from a dead one.
    starts = [found for marker in _markers(where) if (found := _started(marker)) is not None]
    return min([now, *starts]) - 1.0  # a second for file times coarser than the clock


def _markers(where: Path) -> list[Path]:
    return [marker for marker in where.iterdir() if not marker.name.startswith(".")]


def dead_writers(con, lake: str = "lake") -> bool:
    """Whether a writer died with its marker (cheap: one folder listing, no catalog query)."""
    where = folder(con, lake)
    if where is None or not where.exists():
        return False
    for marker in _markers(where):
        try:
            handle = os.open(marker, os.O_RDONLY)
        except FileNotFoundError:
            continue
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            continue
        finally:
            os.close(handle)
    return False
