"""Settings the metrics read: one row per change in `settings`, the newest of a key in force."""

from __future__ import annotations

import datetime as dt
import math
import re
import zoneinfo
from dataclasses import dataclass
from datetime import UTC, datetime

from warehouse.roles import ROLES


class SettingError(ValueError):
    """A setting name or value that is refused, with the reason in words."""


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str
    # A whole-number setting: its least and greatest value, and the unit its message names.
    low: int | None = None
    high: int | None = None
    unit: str = ""


# The settings a user may change (`python -m pipelines setting set`, the Settings page).
SETTINGS = {
    s.name: s
    for s in (
        Setting(
            "key_account_threshold", "5000000", "prior-year revenue at which a customer is a key account"
        ),
        Setting("timezone", "Asia/Shanghai", "time zone of complaint timestamps and of 'now' (IANA name)"),
        Setting(
            "min_sample",
            "30",
            "fewest responses (per window or period) a significance test needs",
            2,
            1_000_000,
        ),
        Setting(
            "session_idle_minutes",
            "30",
            "minutes without activity after which a dashboard login ends",
            1,
            1440,
            " of minutes",
        ),
        Setting("pareto_max_bars", "15", "most bars of a Pareto chart; the rest is one bar, 其他", 3, 100),
        # The follow-up KPIs' targets (the seeds' procedures: callback ≥ 50 %, survey ≥ 60 %,
        # coverage ≥ 30 %; a mailed-form programme may aim at another return rate).
        Setting(
            "target_callback_pct", "50", "target of the callback success rate (%)", 0, 100, " of percent"
        ),
        Setting("target_survey_pct", "60", "target of the survey success rate (%)", 0, 100, " of percent"),
        Setting("target_coverage_pct", "30", "target of the sample coverage (%)", 0, 100, " of percent"),
        Setting(
            "query_timeout_seconds", "60", "longest a `query` statement may run", 1, 86_400, " of seconds"
        ),
        Setting(
            "query_memory_mb", "2048", "memory a `query` statement may use (MiB)", 64, 1_048_576, " of MiB"
        ),
        Setting("upload_max_mb", "1024", "largest file a load reads (MiB)", 1, 1_048_576, " of MiB"),
        Setting("upload_max_rows", "20000000", "most data rows in one file", 1, 2_000_000_000),
        Setting("upload_max_columns", "1000", "most columns in one file", 1, 100_000),
        Setting("upload_max_cell_chars", "100000", "longest cell of a file (characters)", 1, 100_000_000),
        Setting("upload_max_id_chars", "64", "longest id (response, customer, complaint …)", 1, 10_000),
        Setting("xlsx_max_unpacked_mb", "1024", "most an XLSX may unpack to (MiB)", 1, 1_048_576, " of MiB"),
        Setting("xlsx_max_ratio", "100", "most an XLSX may unpack to, as a multiple of its size", 1, 100_000),
        # Alerts (CONTRACT §11): who gets them and how. The SMTP password is the environment's
        # MANYI_SMTP_PASSWORD, never a setting.
        Setting("alerts_by_region", "false", "alert groups also by region (true/false)"),
        Setting("alert_roles", "manager,engineer", "roles whose users with an e-mail get alert e-mails"),
        Setting("alert_webhooks", "", "企业微信 / 钉钉 robot webhook URLs, comma-separated"),
        Setting("smtp_host", "", "SMTP server of alert e-mails (empty: no e-mail)"),
        Setting("smtp_port", "587", "SMTP port", 1, 65535),
        Setting("smtp_from", "", "sender address of alert and report e-mails"),
        Setting("smtp_starttls", "true", "use STARTTLS with the SMTP server (true/false)"),
        Setting("smtp_user", "", "SMTP user name (empty: no login)"),
        Setting(
            "dashboard_url",
            "",
            "the dashboard's address, for the links in e-mails (e.g. https://manyi.example.com)",
        ),
    )
}
_EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$")
_URL = re.compile(r"^https?://[^\s,]+$")
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
    found = SETTINGS.get(name)
    if found is not None and found.low is not None:
        if not re.fullmatch(r"\d+", value) or not found.low <= int(value) <= found.high:
            raise SettingError(
                f"{name} must be a whole number{found.unit} from {found.low:,} to {found.high:,}, got {value!r}"
            )
        return str(int(value))
    if name in ("alerts_by_region", "smtp_starttls"):
        if value.lower() not in ("true", "false"):
            raise SettingError(f"{name} must be true or false, got {value!r}")
        return value.lower()
    if name == "alert_roles":
        picked = [r.strip() for r in value.split(",") if r.strip()]
        unknown = [r for r in picked if r not in ROLES]
        if unknown:
            raise SettingError(f"{name}: unknown roles {', '.join(unknown)}; roles: {', '.join(ROLES)}")
        return ",".join(picked)
    if name == "alert_webhooks":
        urls = [u.strip() for u in value.split(",") if u.strip()]
        bad = [u for u in urls if not _URL.match(u)]
        if bad:
            raise SettingError(f"{name}: not an http(s) URL: {', '.join(bad)}")
        return ",".join(urls)
    if name == "dashboard_url":
        if value and not _URL.match(value):
            raise SettingError(f"{name}: not an http(s) URL: {value}")
        return value.rstrip("/")
    if name == "smtp_from":
        if value and not _EMAIL.match(value):
            raise SettingError(f"{name}: {value!r} is not an e-mail address")
        return value
    if name in ("smtp_host", "smtp_user"):
        if any(c.isspace() for c in value):
            raise SettingError(f"{name}: {value!r} has spaces")
        return value
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


def value(con, name: str) -> str:
    """The value in force of a user setting (its default where never set)."""
    rows = con.execute("select value from setting_values where key = ?", [name]).fetchall()
    return rows[0][0] if rows else SETTINGS[name].default


def number(con, name: str) -> int:
    """The value in force of a whole-number setting."""
    return int(value(con, name))


def today(con) -> dt.date:
    """Today's date in the company time zone (setting timezone)."""
    return datetime.now(zoneinfo.ZoneInfo(value(con, "timezone"))).date()


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
