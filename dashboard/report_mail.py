"""`send` (CONTRACT §11): each subscriber gets by e-mail the report of the last whole period that
ended before now, made as them (their role and regions), once; every send is audited (`report`,
with `sent_to`) and a failure is tried again at the next run."""

from __future__ import annotations

import datetime as dt
import io
import json

from pipelines import mail, subscriptions
from warehouse import audit, settings
from warehouse.texts import text


def _message(con, row: dict, summary: dict, data: bytes, period: str, title: str):
    lang = row["lang"]
    kpis = summary["kpis"]
    csi = "—" if kpis.get("csi") is None else f"{kpis['csi']:.1f}"
    lines = [
        text("send.greeting", lang, user=row["user_name"]),
        "",
        text("send.body", lang, title=title, period=period),
        text("send.kpis", lang, csi=csi, n=f"{kpis.get('responses') or 0:,}"),
    ]
    base = settings.value(con, "dashboard_url")
    if base:
        lines.append(f"{base}/report?lang={lang}&q={row['questionnaire_id']}")
    lines += ["", text("send.footer", lang, id=row["subscription_id"])]
    message = mail.message(
        con, row["email"], f"[Manyi] {text('report.title', lang)} · {title} · {period}", "\n".join(lines)
    )
    kind = row["format"]
    message.add_attachment(
        data,
        maintype="application",
        subtype="pdf" if kind == "pdf" else "vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        filename=f"manyi-{row['questionnaire_id']}-{period}.{kind}",
    )
    return message


def send(con, now: dt.date | None = None, user: str | None = None) -> dict:
    """Send what is due: per subscription, the last whole period before `now` (default: today in
    the company's time zone) unless it was sent already or another run is sending it. Returns
    the lines said: sent, skipped (nothing to send, with why) and failed (tried again later)."""
    from dashboard.report import ReportError
    from dashboard.report_files import make

    now = now or settings.today(con)
    said: dict[str, list[str]] = {"sent": [], "skipped": [], "failed": []}
    if not mail.configured(con):
        said["failed"].append("email: no SMTP server (setting smtp_host)")
        return said
    rows = con.execute("select * from subscription_status where not disabled").pl().to_dicts()
    for row in rows:
        start, period = subscriptions.last_period(now, row["grain"])
        key, to = row["subscription_id"], row["email"]
        if not to:
            said["skipped"].append(f"{key}: the user has no e-mail address")
            continue
        if row["last_sent"] is not None and row["last_sent"] >= start:
            continue  # sent already
        if not subscriptions.claim(con, key, start):
            continue  # sent, or being sent by another run
        regions = json.loads(row["regions"]) if row["regions"] else None
        buffer = io.BytesIO()
        try:
            summary = make(
                con, buffer, row["questionnaire_id"], period, lang=row["lang"], user=user, role=row["role"],
                regions=regions, kind=row["format"], record=False,
            )  # fmt: skip
        except ReportError as exc:
            subscriptions.done(con, key, start, False, str(exc)[:300])
            said["failed"].append(f"{key}: {exc}")
            continue
        if not summary["kpis"].get("responses"):
            subscriptions.done(con, key, start, False, "no responses yet")
            said["skipped"].append(f"{key}: no responses in {period} yet (tried again at the next run)")
            continue
        title = con.execute(
            "select arg_max(title, version) from questionnaires where questionnaire_id = ?",
            [row["questionnaire_id"]],
        ).fetchone()[0]
        try:
            mail.send(con, _message(con, row, summary, buffer.getvalue(), period, title))
            ok, detail = True, f"{summary['bytes']} bytes"
        except mail.FAILURES as exc:
            ok, detail = False, f"{type(exc).__name__}: {exc}"[:300]
        subscriptions.done(con, key, start, ok, detail)
        summary.pop("file", None)
        audit.append(
            con, "report", None, summary | {"sent_to": to, "subscription_id": key, "ok": ok}, user=user
        )
        said["sent" if ok else "failed"].append(f"{key} {period} → {to}" + ("" if ok else f": {detail}"))
    return said
