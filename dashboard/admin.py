"""Writes of the Settings page, through the same audited change as the command line."""

from __future__ import annotations

from pipelines import store
from warehouse import open_warehouse


def save_setting(name: str, value: str) -> str:
    """Validate and store a setting; SettingError says why a value is refused."""
    con = open_warehouse()
    try:
        return store.change_setting(con, name, value, via="dashboard")
    finally:
        con.close()
