"""Alerts (CONTRACT §11): the control-limit rules against a hand-computed case with a known
shift and a stable series, the threshold rules, each alert recorded once, the CLI."""

from __future__ import annotations

import datetime as dt
import json
import math

import numpy as np
import pytest
from conftest import SmtpInbox, free_port, load_text, run_cli

from pipelines import alerts, store

TOML = """
id = "alert-q"
title = "预警测试"
scope = "sales"
[[scales]]
id = "l5"
levels = [
  { value = 1, label = "非常不满意", dissatisfied = true },
  { value = 2, label = "不满意", dissatisfied = true },
  { value = 3, label = "一般" },
  { value = 4, label = "满意", satisfied = true },
  { value = 5, label = "非常满意", satisfied = true },
]
[[dimensions]]
id = "A"
label = "服务"
[[items]]
id = "a1"
column = "a1"
dimension = "A"
scale = "l5"
"""
STABLE = [5, 4, 4, 3, 5, 4, 2, 4, 5, 4]  # one answer in ten dissatisfied
SHIFTED = [4, 3, 3, 2, 4, 3, 2, 3, 4, 2]  # the last month: three in ten


def survey(months: dict[str, list[int]], per_month: int = 40) -> str:
    """A survey file: `per_month` responses each month, answers cycling through its list."""
    rows = ["response_id,customer_id,survey_date,a1"]
    for month, answers in months.items():
        for n in range(per_month):
            rows.append(f"{month}-{n:03d},C{n:03d},{month}-{1 + n % 28:02d},{answers[n % len(answers)]}")
    return "\n".join(rows) + "\n"


BASELINE = {f"2025-{m:02d}": STABLE for m in range(1, 13)}


@pytest.fixture
def alerting(con):
    store.add_questionnaire(con, TOML)
    return con


def checks(con, rule: str, month: str) -> dict | None:
    rows = con.execute(
        "select * from alert_checks where rule = ? and questionnaire_id = 'alert-q' and period_start = ?",
        [rule, f"{month}-01"],
    ).pl()
    return rows.row(0, named=True) if rows.height else None


def test_a_real_drop_fires_csi_low_and_dissatisfied_high_with_the_hand_computed_limits(alerting):
    load_text(alerting, "survey", survey({**BASELINE, "2026-01": SHIFTED}), questionnaire_id="alert-q")
    base = np.array([(a - 1) / 4 * 100 for a in STABLE] * 4 * 12, dtype=float)  # 12 months x 40
    month = np.array([(a - 1) / 4 * 100 for a in SHIFTED] * 4, dtype=float)
    centre, sd, n = base.mean(), base.std(ddof=1), len(month)
    low = checks(alerting, "csi_low", "2026-01")
    assert low["fired"] and low["n"] == n == 40
    assert low["value"] == pytest.approx(month.mean())
    assert low["center"] == pytest.approx(centre)
    assert low["lower_limit"] == pytest.approx(centre - 3 * sd / math.sqrt(n))
    share = np.mean([a <= 2 for a in STABLE])
    high = checks(alerting, "dissatisfied_high", "2026-01")
    assert high["upper_limit"] == pytest.approx(100 * (share + 3 * math.sqrt(share * (1 - share) / n)))
    assert high["value"] == pytest.approx(30.0) and high["fired"]
    # Six months of baseline at least: 2025-07 has six months before it, 2025-06 has five.
    assert (
        checks(alerting, "csi_low", "2025-07") is not None and checks(alerting, "csi_low", "2025-06") is None
    )
    done = alerts.run(alerting, now=dt.date(2026, 2, 10))
    fired = {a for a in done["alerts"] if "alert-q" in a}
    assert {"csi_low:alert-q|sales|*:2026-01", "dissatisfied_high:alert-q|sales|*:2026-01"} <= fired
    assert alerts.run(alerting, now=dt.date(2026, 2, 10))["new"] == 0  # once each


