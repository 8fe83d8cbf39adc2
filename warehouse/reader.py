"""Read access for the dashboard: one connection, a cursor per call."""

from __future__ import annotations

import threading

import duckdb
import polars as pl

from warehouse import open_warehouse, snapshot_id
from warehouse.lake import LAKE, audit_table_id, data_snapshot_id
from warehouse.mirror import MIRROR, Mirror
from warehouse.sql import query


class Reader:
    """Runs the SQL files of sql/ against the warehouse, safe to share across threads."""

    def __init__(self, path=None, *, mirror: bool = False):
        """`mirror`: keep an in-memory copy of a small warehouse for `query` (warehouse.mirror)."""
        self._con = open_warehouse(path)
        self._lock = threading.Lock()
        self._audit_id: int | None = None
        self.mirror = Mirror(self._con) if mirror else None

    def cursor(self, catalog: str = LAKE):
        """A cursor of the reader's connection, on the warehouse (writes go there too)."""
        with self._lock:
            cur = self._con.cursor()
        cur.execute(f"use {catalog}")
        return cur

    def version(self, audit: bool = False) -> int:
        """The warehouse's data version, the dashboard's cache key: the latest snapshot that
        changed data, or with `audit` the latest of all (the audit trail's own)."""
        cur = self.cursor()
        try:
            if audit:
                return snapshot_id(cur)
            if self._audit_id is None:
                self._audit_id = audit_table_id(cur)
            return data_snapshot_id(cur, self._audit_id)
        finally:
            cur.close()

    def query(self, name: str, params: dict | None = None, *, version: int | None = None) -> pl.DataFrame:
        """Run sql/queries/<name>.sql. `version`: the data version (`version()`) the caller
        keys its cache by; the query runs on the in-memory copy when that holds exactly it."""
        if self.mirror is not None and self.mirror.serves(name, version):
            cur = self.cursor(MIRROR)
            try:
                return query(cur, f"queries/{name}", params)
            except duckdb.Error:
                # The copy gives what the lake gives (tests/test_mirror.py). Should it fail
                # anyway, the page gets its rows from the lake and the copy is taken anew.
                self.mirror.discard(name)
            finally:
                cur.close()
        cur = self.cursor(LAKE)
        try:
            return query(cur, f"queries/{name}", params)
        finally:
            cur.close()
