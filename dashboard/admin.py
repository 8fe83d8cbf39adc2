"""Writes of the Settings and admin pages, through the same audited changes as the command line."""

from __future__ import annotations

import json

import polars as pl

from dashboard import auth
from dashboard.i18n import t
from dashboard.state import open_for_write, writer
from pipelines import store
from warehouse import settings, users


def save_setting(name: str, value: str) -> str:
    """Validate and store a setting; SettingError says why a value is refused."""
    con = open_for_write()
    try:
        return store.change_setting(con, name, value, via="dashboard", user=auth.name())
    finally:
        con.close()


def settings_table() -> pl.DataFrame:
    """Every setting with the value in force, its default and when it was set: a setting never
    set shows its default in force (the table was empty before anything was set)."""
    cur = writer()
    try:
        rows = settings.in_force(cur)
    finally:
        cur.close()
    about = {name: t(f"setting.{name}") for name in settings.SETTINGS}
    for r in rows:  # per-questionnaire targets and calendar days
        if r["name"].startswith("target:"):
            about[r["name"]] = t("setting.target", qid=r["name"][len("target:") :])
        elif r["name"].startswith(settings.CALENDAR_PREFIX):
            about[r["name"]] = t("setting.calendar", day=r["name"][len(settings.CALENDAR_PREFIX) :])
    return pl.DataFrame(
        {
            "key": [r["name"] for r in rows],
            "in_force": [r["value"] for r in rows],
            "default_value": [r["default"] or "" for r in rows],
            "set_at": [r["set_at"] or t("settings.never_set") for r in rows],
            "about": [about.get(r["name"], "") for r in rows],
        }
    )


def parse_regions(text: str | None) -> list[str]:
    return json.loads(text) if text else []


def add_user(
    name: str, role: str, password: str, regions: list[str], email: str = "", dept: str = ""
) -> str | None:
    """Add a user; the reason in words when refused, else None."""
    con = open_for_write()
    try:
        users.add(
            con, name.strip(), role, password, regions, email.strip() or None, by=auth.name(), dept=dept
        )
    except users.UserError as exc:
        return str(exc)
    finally:
        con.close()
    return None


def change_user(
    name: str, role: str, regions: list[str], password: str, disabled: bool, email: str = "", dept: str = ""
) -> str | None:
    """A new version of a user (a blank password keeps the old one); None when saved."""
    changes = {"role": role, "regions": regions, "disabled": disabled, "email": email.strip() or None}
    changes["dept"] = dept.strip() or None
    if password:
        changes["password"] = password
    con = open_for_write()
    try:
        users.change(con, name, by=auth.name(), **changes)
    except users.UserError as exc:
        return str(exc)
    finally:
        con.close()
    return None


def unlock_user(name: str) -> str | None:
    """Lift a sign-in lock; the reason in words when refused, else None."""
    con = open_for_write()
    try:
        users.unlock(con, name, by=auth.name())
    except users.UserError as exc:
        return str(exc)
    finally:
        con.close()
    return None
