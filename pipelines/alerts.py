"""Alerts (CONTRACT §11): `alerts run` records every rule's alerts of the whole months before
"now", each once (sql/marts/alert_checks.sql holds the rules); the dashboard's inbox reads them."""

from __future__ import annotations

import datetime as dt
import json
import urllib.parse
import urllib.request
from datetime import UTC, datetime

from pipelines import mail
from warehouse import audit, settings
from warehouse.lake import write
from warehouse.texts import text

COLUMNS = (
    "alert_id, rule, questionnaire_id, scope, region, period_start, value, center, lower_limit, "
    "upper_limit, n, severity"
)


# Which alerts a run judges: the figures of the whole months before "now"; a complaint or an
# action (item_key) as soon as it is late or serious, up to the month of "now".
_DUE = "(period_start < ? or (item_key is not null and period_start <= ?))"


def run(con, now: dt.date | None = None, user: str | None = None, complaint: str | None = None) -> dict:
    """Record the alerts that fire in the whole months before `now` (default: today in the
    company time zone), and the late or serious complaints and late actions up to now, not
    recorded yet; with `complaint`, only that case's (a registration's escalation). Runs one at
    a time (a write lock): two runs at once record each alert once. Returns the new alerts' ids
    and how many rules were judged."""
    now = now or settings.today(con)
    month = now.replace(day=1)
    fired_at = datetime.now(UTC)
    only = "" if complaint is None else " and item_key = ? and rule like 'complaint_%'"
    params = [month, now, *([complaint] if complaint is not None else [])]

    def body() -> dict:
        con.execute("delete from write_locks where name = 'alerts'")
        con.execute("insert into write_locks values ('alerts')")
        judged = con.execute(f"select count(*) from alert_checks where {_DUE}{only}", params).fetchone()[0]
        new = con.execute(
            f"select {COLUMNS} from alert_checks where fired and {_DUE}{only} "
            "and alert_id not in (select alert_id from alerts) order by period_start, alert_id",
            params,
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


PAGE_OF = {
    "dissatisfied_high": "pareto",
    "complaint_overdue": "complaints",
    "complaint_serious": "complaints",
    "action_overdue": "actions",
}  # every other rule is a figure of the Overview


def item_of(row: dict) -> str:
    """The complaint or action of a case alert: its alert_id is rule:item:YYYY-MM."""
    return row["alert_id"][len(row["rule"]) + 1 : -8]


def view(row: dict) -> tuple[str, dict]:
    """The page and link parameters that show an alert: its questionnaire, scope and region,
    monthly, its month; a late complaint opens on the complaint desk."""
    page = PAGE_OF.get(row["rule"], "overview")
    if row["rule"] in ("complaint_overdue", "complaint_serious"):  # alert_id is rule:complaint_id:YYYY-MM
        return page, {"case": item_of(row)}
    start = row["period_start"]
    end = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    params = {"grain": "month", "from": f"{start}", "to": f"{end}"}
    keys = (("q", "questionnaire_id"), ("scope", "scope"), ("region", "region"))
    return page, params | {k: row[c] for k, c in keys if row.get(c)}


def link(row: dict, lang: str) -> str:
    """The dashboard address (path and query string) of `view`, for e-mails and robots."""
    page, params = view(row)
    return f"/{page}?{urllib.parse.urlencode({'lang': lang} | params)}"


CONTROL = ("csi_low", "dissatisfied_high", "complaint_rate_high")
LISTED = 30  # the most alerts one e-mail lists; the rest are in the inbox
ROBOT_LISTED = 10  # a 企业微信 robot's markdown takes at most 4096 bytes


def _message_lines(rows: list[dict], lang: str, base: str = "", listed: int = LISTED) -> list[str]:
    """One line per alert, newest month first and the control-limit ones first within it: what,
    which group and month, the value against its limit or target, its link."""
    lines = []
    ordered = sorted(
        rows, key=lambda r: (r["period_start"], r["rule"] in CONTROL, r["alert_id"]), reverse=True
    )
    for row in ordered[:listed]:
        scope = text(f"scope.{row['scope']}", lang) if row["scope"] else None
        scope = row["scope"] if scope == f"scope.{row['scope']}" else scope  # a scope of no known name
        group = " · ".join(str(v) for v in (row["questionnaire_id"], scope, row["region"]) if v)
        value = "" if row["value"] is None else f"{row['value']:.1f}"
        limit = (
            row["upper_limit"]
            if row["rule"] in ("dissatisfied_high", "complaint_rate_high")
            else row["lower_limit"]
        )
        word = text("alert.limit" if row["rule"] in CONTROL else "kpi.target", lang)
        against = "" if limit is None else f" ({word} {limit:.1f})"
        lines.append(
            f"- {text('alert.rule.' + row['rule'], lang)} · {row['period_start']:%Y-%m}"
            + (f" · {group}" if group else "")
            + (f" · {value}{against}" if value else "")
            + f" · {row['alert_id']}"
            + (f"\n  {base}{link(row, lang)}" if base else "")
        )
    if len(rows) > listed:
        lines.append(text("alert.more", lang, n=len(rows) - listed))
    return lines


def recipients(con) -> list[tuple[str, tuple[str, ...] | None]]:
    """(e-mail, regions or None) of the active users whose role is in `alert_roles`."""
    roles = [r for r in settings.value(con, "alert_roles").split(",") if r]
    rows = con.execute(
        "select email, regions from stg_users where not disabled and email is not null and email <> '' "
        "and role in (select unnest(?::varchar[])) order by user_name",
        [roles],
    ).fetchall()
    return [(email, tuple(json.loads(regions)) if regions else None) for email, regions in rows]


SENDING = "sending"  # a delivery's claim, while its run sends it
CLAIM_MINUTES = 10  # a claim this old without an outcome is taken as lost (a killed run)


def _claim(con, channel: str, target: str, regions: tuple[str, ...] | None) -> list[dict]:
    """The alerts not yet delivered to `target` (new ones and earlier failures), within its
    regions, claimed for this run: a second run at once (the write lock 'alerts' orders the two)
    finds them claimed and leaves them alone, so nothing goes out twice."""
    now = datetime.now(UTC)

    def body() -> list[dict]:
        con.execute("delete from write_locks where name = 'alerts'")
        con.execute("insert into write_locks values ('alerts')")
        rows = con.execute(
            "select * from alerts where alert_id not in (select alert_id from alert_deliveries as d "
            "where channel = ? and target = ? and (ok or (detail = ? and tried_at > ? and not exists ("
            "select 1 from alert_deliveries as o where o.alert_id = d.alert_id and o.channel = d.channel "
            "and o.target = d.target and o.detail <> ? and o.tried_at >= d.tried_at)))) "
            "order by period_start, alert_id",
            [channel, target, SENDING, now - dt.timedelta(minutes=CLAIM_MINUTES), SENDING],
        ).pl()
        found = rows.to_dicts()
        if regions is not None:
            found = [r for r in found if r["region"] is None or r["region"] in regions]
        if found:
            con.executemany(
                "insert into alert_deliveries values (?, ?, ?, ?, false, ?)",
                [[r["alert_id"], channel, target, now, SENDING] for r in found],
            )
        return found

    return write(con, body)


def _email(con, to: str, rows: list[dict]) -> None:
    base = settings.value(con, "dashboard_url")
    subject = " / ".join(text("alert.mail_subject", lang, n=len(rows)) for lang in ("zh", "en"))
    body = [text("alert.mail_intro", "zh", n=len(rows)), *_message_lines(rows, "zh", base), ""]
    body += [text("alert.mail_intro", "en", n=len(rows)), *_message_lines(rows, "en", base)]
    mail.send(con, mail.message(con, to, f"[Manyi] {subject}", "\n".join(body)))


def _webhook(url: str, rows: list[dict], base: str = "") -> None:
    """One POST of markdown text, the format both 企业微信 and 钉钉 group robots take."""
    lines = _message_lines(rows, "zh", base, ROBOT_LISTED)
    content = "\n".join([f"**{text('alert.mail_intro', 'zh', n=len(rows))}**", *lines])
    if "dingtalk" in url:
        payload = {"msgtype": "markdown", "markdown": {"title": "Manyi", "text": content}}
    else:
        payload = {"msgtype": "markdown", "markdown": {"content": content}}
    request = urllib.request.Request(
        url, data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json; charset=utf-8"}, method="POST",
    )  # fmt: skip
    with urllib.request.urlopen(request, timeout=15) as response:
        if response.status >= 300:
            raise OSError(f"HTTP {response.status}")


def deliver(con, user: str | None = None) -> dict:
    """Deliver what is pending: one e-mail per recipient and one POST per robot URL, each listing
    the alerts it has not had yet (new ones and earlier failures). Every try is recorded and
    audited; a failure is said in one line per channel and tried again next run."""
    targets: list[tuple[str, str, tuple[str, ...] | None]] = []
    if mail.configured(con):
        targets += [("email", email, regions) for email, regions in recipients(con)]
    targets += [("webhook", url, None) for url in settings.value(con, "alert_webhooks").split(",") if url]
    said: dict[str, list[str]] = {"delivered": [], "failed": []}
    for channel, target, regions in targets:
        rows = _claim(con, channel, target, regions)
        if not rows:
            continue
        try:
            if channel == "email":
                _email(con, target, rows)
            else:
                _webhook(target, rows, settings.value(con, "dashboard_url"))
            ok, detail = True, f"{len(rows)} alerts"
        except mail.FAILURES as exc:
            ok, detail = False, f"{type(exc).__name__}: {exc}"[:300]
        now = datetime.now(UTC)

        def body(rows=rows, channel=channel, target=target, ok=ok, detail=detail, now=now) -> None:
            con.executemany(
                "insert into alert_deliveries values (?, ?, ?, ?, ?, ?)",
                [[r["alert_id"], channel, target, now, ok, detail] for r in rows],
            )
            audit.record(
                con, "alert", None, {"channel": channel, "to": target, "alerts": len(rows), "ok": ok, "detail": detail},
                now, user,
            )  # fmt: skip

        write(con, body)
        said["delivered" if ok else "failed"].append(f"{channel} {target}: {detail}")
    return said