def test_a_stable_series_fires_no_control_limit(alerting):
    load_text(alerting, "survey", survey({**BASELINE, "2026-01": STABLE}), questionnaire_id="alert-q")
    found = alerting.execute(
        "select count(*) filter (where fired), count(*) from alert_checks "
        "where rule in ('csi_low', 'dissatisfied_high') and questionnaire_id = 'alert-q'"
    ).fetchone()
    assert found == (0, 14)  # 2025-07 … 2026-01, two rules


def test_too_few_responses_are_not_judged(alerting):
    load_text(
        alerting, "survey", survey({**BASELINE, "2026-01": SHIFTED}, per_month=20), questionnaire_id="alert-q"
    )
    assert checks(alerting, "csi_low", "2026-01") is None  # 20 < min_sample (30)


def test_the_current_month_waits_and_the_cli_runs_twice_without_a_second_alert(alerting, db):
    load_text(alerting, "survey", survey({**BASELINE, "2026-01": SHIFTED}), questionnaire_id="alert-q")
    alerting.close()
    early = run_cli(db, "alerts", "run", "--now", "2026-01-20")  # January is not whole yet
    assert early.returncode == 0, early.stderr
    assert not [a for a in json.loads(early.stdout.strip().splitlines()[-1])["alerts"] if ":2026-01" in a]
    first = json.loads(
        run_cli(db, "alerts", "run", "--now", "2026-02-01", check=True).stdout.strip().splitlines()[-1]
    )
    again = json.loads(
        run_cli(db, "alerts", "run", "--now", "2026-02-01", check=True).stdout.strip().splitlines()[-1]
    )
    assert "csi_low:alert-q|sales|*:2026-01" in first["alerts"] and again["new"] == 0
    shown = run_cli(
        db, "query", "select rule, value, center, lower_limit, n from v_alerts where rule = 'csi_low'"
    )
    assert json.loads(shown.stdout.strip().splitlines()[-1])[0]["n"] == 40
    bad = run_cli(db, "alerts", "run", "--now", "2026-02-30")
    assert bad.returncode == 1 and "not a date" in bad.stderr


@pytest.fixture
def robot():
    """A chat robot's webhook receiver on 127.0.0.1 keeping every JSON body posted."""
    import http.server
    import threading

    bodies: list = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            bodies.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'{"errcode": 0}')

        def log_message(self, *args):
            return None

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/cgi-bin/webhook/send?key=test", bodies
    server.shutdown()


def test_alerts_go_by_e_mail_and_robot_once_and_a_failed_delivery_is_retried(alerting, robot, db):
    from aiosmtpd.controller import Controller

    from warehouse import settings, users

    url, bodies = robot
    port = free_port()
    for name, value in (
        ("smtp_host", "127.0.0.1"), ("smtp_port", str(port)), ("smtp_starttls", "false"),
        ("smtp_from", "manyi@example.com"), ("alert_webhooks", url),
        ("dashboard_url", "https://manyi.example.com/"),
    ):  # fmt: skip
        settings.set_setting(alerting, name, value)
    users.add(alerting, "eng", "engineer", "secret-pass-1", by="test", email="eng@example.com")
    users.add(alerting, "boss", "manager", "secret-pass-1", by="test", email="boss@example.com")
    users.add(alerting, "clerk", "analyst", "secret-pass-1", by="test", email="clerk@example.com")
    load_text(alerting, "survey", survey({**BASELINE, "2026-01": SHIFTED}), questionnaire_id="alert-q")
    recorded = alerts.run(alerting, now=dt.date(2026, 2, 10))
    # No SMTP server listens yet: the e-mails fail, are said and recorded; the robot gets its post.
    sent = alerts.deliver(alerting)
    assert sorted(line.split(":")[0] for line in sent["failed"]) == [
        "email boss@example.com",
        "email eng@example.com",
    ]
    assert len(sent["delivered"]) == 1 and len(bodies) == 1
    content = bodies[0]["markdown"]["content"]
    assert (
        bodies[0]["msgtype"] == "markdown"
        and "CSI 显著下降" in content
        and "csi_low:alert-q|sales|*:2026-01" in content
    )
    inbox = SmtpInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        # the failures again, by two runs at once (cron overlapping a hand run): each recipient
        # gets one message; the robot has had them all
        from concurrent.futures import ThreadPoolExecutor

        from warehouse import open_warehouse

        def one_run(_):
            own = open_warehouse(db)
            try:
                return alerts.deliver(own)
            finally:
                own.close()

        with ThreadPoolExecutor(2) as pool:
            runs = list(pool.map(one_run, range(2)))
        assert sorted(len(r["delivered"]) for r in runs) in ([0, 2], [1, 1]), runs
        assert not any(r["failed"] for r in runs) and len(bodies) == 1
        assert sorted(m[0][0] for m in inbox.messages) == [
            "boss@example.com",
            "eng@example.com",
        ]  # not the analyst
        mail = inbox.messages[0][1]
        assert "新预警" in mail["Subject"] and "new alerts" in mail["Subject"]
        body = mail.get_content()
        assert "CSI 显著下降" in body and "CSI dropped" in body and str(recorded["new"]) in body
        # each alert links to the page and filters that show it, in the reader's language
        for lang in ("zh", "en"):
            assert (
                f"https://manyi.example.com/overview?lang={lang}&grain=month&from=2026-01-01&to=2026-01-31"
                "&q=alert-q&scope=sales" in body
            )
        assert alerts.deliver(alerting) == {"delivered": [], "failed": []}  # nothing twice
    finally:
        controller.stop()
    delivered = alerting.execute(
        "select delivered from v_alerts where alert_id = 'csi_low:alert-q|sales|*:2026-01'"
    ).fetchone()[0]
    assert delivered == ["inbox", "email", "webhook"]
    tries = alerting.execute(
        "select count(*) from v_audit where event = 'alert' and detail like '%\"ok\": false%'"
    ).fetchone()[0]
    assert tries == 2


