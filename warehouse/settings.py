"""Settings the metrics read: one row per change in `settings`, the newest of a key in force."""

from __future__ import annotations

import datetime as dt
import math
import re
import zoneinfo
from dataclasses import dataclass
from datetime import UTC, datetime


class SettingError(ValueError):
    """A setting name or value that is refused, with the reason in words."""


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str


# The settings a user may change (`python -m pipelines setting set`, the Settings page).
SETTINGS = {
    s.name: s
    for s in (
        Setting(
            "key_account_threshold", "5000000", "prior-year revenue at which a customer is a key account"
        ),
        Setting("timezone", "Asia/Shanghai", "time zone of complaint timestamps and of 'now' (IANA name)"),
        Setting("min_sample", "30", "fewest responses (per window or period) a significance test needs"),
        Setting("session_idle_minutes", "30", "minutes without activity after which a dashboard login ends"),
    )
}
CALENDAR_PREFIX = "calendar:"
CALENDAR_VALUES = ("holiday", "workday", "default")
_TARGET = re.compile(r"^target:[a-z0-9-]+$")


def put(con, key: str, value: str) -> None:
    """Record a new value of `key` (the earlier rows stay as its history)."""
    con.execute("insert into settings (key, value, set_at) values (?, ?, ?)", [key, value, datetime.now(UTC)])


def replace(con, key: str, value: str) -> None:
    """Set an internal key (views hash, saved mappings) keeping one row only."""
    con.execute("delete from settings where key = ?", [key])
    put(con, key, value)


def check(name: str, value: str) -> str:
    """The normalised value of a user setting, or SettingError saying why it is refused."""
    value = value.strip()
    if name == "key_account_threshold":
        number = _number(name, value)
        if number < 0:
            raise SettingError(f"{name} must be 0 or more, got {value}")
        return repr(number) if number != int(number) else str(int(number))
    if name == "min_sample":
        if not re.fullmatch(r"\d+", value) or not 2 <= int(value) <= 1_000_000:
            raise SettingError(f"{name} must be a whole number from 2 to 1,000,000, got {value!r}")
        return str(int(value))
    if name == "session_idle_minutes":
        if not re.fullmatch(r"\d+", value) or not 1 <= int(value) <= 1440:
            raise SettingError(f"{name} must be a whole number of minutes from 1 to 1440, got {value!r}")
        return str(int(value))
    if name == "timezone":
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise SettingError(f"{name}: {value!r} is not a known time zone (e.g. Asia/Shanghai)") from None
        return value
    if _TARGET.match(name):
        number = _number(name, value)
        if not 0 <= number <= 100:
            raise SettingError(f"{name} must be from 0 to 100, got {value}")
        return str(number)
    if name.startswith(CALENDAR_PREFIX):
        try:
            dt.date.fromisoformat(name[len(CALENDAR_PREFIX) :])
        except ValueError:
            raise SettingError(f"{name}: the day must be written YYYY-MM-DD") from None
        if value not in CALENDAR_VALUES:
            raise SettingError(f"{name} must be one of {', '.join(CALENDAR_VALUES)}, got {value!r}")
        return value
    known = ", ".join([*SETTINGS, "target:QUESTIONNAIRE", "calendar:YYYY-MM-DD"])
    raise SettingError(f"unknown setting {name!r}; known: {known}")


def set_setting(con, name: str, value: str) -> str:
    """Validate and record a user setting; returns the value stored."""
    stored = check(name, value)
    put(con, name, stored)
    return stored


def in_force(con) -> list[dict]:
    """Every user setting with its value in force (default where never set) and when it was set."""
    rows = con.execute(
        "select key, value, strftime(set_at, '%Y-%m-%d %H:%M:%S') from setting_values order by key"
    ).fetchall()
    found = {key: (value, at) for key, value, at in rows}
    out = [
        {
            "name": s.name,
            "value": found.get(s.name, (s.default, None))[0],
            "default": s.default,
            "set_at": found.get(s.name, (None, None))[1],
        }
        for s in SETTINGS.values()
    ]
    out += [
        {"name": key, "value": value, "default": None, "set_at": at}
        for key, (value, at) in found.items()
        if key.startswith((CALENDAR_PREFIX, "target:"))
    ]
    return out


def _number(name: str, value: str) -> float:
    try:
        number = float(value.replace(",", ""))
    except ValueError:
        raise SettingError(f"{name} must be a number, got {value!r}") from None
    if not math.isfinite(number):
        raise SettingError(f"{name} must be a finite number, got {value!r}")
    return number
