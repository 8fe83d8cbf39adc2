"""Writes of the Settings page: each in its own short transaction, audited like the CLI's."""

from __future__ import annotations

from pipelines import store
from warehouse import open_warehouse, settings
from warehouse.lake import rollback


def save_setting(name: str, value: str) -> str:
    """Validate and store a setting; SettingError says why a value is refused."""
    con = open_warehouse()
    try:
        con.execute("begin transaction")
        try:
            stored = settings.set_setting(con, name, value)
            store.audit(con, "setting", None, {"name": name, "value": stored, "via": "dashboard"})
            con.execute("commit")
        except BaseException:
            rollback(con)
            raise
        return stored
    finally:
        con.close()
