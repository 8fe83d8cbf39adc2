"""Report subscriptions (CONTRACT §11, issue 41, 5): `subscription add|list|remove`, and `send`
e-mailing each subscriber the report of the last whole period made as them, once, through a
real SMTP server on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import io
import shutil

import polars as pl
import pytest
from conftest import SmtpInbox, free_port, last_json, run_cli

from dashboard.report_mail import send
from pipelines import subscriptions
from warehouse import open_warehouse, settings, users
from warehouse.lake import data_dir


@pytest.fixture(scope="module")
def wh(demo_db, tmp_path_factory):
    """A private copy of the demo with two subscribers with e-mail: a manager (all regions)
    and an engineer limited to one region."""
    db = tmp_path_factory.mktemp("subs") / "demo.duckdb"
    shutil.copy(demo_db, db)
    shutil.copytree(data_dir(demo_db), data_dir(db))
    con = open_warehouse(db)
    users.add(con, "boss", "manager", "secret-pass-1", by="test", email="boss@example.com")
    users.add(con, "east", "engineer", "secret-pass-1", regions=["华东"], by="test", email="east@example.com")
    users.add(con, "nomail", "manager", "secret-pass-1", by="test")
    last = con.execute("select max(survey_date) from response_facts where questionnaire_id = 'dealer-sales'")
    now = (last.fetchone()[0].replace(day=1) + dt.timedelta(days=32)).replace(day=1)  # after the last month
    con.close()
    return db, now


def test_subscriptions_are_refused_in_words_and_listed(wh):
    db, _ = wh
    con = open_warehouse(db)
    try:
        for args, words in (
            (("nomail", "dealer-sales"), "has no e-mail address"),
            (("nobody", "dealer-sales"), "no active user 'nobody'"),
            (("boss", "no-such-q"), "no questionnaire 'no-such-q'"),
            (("boss", "dealer-sales", "week"), "--grain must be one of month, quarter"),
            (("demo-agent", "dealer-sales"), "has no e-mail address"),
        ):
            with pytest.raises(subscriptions.SubscriptionError, match=words):
                subscriptions.add(con, *args)
        added = subscriptions.add(con, "boss", "dealer-sales", by="test")
        assert added["status"] == "added"
        assert subscriptions.add(con, "boss", "dealer-sales", by="test")["status"] == "unchanged"
        assert [r["subscription_id"] for r in subscriptions.listed(con, "boss")] == [
            "boss/dealer-sales/month/pdf/zh"
        ]
        assert subscriptions.remove(con, "boss", by="test") == ["boss/dealer-sales/month/pdf/zh"]
        assert subscriptions.listed(con, "boss") == []
        events = con.execute("select count(*) from v_audit where event = 'subscription'").fetchone()[0]
        assert events == 2
    finally:
        con.close()


def test_the_last_whole_period_before_now():
    assert subscriptions.last_period(dt.date(2026, 12, 8), "month") == (dt.date(2026, 11, 1), "2026-11")
    assert subscriptions.last_period(dt.date(2026, 1, 1), "month") == (dt.date(2025, 12, 1), "2025-12")
    assert subscriptions.last_period(dt.date(2026, 12, 8), "quarter") == (dt.date(2026, 7, 1), "2026-Q3")
    assert subscriptions.last_period(dt.date(2026, 2, 1), "quarter") == (dt.date(2025, 10, 1), "2025-Q4")
    assert subscriptions.last_period(dt.date(2026, 4, 1), "quarter") == (dt.date(2026, 1, 1), "2026-Q1")


def test_send_mails_each_subscriber_their_report_once_and_retries_a_failure(wh):
    from aiosmtpd.controller import Controller

    db, now = wh
    port = free_port()
    result = run_cli(db, "subscription", "add", "boss", "--questionnaire", "dealer-sales")
    assert result.returncode == 0, result.stderr
    refused = run_cli(db, "subscription", "add", "nomail", "--questionnaire", "dealer-sales")
    assert refused.returncode == 1 and "has no e-mail address" in refused.stderr
    con = open_warehouse(db)
    try:
        subscriptions.add(con, "east", "dealer-sales", "quarter", "xlsx", "en", by="test")
        for name, value in (
            ("smtp_host", "127.0.0.1"), ("smtp_port", str(port)), ("smtp_starttls", "false"),
            ("smtp_from", "manyi@example.com"), ("dashboard_url", "https://manyi.example.com"),
        ):  # fmt: skip
            settings.set_setting(con, name, value)
        # No server listens yet: both fail, are said and recorded; nothing counts as sent.
        said = send(con, now, "test")
        assert len(said["failed"]) == 2 and not said["sent"]
        assert all("ConnectionRefusedError" in line for line in said["failed"])
    finally:
        con.close()
    inbox = SmtpInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        result = run_cli(db, "send", "--now", f"{now}")
        assert result.returncode == 0, result.stderr
        assert len(last_json(result)["sent"]) == 2
        again = run_cli(db, "send", "--now", f"{now}")  # nothing twice
        assert last_json(again) == {"sent": [], "skipped": [], "failed": []}
    finally:
        controller.stop()
    got = {m[0][0]: m[1] for m in inbox.messages}
    assert sorted(got) == ["boss@example.com", "east@example.com"] and len(inbox.messages) == 2
    month = subscriptions.last_period(now, "month")[1]
    quarter = subscriptions.last_period(now, "quarter")[1]
    boss, east = got["boss@example.com"], got["east@example.com"]
    assert "满意度调查报告" in boss["Subject"] and month in boss["Subject"]
    assert "satisfaction report" in east["Subject"] and quarter in east["Subject"]
    (pdf,) = list(boss.iter_attachments())
    assert pdf.get_filename() == f"manyi-dealer-sales-{month}.pdf"
    assert pdf.get_content().startswith(b"%PDF")
    assert "https://manyi.example.com/report?lang=zh&q=dealer-sales" in boss.get_body().get_content()
    (xlsx,) = list(east.iter_attachments())
    assert xlsx.get_filename() == f"manyi-dealer-sales-{quarter}.xlsx"
    sheets = pl.read_excel(io.BytesIO(xlsx.get_content()), sheet_id=0)
    assert len(sheets) > 3
    con = open_warehouse(db)
    try:
        audits = con.execute(
            "select json_extract_string(detail, '$.sent_to'), json_extract_string(detail, '$.period'), "
            "json_extract(detail, '$.filters.regions')::varchar from v_audit "
            "where event = 'report' and json_extract(detail, '$.ok')::boolean order by 1"
        ).fetchall()
        # made as each subscriber: the engineer's report is limited to their region
        assert audits == [("boss@example.com", month, "null"), ("east@example.com", quarter, '["华东"]')]
        listed = {r["user_name"]: r["last_sent"] for r in subscriptions.listed(con)}
        assert listed == {
            "boss": subscriptions.last_period(now, "month")[0],
            "east": subscriptions.last_period(now, "quarter")[0],
        }
    finally:
        con.close()
