"""Read access for the dashboard: one connection, a cursor per call."""

from __future__ import annotations

import threading

import polars as pl

from warehouse import open_warehouse, snapshot_id
from warehouse.lake import LAKE, audit_table_id, data_snapshot_id
from warehouse.sql import query


class Reader:
    """Runs the SQL files of sql/ against the warehouse, safe to share across threads."""

    def __init__(self, path=None):
        self._con = open_warehouse(path)
        self._lock = threading.Lock()
        self._audit_id: int | None = None

    def cursor(self):
        with self._lock:
            cur = self._con.cursor()
        cur.execute(f"use {LAKE}")
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

    def query(self, name: str, params: dict | None = None) -> pl.DataFrame:
        cur = self.cursor()
        try:
            return query(cur, f"queries/{name}", params)
        finally:
            cur.close()
