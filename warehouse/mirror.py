"""An in-memory copy of a small warehouse for the dashboard's reads (issue 15: fixed cost).

Each table a query scans in DuckLake costs about four catalog lookups, and the views behind a
dashboard query scan a dozen tables or more (every staging view reads `supersessions`): at
10,000 responses a page's ten queries took 0.6-0.8 CPU s, of which their own work was a
fraction. On plain DuckDB tables holding the same rows they take 0.06-0.2 s.

The dashboard's Reader therefore keeps `manyi_mirror`, an in-memory database attached to its
connection, holding a copy of every table except the audit trail (which every sign-in and
download writes) and today's macros and views. A query runs there only when the copy holds
exactly the data version the caller keys its cache by, and reads nothing of the audit trail;
otherwise it runs on the lake, as before, and the copy is brought up to date in a thread of
its own. A refresh copies the tables that the snapshots since the copy changed, or all of
them after a change of schema or when snapshots in between were expired (`maintain`), in one
transaction that reads one snapshot of the lake. The copy is labelled with a version only
when no data changed while it was taken.

Only a warehouse whose data files total at most MANYI_MIRROR_MB (default 100 MiB) is copied;
`0` turns the copy off. At 1,000,000 responses the files were 63 MiB, the copy took 2.1 s and
about 0.75 GiB of memory (README, "Scale").
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from functools import cache

from warehouse.lake import LAKE, audit_table_id, data_snapshot_id
from warehouse.migrate import object_order, readers_of
from warehouse.sql import sql_file

MIRROR = "manyi_mirror"
DEFAULT_MB = 100
# Tables read on the lake only: the audit trail changes with every sign-in, and its readers
# want the newest event.
LAKE_ONLY = ("audit_log",)
# Snapshot changes that change a table's rows, and those that only rewrite its files.
_ROWS_CHANGED = {"tables_inserted_into", "tables_deleted_from", "inlined_insert", "inlined_delete"}
_FILES_ONLY = {"flushed_inlined", "merge_adjacent", "tables_compacted", "compacted_table", "rewrite_delete"}
_RETRY_SECONDS = 60.0

log = logging.getLogger(__name__)


def limit_bytes() -> int:
    """The largest warehouse (bytes of data files) copied into memory: MANYI_MIRROR_MB."""
    raw = os.environ.get("MANYI_MIRROR_MB", "").strip()
    try:
        mib = float(raw) if raw else DEFAULT_MB
    except ValueError:
        raise RuntimeError(f"MANYI_MIRROR_MB must be a number of MiB (0: no copy), got {raw!r}") from None
    return int(mib * 2**20)


@cache
def _lake_only_objects() -> frozenset[str]:
    return frozenset({*LAKE_ONLY, *readers_of(LAKE_ONLY)})


@cache
def on_lake_only(name: str) -> bool:
    """Whether sql/queries/<name>.sql reads a table the copy does not hold (or a view of one)."""
    text = sql_file(f"queries/{name}")
    return any(re.search(rf"\b{other}\b", text) for other in _lake_only_objects())


class Mirror:
    """The copy kept for one connection (a Reader's); safe to share across threads."""

    def __init__(self, con, limit: int | None = None):
        self._con = con
        self._limit = limit_bytes() if limit is None else limit
        self._lock = threading.Lock()  # the state below
        self._refreshing = threading.Lock()  # one refresh at a time
        self._version: int | None = None  # the data version the copy holds exactly
        self._base: int | None = None  # the snapshot the copy's changes are counted from
        self._tables: set[str] = set()
        self._wanted = 0
        self._thread: threading.Thread | None = None
        self._failed_at = 0.0
        self._too_large = False
        self.last_copied: tuple[str, ...] = ()  # the tables the last refresh copied

    @property
    def version(self) -> int | None:
        """The data version the copy holds (Reader.version), None while it holds none."""
        return self._version

    def serves(self, name: str, version: int | None) -> bool:
        """Whether query `name` for data `version` runs on the copy; when the copy is behind
        that version, a refresh starts and the query runs on the lake meanwhile."""
        if version is None or self._limit <= 0:
            return False
        held = self._version
        if held == version:
            return not on_lake_only(name)
        if held is None or version > held:
            self.refresh_soon(version)
        return False

    def discard(self, name: str) -> None:
        """Query `name` failed on the copy (logged with its error): stop using the copy until
        it has been taken whole again."""
        log.exception("query %s failed on the in-memory copy; reading the lake", name)
        with self._lock:
            self._version = self._base = None

    def refresh_soon(self, version: int) -> None:
        """Refresh in the background until the copy holds `version` or newer."""
        with self._lock:
            self._wanted = max(self._wanted, version)
            busy = self._thread is not None and self._thread.is_alive()
            if busy or time.monotonic() - self._failed_at < _RETRY_SECONDS:
                return
            # Not a daemon: the interpreter waits for a refresh (seconds) rather than stopping
            # a thread inside DuckDB.
            self._thread = threading.Thread(target=self._run, name="manyi-mirror")
            self._thread.start()

    def _run(self) -> None:
        for _ in range(5):  # a warehouse written to all the time: give up after a few rounds
            try:
                held = self.refresh()
            except Exception:
                log.exception("copying the warehouse into memory failed; reading the lake")
                self._failed_at = time.monotonic()
                return
            if self._too_large or (held is not None and held >= self._wanted):
                return

    def refresh(self) -> int | None:
        """Bring the copy up to date now; return the data version it holds (None: the
        warehouse is too large, or its data changed while it was copied)."""
        with self._refreshing:
            cur = self._con.cursor()
            try:
                return self._refresh(cur)
            finally:
                cur.close()

    def _refresh(self, cur) -> int | None:
        cur.execute(f"use {LAKE}")
        (size,) = cur.execute(
            f"select coalesce(sum(file_size_bytes), 0) from ducklake_table_info('{LAKE}')"
        ).fetchall()[0]
        self._too_large = size > self._limit
        if self._too_large:
            self._drop(cur)
            return None
        audit = audit_table_id(cur)
        before = data_snapshot_id(cur, audit)
        if before == self._version:
            return before
        ids = dict(cur.execute(f"select table_name, table_id from ducklake_table_info('{LAKE}')").fetchall())
        tables = {name: table_id for name, table_id in ids.items() if name not in LAKE_ONLY}
        skipped = {str(ids[name]) for name in LAKE_ONLY if name in ids}
        changed = self._changed(cur, tables, skipped)
        whole = changed is None
        copy = sorted(tables) if whole else sorted(changed)
        cur.execute(f"attach if not exists ':memory:' as {MIRROR}")
        cur.execute("begin transaction")
        try:
            for name in copy:  # names from the catalog, not from a user
                cur.execute(
                    f'create or replace table {MIRROR}.main."{name}" as select * from {LAKE}.main."{name}"'
                )
            if whole:
                for name in self._tables - set(tables):
                    cur.execute(f'drop table if exists {MIRROR}.main."{name}"')
                cur.execute(f"use {MIRROR}")
                skip = _lake_only_objects()
                for name, body, is_macro in object_order():
                    if name not in skip:
                        cur.execute(body if is_macro else f"create or replace view {name} as\n{body}")
            cur.execute("commit")
        except BaseException:
            cur.execute("rollback")
            raise
        finally:
            cur.execute(f"use {LAKE}")
        after = data_snapshot_id(cur, audit)
        with self._lock:
            self._tables = set(tables)
            self.last_copied = tuple(copy)
            self._base = before
            self._version = before if after == before else None
            return self._version

    def _changed(self, cur, tables: dict[str, int], skipped: set[str]) -> set[str] | None:
        """The copied tables whose rows changed since the copy's base snapshot (`skipped`:
        the ids of tables not copied); None when the copy must be taken whole (none yet, a
        change of schema, expired snapshots)."""
        if self._base is None or set(tables) != self._tables:
            return None
        rows = cur.execute(
            f"select snapshot_id, changes from ducklake_snapshots('{LAKE}') where snapshot_id > ? order by 1",
            [self._base],
        ).fetchall()
        if [r[0] for r in rows] != list(range(self._base + 1, self._base + 1 + len(rows))):
            return None  # snapshots in between were expired: their changes are unknown
        by_id = {str(table_id): name for name, table_id in tables.items()}
        changed: set[str] = set()
        for _, changes in rows:
            for key, values in (changes or {}).items():
                if key in _FILES_ONLY:
                    continue
                if key not in _ROWS_CHANGED:
                    return None
                for value in values:
                    if str(value) in skipped:
                        continue
                    if str(value) not in by_id:
                        return None
                    changed.add(by_id[str(value)])
        return changed

    def _drop(self, cur) -> None:
        """Free the copy of a warehouse that outgrew the limit."""
        with self._lock:
            held, self._version, self._base = self._tables, None, None
            self._tables = set()
        if not held:
            return
        cur.execute("begin transaction")
        for name in sorted(held):
            cur.execute(f'drop table if exists {MIRROR}.main."{name}"')
        cur.execute("commit")
