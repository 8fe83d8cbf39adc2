"""Read access for the dashboard: one connection, a cursor per call."""

from __future__ import annotations

import threading

import polars as pl

from warehouse import open_warehouse, snapshot_id
from warehouse.lake import LAKE
from warehouse.sql import query


class Reader:
    """Runs the SQL files of sql/ against the warehouse, safe to share across threads."""

    def __init__(self, path=None):
        self._con = open_warehouse(path)
        self._lock = threading.Lock()

    def cursor(self):
        with self._lock:
            cur = self._con.cursor()
        cur.execute(f"use {LAKE}")
        return cur

    def version(self) -> int:
        """The warehouse's data version (latest snapshot id): the dashboard's cache key."""
        cur = self.cursor()
        try:
            return snapshot_id(cur)
        finally:
            cur.close()

    def query(self, name: str, params: dict | None = None) -> pl.DataFrame:
        cur = self.cursor()
        try:
            return query(cur, f"queries/{name}", params)
        finally:
            cur.close()