def test_alert_settings_are_refused_in_words():
    from warehouse.settings import SettingError, check

    for name, value, words in (
        ("smtp_from", "not-an-address", "not an e-mail address"),
        ("alert_webhooks", "ftp://x, http://ok.example/hook", r"not an http\(s\) URL: ftp://x"),
        ("alert_roles", "manager,boss", "unknown roles boss"),
        ("smtp_starttls", "maybe", "true or false"),
        ("dashboard_url", "manyi.example.com", r"not an http\(s\) URL"),
    ):
        with pytest.raises(SettingError, match=words):
            check(name, value)
    assert check("alert_roles", " manager , agent ") == "manager,agent"


def test_a_serious_complaint_is_escalated_at_once_and_a_closed_or_past_one_is_not(alerting):
    """Issue 38, 5: an open high or critical complaint is an alert as soon as it is registered
    (its month need not be over); a medium one, a closed one and a history one are not."""
    header = "投诉编号,客户编号,投诉时间,原因类别,原因,严重程度,解决时间,告知客户时间,关闭时间,客户确认\n"
    load_text(
        alerting, "complaints",
        header + "S1,C1,2026-02-03 09:00,法,交付延期,高,,,,\n"
        "S2,C2,2026-02-04 09:00,料,异响,中,,,,\n"
        "S3,C3,2026-02-05 09:00,料,漏油,严重,2026-02-06 09:00,2026-02-06 10:00,2026-02-07 09:00,yes\n",
    )  # fmt: skip
    load_text(alerting, "complaints", header + "S4,C4,2025-03-01 09:00,料,漏油,严重,,,,\n", history=True)
    found = alerts.run(alerting, now=dt.date(2026, 2, 10))
    serious = sorted(a for a in found["alerts"] if a.startswith("complaint_serious"))
    assert serious == ["complaint_serious:S1:2026-02"]
    # the desk's escalation of one case records only that case's alerts, once
    load_text(alerting, "complaints", header + "S5,C5,2026-02-09 09:00,人,态度差,严重,,,,\n")
    one = alerts.run(alerting, now=dt.date(2026, 2, 10), complaint="S5")
    # (it is late too by now: its answer was due in 24 hours)
    assert "complaint_serious:S5:2026-02" in one["alerts"] and all(":S5:" in a for a in one["alerts"])
    assert alerts.run(alerting, now=dt.date(2026, 2, 10), complaint="S5")["new"] == 0
