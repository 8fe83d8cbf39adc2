"""Alerts (CONTRACT §11): `alerts run` records every rule's alerts of the whole months before
"now", each once (sql/marts/alert_checks.sql holds the rules); the dashboard's inbox reads them."""

from __future__ import annotations

import datetime as dt
from datetime import UTC, datetime

from warehouse import audit, settings
from warehouse.lake import write

COLUMNS = (
    "alert_id, rule, questionnaire_id, scope, region, period_start, value, center, lower_limit, "
    "upper_limit, n, severity"
)


def run(con, now: dt.date | None = None, user: str | None = None) -> dict:
    """Record the alerts that fire in the whole months before `now` (default: today in the
    company time zone) and are not recorded yet. Runs one at a time (a write lock): two runs at
    once record each alert once. Returns the new alerts' ids and how many rules were judged."""
    now = now or settings.today(con)
    month = now.replace(day=1)
    fired_at = datetime.now(UTC)

    def body() -> dict:
        con.execute("delete from write_locks where name = 'alerts'")
        con.execute("insert into write_locks values ('alerts')")
        judged = con.execute("select count(*) from alert_checks where period_start < ?", [month]).fetchone()[
            0
        ]
        new = con.execute(
            f"select {COLUMNS} from alert_checks where fired and period_start < ? "
            "and alert_id not in (select alert_id from alerts) order by period_start, alert_id",
            [month],
        ).fetchall()
        if new:
            con.executemany(
                "insert into alerts values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [[*row, fired_at] for row in new],
            )
            audit.record(
                con,
                "alert",
                None,
                {"new": len(new), "first": new[0][0], "before": f"{month}"},
                fired_at,
                user,
            )
        return {"judged": int(judged), "new": len(new), "alerts": [row[0] for row in new]}

    return write(con, body)


def mark_read(con, alert_ids: list[str], user: str) -> int:
    """Record that `user` has read these alerts (those not read by them yet)."""
    now = datetime.now(UTC)

    def body() -> int:
        fresh = con.execute(
            "select alert_id from alerts where alert_id in (select unnest(?::varchar[])) "
            "and alert_id not in (select alert_id from alert_reads where user_name = ?)",
            [list(alert_ids), user],
        ).fetchall()
        if fresh:
            con.executemany("insert into alert_reads values (?, ?, ?)", [[a, user, now] for (a,) in fresh])
        return len(fresh)

    return write(con, body)
