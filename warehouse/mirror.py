"""An in-memory copy of the warehouse's small tables for the dashboard's reads (issue 15:
fixed cost).

Each table a query scans in DuckLake costs about four catalog lookups, and the views behind a
dashboard query scan a dozen tables or more (every staging view reads `supersessions`): at
10,000 responses a page's ten queries took 0.6-0.8 CPU s, of which their own work was a
fraction. On plain DuckDB tables holding the same rows they take 0.06-0.2 s.

The dashboard's Reader therefore keeps `manyi_mirror`, an in-memory database attached to its
connection, with today's macros and views and a table or view for every table of the lake
except the audit trail (which every sign-in and download writes):
- the smallest tables are copied, while their data files total at most MANYI_MIRROR_MB
  (default 32 MiB; `0` turns all this off). A warehouse of up to about 500,000 responses is
  copied whole; a copy takes 12-15 times its files in memory (at 1,000,000 responses, 62 MiB
  of files copied whole took 2.5 s and 0.75 GiB);
- the larger ones are views reading the lake at the copy's snapshot (`at (version => …)`), so
  a query never mixes the copy's data with newer rows of the lake. In a large warehouse these
  are the responses, scores and answers; everything else (settings, questionnaires,
  supersessions, rollups …) is read from memory;
- the count rollups are copied summed over batches (FOLDED): a warehouse of many batches
  that share months reads as few rollup rows as one load of the same data.

The dashboard starts the copy when the server is idle after its warm-up or a first page
(`start`; beside a user's first Overview it slowed that down). A query runs
there only when the copy holds exactly the data version the caller keys its cache by, and
reads nothing of the audit trail; otherwise it runs on the lake, as before, and the copy is
brought up to date in a thread of its own. A refresh copies the tables that the
snapshots since the copy changed, or all of them after a change of schema or when snapshots
in between were expired (`maintain`), in one transaction that reads one snapshot of the lake.
The copy is labelled with a version only when no data changed while it was taken.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from functools import cache

from warehouse.lake import LAKE, ConfigError, audit_table_id, data_snapshot_id
from warehouse.migrate import mentions, object_order, readers_of
from warehouse.sql import sql_file

MIRROR = "manyi_mirror"
DEFAULT_MB = 32
# Tables read on the lake only: the audit trail changes with every sign-in, and its readers
# want the newest event.
LAKE_ONLY = ("audit_log",)
# Snapshot changes that change a table's rows, and those that only rewrite its files.
_ROWS_CHANGED = {"tables_inserted_into", "tables_deleted_from", "inlined_insert", "inlined_delete"}
_FILES_ONLY = {"flushed_inlined", "merge_adjacent", "tables_compacted", "compacted_table", "rewrite_delete"}
_RETRY_SECONDS = 60.0
# The rollups the copy holds summed over batches, by their keys without the batch. A rollup
# keeps one row per batch and key, for a rollback to take out its own, and the queries only
# ever add them up over batches: after 200 monthly loads of 5,000 responses spread over two
# years, response_counts held 192,000 rows for 960 keys, rating_counts 456,000 for 2,400 and
# customer_counts 997,000 for 48,000, and the pages' queries read all of them (README,
# "Scale", ninth round). Of the other columns, first_date is the least, last_date the
# greatest and the rest are summed; batch_id is null.
FOLDED = {
    "response_counts": ("questionnaire_id", "month_start", "scope", "subject", "channel", "staff_id"),
    "rating_counts": ("questionnaire_id", "month_start", "scope", "subject", "item_id", "level_value"),
    "dimension_response_counts": ("questionnaire_id", "month_start", "scope", "subject", "dimension_id"),
    "customer_counts": ("questionnaire_id", "month_start", "scope", "subject", "channel", "customer_id"),
}
_FOLD = {"first_date": "min", "last_date": "max"}

log = logging.getLogger(__name__)


def limit_bytes() -> int:
    """How much of the warehouse (bytes of data files) is copied into memory: MANYI_MIRROR_MB."""
    raw = os.environ.get("MANYI_MIRROR_MB", "").strip()
    try:
        mib = float(raw) if raw else DEFAULT_MB
    except ValueError:
        raise ConfigError(f"MANYI_MIRROR_MB must be a number of MiB (0: no copy), got {raw!r}") from None
    return int(mib * 2**20)


@cache
def _lake_only_objects() -> frozenset[str]:
    return frozenset({*LAKE_ONLY, *readers_of(LAKE_ONLY)})


@cache
def on_lake_only(name: str) -> bool:
    """Whether sql/queries/<name>.sql reads a table the copy does not hold (or a view of one)."""
    text = sql_file(f"queries/{name}")
    return any(mentions(text, other) for other in _lake_only_objects())


def _copied_rows(cur, name: str) -> str:
    """The SELECT that copies the lake table `name`: as it is, or summed over batches (FOLDED)."""
    keys = FOLDED.get(name)
    if keys is None:
        return f'select * from {LAKE}.main."{name}"'
    columns = cur.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_catalog = ? and table_schema = 'main' and table_name = ? order by ordinal_position",
        [LAKE, name],
    ).fetchall()
    listed = [
        "null::varchar as batch_id"
        if column == "batch_id"
        else f'"{column}"'
        if column in keys
        else f'{_FOLD.get(column, "sum")}("{column}")::{kind} as "{column}"'
        for column, kind in columns
    ]
    grouped = ", ".join(f'"{key}"' for key in keys)
    return f'select {", ".join(listed)} from {LAKE}.main."{name}" group by {grouped}'


class Mirror:
    """The copy kept for one connection (a Reader's); safe to share across threads."""

    def __init__(self, con, limit: int | None = None):
        self._con = con
        self._limit = limit_bytes() if limit is None else limit
        self._lock = threading.Lock()  # the state below
        self._refreshing = threading.Lock()  # one refresh at a time
        self._version: int | None = None  # the data version the copy holds exactly
        self._base: int | None = None  # the snapshot the copy's changes are counted from
        self._wanted = 0
        self._thread: threading.Thread | None = None
        self._failed_at = 0.0
        self._started = False  # start() or refresh() was called
        self._copied: set[str] = set()  # tables held in memory
        self._through: set[str] = set()  # tables read from the lake at the copy's snapshot
        self.last_copied: tuple[str, ...] = ()  # the tables the last refresh copied

    @property
    def version(self) -> int | None:
        """The data version the copy holds (Reader.version), None while it holds none."""
        return self._version

    @property
    def read_through(self) -> tuple[str, ...]:
        """The tables read from the lake at the copy's snapshot, not held in memory."""
        return tuple(sorted(self._through))

    def serves(self, name: str, version: int | None) -> bool:
        """Whether query `name` for data `version` runs on the copy; when the copy (once
        started) is behind that version, a refresh starts and the query runs on the lake."""
        if version is None or self._limit <= 0:
            return False
        held = self._version
        if held == version:
            return not on_lake_only(name)
        if self._started and (held is None or version > held):
            self.refresh_soon(version)
        return False

    def start(self) -> None:
        """Take the copy in the background, if not yet started; from then on a query for a
        newer version than the copy holds brings it up to date."""
        if not self._started and self._limit > 0:
            self._started = True
            self.refresh_soon(0)

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
            if self._limit <= 0 or (held is not None and held >= self._wanted):
                return

    def refresh(self) -> int | None:
        """Bring the copy up to date now; return the data version it holds (None: turned
        off, or the data changed while it was copied)."""
        self._started = True
        with self._refreshing:
            cur = self._con.cursor()
            try:
                return self._refresh(cur)
            finally:
                cur.close()

    def _refresh(self, cur) -> int | None:
        if self._limit <= 0:
            return None
        cur.execute(f"use {LAKE}")
        audit = audit_table_id(cur)
        before = data_snapshot_id(cur, audit)
        if before == self._version:
            return before
        found = cur.execute(
            f"select table_name, table_id, file_size_bytes from ducklake_table_info('{LAKE}')"
        )
        info = {name: (table_id, size) for name, table_id, size in found.fetchall()}
        tables = {name: table_id for name, (table_id, _) in info.items() if name not in LAKE_ONLY}
        skipped = {str(info[name][0]) for name in LAKE_ONLY if name in info}
        # The smallest tables are copied while their files fit the limit; the others are read
        # from the lake at this snapshot, through views of the same names.
        copied, total = set(), 0
        for name in sorted(tables, key=lambda n: (info[n][1], n)):
            total += info[name][1]
            if total > self._limit:
                break
            copied.add(name)
        through = set(tables) - copied
        changed = self._changed(cur, tables, skipped)
        whole = changed is None
        copy = sorted(copied if whole else (changed & copied) | (copied - self._copied))
        cur.execute(f"attach if not exists ':memory:' as {MIRROR}")
        cur.execute("begin transaction")
        try:  # names from the catalog and a snapshot id, not from a user
            for name in self._through - through:
                cur.execute(f'drop view if exists {MIRROR}.main."{name}"')
            for name in self._copied - copied:
                cur.execute(f'drop table if exists {MIRROR}.main."{name}"')
            for name in copy:
                cur.execute(f'create or replace table {MIRROR}.main."{name}" as {_copied_rows(cur, name)}')
            for name in sorted(through):
                cur.execute(
                    f'create or replace view {MIRROR}.main."{name}" as '
                    f'select * from {LAKE}.main."{name}" at (version => {int(before)})'
                )
            if whole:
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
            self._copied, self._through = copied, through
            self.last_copied = tuple(copy)
            self._base = before
            self._version = before if after == before else None
            return self._version

    def _changed(self, cur, tables: dict[str, int], skipped: set[str]) -> set[str] | None:
        """The copied tables whose rows changed since the copy's base snapshot (`skipped`:
        the ids of tables not copied); None when the copy must be taken whole (none yet, a
        change of schema, expired snapshots)."""
        if self._base is None or set(tables) != self._copied | self._through:
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
