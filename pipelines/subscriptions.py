"""Report subscriptions (CONTRACT §11): who gets which report by e-mail. `send` (in
dashboard.report_mail, the report's own layer) reads them and records every try here."""

from __future__ import annotations

import datetime as dt
from datetime import UTC, datetime

from warehouse import audit, roles
from warehouse.lake import write

GRAINS = ("month", "quarter")
FORMATS = ("pdf", "xlsx")
LANGS = ("zh", "en")


class SubscriptionError(ValueError):
    """A subscription refused, in words."""


def subscription_id(user: str, questionnaire_id: str, grain: str, fmt: str, lang: str) -> str:
    return f"{user}/{questionnaire_id}/{grain}/{fmt}/{lang}"


def add(
    con, user: str, questionnaire_id: str, grain: str = "month", fmt: str = "pdf", lang: str = "zh",
    by: str | None = None,
) -> dict:  # fmt: skip
    """Subscribe `user` to the report of a questionnaire; refused for an unknown or disabled
    user, a user without an e-mail or a role that may not read reports, an unknown
    questionnaire, grain, format or language. Adding one in force again changes nothing."""
    for name, value, known in (("grain", grain, GRAINS), ("format", fmt, FORMATS), ("lang", lang, LANGS)):
        if value not in known:
            raise SubscriptionError(f"--{name} must be one of {', '.join(known)}, got {value!r}")
    found = con.execute("select role, email, disabled from stg_users where user_name = ?", [user]).fetchone()
    if found is None or found[2]:
        raise SubscriptionError(f"no active user {user!r} (see `user list`)")
    role, email, _ = found
    if not email:
        raise SubscriptionError(f"user {user!r} has no e-mail address: a report cannot be sent to them")
    if not roles.may_open(role, "report"):
        raise SubscriptionError(f"user {user!r} ({role}) may not read the report")
    known = con.execute("select 1 from questionnaires where questionnaire_id = ? limit 1", [questionnaire_id])
    if known.fetchone() is None:
        raise SubscriptionError(f"no questionnaire {questionnaire_id!r} (see `questionnaire list`)")
    key = subscription_id(user, questionnaire_id, grain, fmt, lang)
    row = {"subscription_id": key, "user": user, "questionnaire": questionnaire_id, "grain": grain,
           "format": fmt, "lang": lang}  # fmt: skip

    def body() -> dict:
        if con.execute("select 1 from subscription_status where subscription_id = ?", [key]).fetchone():
            return row | {"status": "unchanged"}
        now = datetime.now(UTC)
        con.execute(
            "insert into subscriptions values (?, ?, ?, ?, ?, ?, true, ?, ?)",
            [key, user, questionnaire_id, grain, fmt, lang, now, by],
        )
        audit.record(con, "subscription", None, row | {"change": "add"}, now, by)
        return row | {"status": "added"}

    return write(con, body)


def remove(
    con, user: str, questionnaire_id: str | None = None, grain: str | None = None, fmt: str | None = None,
    lang: str | None = None, by: str | None = None,
) -> list[str]:  # fmt: skip
    """End the subscriptions of `user` that match (every one of theirs when nothing narrows);
    the ids ended."""

    def body() -> list[str]:
        rows = con.execute(
            "select subscription_id, user_name, questionnaire_id, grain, format, lang from subscription_status "
            "where user_name = ? and questionnaire_id = coalesce(?, questionnaire_id) "
            "and grain = coalesce(?, grain) and format = coalesce(?, format) and lang = coalesce(?, lang)",
            [user, questionnaire_id, grain, fmt, lang],
        ).fetchall()
        now = datetime.now(UTC)
        for row in rows:
            con.execute("insert into subscriptions values (?, ?, ?, ?, ?, ?, false, ?, ?)", [*row, now, by])
            audit.record(con, "subscription", None, {"subscription_id": row[0], "change": "remove"}, now, by)
        return [row[0] for row in rows]

    return write(con, body)


def listed(con, user: str | None = None) -> list[dict]:
    """The subscriptions in force (of `user`, or everyone's), with the newest period sent."""
    return (
        con.execute(
            "select subscription_id, user_name, questionnaire_id, grain, format, lang, email, since, last_sent "
            "from subscription_status where user_name = coalesce(?, user_name)",
            [user],
        )
        .pl()
        .to_dicts()
    )


def last_period(now: dt.date, grain: str) -> tuple[dt.date, str]:
    """The start and name (2026-11, 2026-Q3) of the last whole period that ended before `now`."""
    if grain == "month":
        start = (now.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
        return start, f"{start:%Y-%m}"
    quarter_start = now.replace(month=3 * ((now.month - 1) // 3) + 1, day=1)
    start = (quarter_start - dt.timedelta(days=1)).replace(day=1)
    start = start.replace(month=3 * ((start.month - 1) // 3) + 1)
    return start, f"{start.year}-Q{(start.month - 1) // 3 + 1}"


CLAIM_HOURS = 1  # a send claimed this long ago without an outcome is taken as lost (a killed run)


def claim(con, key: str, period_start: dt.date) -> bool:
    """Take the sending of one subscription's period (one run at a time, by the write lock
    'sends'): False when it was sent already, or another run is sending it now."""

    def body() -> bool:
        con.execute("delete from write_locks where name = 'sends'")
        con.execute("insert into write_locks values ('sends')")
        now = datetime.now(UTC)
        sent, sending = con.execute(
            "select coalesce(bool_or(ok), false), "
            "coalesce(arg_max_null(ok, tried_at) is null and max(tried_at) > ?, false) "
            "from report_sends where subscription_id = ? and period_start = ?",
            [now - dt.timedelta(hours=CLAIM_HOURS), key, period_start],
        ).fetchone()
        if sent or sending:
            return False
        con.execute("insert into report_sends values (?, ?, ?, null, 'sending')", [key, period_start, now])
        return True

    return write(con, body)


def done(con, key: str, period_start: dt.date, ok: bool, detail: str) -> None:
    """Record how a claimed send ended."""
    write(
        con,
        lambda: con.execute(
            "insert into report_sends values (?, ?, ?, ?, ?)",
            [key, period_start, datetime.now(UTC), ok, detail],
        ),
    )
