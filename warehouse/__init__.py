"""The Manyi warehouse: connection, schema migrations and read helpers."""

from warehouse.lake import connect, db_path, snapshot_id
from warehouse.migrate import migrate

__all__ = ["connect", "db_path", "migrate", "open_warehouse", "snapshot_id"]


def open_warehouse(path=None, *, threads=None):
    """Connect to the warehouse at `path` (or $MANYI_DB) and migrate it."""
    con = connect(path, threads=threads)
    migrate(con)
    return con
