"""The monthly call plan and the calls taken on it (CONTRACT §9), on hand-computed cases: each
rule, quiet days, the md5 service sample, planning twice, and every refusal of a call."""

from __future__ import annotations

import hashlib
import json
import math
import threading
from datetime import datetime

import pytest
from conftest import ROOT, load_text, run_cli

from pipelines import calls, store
from pipelines.errors import ValidationError
from warehouse import open_warehouse, users

MONTH = calls.month_start("2026-03")
SALES = """period,customer_id,product,shipments,revenue
2026-03,C1,整车,2,300000
2026-03,C2,整车,0,0
2026-03,C3,整车,1,200000
2025-06,C4,整车,3,6000000
2025-07,C5,整车,3,7000000
"""
SERVICES = """service_id,customer_id,service_date,kind
S1,C1,2026-03-02,保养
S6,C6,2026-03-03,维修
S7,C7,2026-03-09,保养
S8,C8,2026-03-15,保养
S9,C9,2026-03-31,维修
S10,C10,2026-03-04,保养
S0,C6,2026-02-27,保养
"""
# C3 dissatisfied in February (quiet, but resurveyed); C5 surveyed in January (a key account
# already surveyed this year); C10 quiet; C11 dissatisfied first, then satisfied (latest counts).
SURVEY = """response_id,customer_id,survey_date,a1,a2
R1,C3,2026-02-20,1,4
R2,C5,2026-01-10,4,4
R3,C10,2026-02-15,4,5
R4,C11,2026-02-05,2,3
R5,C11,2026-02-25,5,5
"""


def sample(customers: list[str], share: float, month: str = "2026-03") -> list[str]:
    """The contract's service sample, computed here with hashlib."""
    ordered = sorted(customers, key=lambda c: hashlib.md5(f"{c}:{month}".encode()).hexdigest())
    return sorted(ordered[: math.ceil(round(share * len(ordered), 9))])


@pytest.fixture
def planned(con):
    store.add_questionnaire(con, (ROOT / "tests" / "data" / "calls.toml").read_text(encoding="utf-8"))
    load_text(con, "sales", SALES)
    load_text(con, "services", SERVICES)
    load_text(con, "survey", SURVEY, questionnaire_id="tiny-calls")
    for name in ("agent-a", "agent-b"):
        users.add(con, name, "agent", "secret-pass-1", by="test")
    users.add(con, "boss", "admin", "secret-pass-1", by="test")
    return con


def plan_rows(con) -> dict[str, list[str]]:
    rows = con.execute(
        "select customer_id, reasons from v_call_plan where questionnaire_id = 'tiny-calls' order by 1"
    ).fetchall()
    return {c: list(r) for c, r in rows}


def test_the_plan_follows_every_rule_by_hand(planned):
    result = calls.plan(planned, "tiny-calls", MONTH, "test", ["agent-a", "agent-b"])
    sampled = sample(["C1", "C6", "C7", "C8", "C9"], 0.5)  # C10 is quiet: not in the pool
    assert len(sampled) == 3
    expected: dict[str, list[str]] = {"C1": ["new_sale"], "C3": ["resurvey"], "C4": ["key_account"]}
    for customer in sampled:
        expected.setdefault(customer, []).append("service")
    assert plan_rows(planned) == expected
    assert result == {
        "questionnaire_id": "tiny-calls", "month": "2026-03", "planned": len(expected),
        "added": len(expected), "assigned": len(expected),
    }  # fmt: skip
    # handed out in turn, by customer number
    agents = planned.execute(
        "select customer_id, assigned_to from v_call_plan order by customer_id"
    ).fetchall()
    assert [a for _, a in agents] == ["agent-a", "agent-b"] * (len(agents) // 2) + ["agent-a"] * (
        len(agents) % 2
    )
    ids = {r[0] for r in planned.execute("select call_id from v_call_plan").fetchall()}
    assert "tiny-calls-2026-03-C4" in ids
    # Planning again adds nothing; a new sale of the month is added alone, not handed out.
    assert calls.plan(planned, "tiny-calls", MONTH, "test")["added"] == 0
    load_text(planned, "sales", "period,customer_id,product,shipments,revenue\n2026-03,C12,整车,1,100\n")
    again = calls.plan(planned, "tiny-calls", MONTH, "test")
    assert (again["added"], again["planned"]) == (1, len(expected) + 1)
    assert plan_rows(planned)["C12"] == ["new_sale"]
    assert planned.execute("select assigned_to from v_call_plan where customer_id = 'C12'").fetchone() == (
        None,
    )


def test_share_rounding_and_unknown_plans_are_said_in_words(planned):
    # 0.07 x 100 is 7.000000000000001 in floating point: the sample is 7 customers, not 8
    assert 0.07 * 100 > 7
    text = (ROOT / "tests" / "data" / "calls.toml").read_text(encoding="utf-8")
    text = text.replace('id = "tiny-calls"', 'id = "share-7"').replace(
        "service_share = 0.5", "service_share = 0.07"
    )
    store.add_questionnaire(planned, text)
    visits = "".join(f"V{n},D{n:03d},2026-04-10,保养\n" for n in range(100))
    load_text(planned, "services", "service_id,customer_id,service_date,kind\n" + visits)
    calls.plan(planned, "share-7", calls.month_start("2026-04"), "t")
    found = planned.execute(
        "select customer_id from v_call_plan where questionnaire_id = 'share-7' and list_contains(reasons, 'service')"
    ).fetchall()
    pool = [f"D{n:03d}" for n in range(100)]
    assert sorted(c for (c,) in found) == sample(pool, 0.07, "2026-04") and len(found) == 7
    with pytest.raises(calls.CallError, match="unknown questionnaire 'nothing'"):
        calls.plan(planned, "nothing", MONTH, "t")
    store.add_questionnaire(planned, (ROOT / "tests" / "data" / "tiny.toml").read_text(encoding="utf-8"))
    with pytest.raises(calls.CallError, match="no \\[calls\\] rules"):
        calls.plan(planned, "tiny", MONTH, "t")
    with pytest.raises(calls.CallError, match="not an active agent: nobody"):
        calls.plan(planned, "tiny-calls", MONTH, "t", ["nobody"])
    with pytest.raises(calls.CallError, match="not YYYY-MM"):
        calls.month_start("2026-13")


def _first_call(con, agent: str = "agent-a") -> str:
    return con.execute(
        "select call_id from v_call_plan where assigned_to = ? order by call_id limit 1", [agent]
    ).fetchone()[0]


def test_a_completed_call_writes_its_attempt_and_response_in_one_go(planned):
    calls.plan(planned, "tiny-calls", MONTH, "test", ["agent-a", "agent-b"])
    call = _first_call(planned)
    at = datetime(2026, 3, 20, 10, 30)
    done = calls.record(
        planned, call, "完成", "agent-a", answers={"a1": "满意", "a2": "2"}, comment="还行", at=at
    )
    assert (done["status"], done["attempt"], done["response_id"]) == ("completed", 1, call)
    response = planned.execute(
        "select customer_id, survey_date::varchar, channel, subject, comment from stg_responses where response_id = ?",
        [call],
    ).fetchone()
    assert response[1:] == ("2026-03-20", "phone", "own", "还行")
    contact = planned.execute(
        "select contact_id, outcome, agent, channel, contacted_at from stg_contacts where call_id = ?", [call]
    ).fetchone()
    assert contact == (f"{call}-1", "completed", "agent-a", "phone", at)
    row = planned.execute(
        "select status, attempts, last_outcome from v_call_plan where call_id = ?", [call]
    ).fetchone()
    assert row == ("completed", 1, "completed")
    kpis = planned.execute(
        "select planned, reached, completed, callback_success_pct from v_agent_kpis "
        "where period_grain = 'month' and agent = 'agent-a'"
    ).fetchone()
    assert kpis == (1, 1, 1, 100.0)
    with pytest.raises(calls.CallError, match="closed \\(completed\\)"):
        calls.record(planned, call, "refused", "agent-a")


def test_three_unreached_attempts_close_a_call_and_count_once(planned):
    calls.plan(planned, "tiny-calls", MONTH, "test", ["agent-a"])
    call = _first_call(planned)
    callback = datetime(2026, 3, 22, 15, 0)
    calls.record(planned, call, "unreached", "agent-a", at=datetime(2026, 3, 21, 9, 0), callback_at=callback)
    row = planned.execute(
        "select status, attempts, callback_at from v_call_plan where call_id = ?", [call]
    ).fetchone()
    assert row == ("open", 1, callback)
    calls.record(planned, call, "unreached", "agent-a", at=datetime(2026, 3, 22, 15, 5))
    calls.record(planned, call, "unreached", "agent-a", at=datetime(2026, 3, 23, 15, 5))
    row = planned.execute(
        "select status, attempts, callback_at from v_call_plan where call_id = ?", [call]
    ).fetchone()
    assert row == ("unreached", 3, None)
    kpis = planned.execute(
        "select planned, reached from v_contact_kpis where period_grain = 'month' and period_start = '2026-03-01'"
    ).fetchone()
    assert kpis == (1, 0)  # three attempts, one planned contact


def test_bad_calls_are_refused_in_words_and_write_nothing(planned):
    calls.plan(planned, "tiny-calls", MONTH, "test", ["agent-a", "agent-b"])
    mine, theirs = _first_call(planned), _first_call(planned, "agent-b")
    before = planned.execute("select count(*) from contacts").fetchone()[0]
    with pytest.raises(ValidationError) as outside:
        calls.record(planned, mine, "completed", "agent-a", answers={"a1": "9"})
    assert "not a level" in outside.value.problems[0].reason
    with pytest.raises(ValidationError) as missing:
        calls.record(planned, mine, "completed", "agent-a", answers={"a2": "4"})
    assert missing.value.problems[0].column == "a1"
    with pytest.raises(calls.CallError, match="not yours"):
        calls.record(planned, theirs, "refused", "agent-a")
    with pytest.raises(calls.CallError, match="no call"):
        calls.record(planned, "tiny-calls-2026-03-C999", "refused", "agent-a")
    with pytest.raises(calls.CallError, match="no item"):
        calls.record(planned, mine, "completed", "agent-a", answers={"zz": "4"})
    with pytest.raises(calls.CallError, match="callback time goes with an unreached"):
        calls.record(planned, mine, "refused", "agent-a", callback_at=datetime(2026, 3, 30, 9))
    assert planned.execute("select count(*) from contacts").fetchone()[0] == before
    assert (
        planned.execute("select count(*) from responses where response_id like 'tiny-calls-%'").fetchone()[0]
        == 0
    )
    # an admin may record any call
    assert calls.record(planned, theirs, "refused", "boss", role="admin")["status"] == "refused"


def test_a_call_saved_twice_at_once_makes_one_response(planned, db):
    calls.plan(planned, "tiny-calls", MONTH, "test", ["agent-a"])
    call = _first_call(planned)
    results: list = []

    def save() -> None:
        con = open_warehouse(db)
        try:
            calls.record(con, call, "completed", "agent-a", answers={"a1": "5"}, seen_attempts=0)
            results.append("saved")
        except (calls.CallError, ValidationError) as exc:
            results.append(str(exc))
        finally:
            con.close()

    threads = [threading.Thread(target=save) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results)[-1] == "saved" and results.count("saved") == 1, results
    assert (
        planned.execute("select count(*) from stg_responses where response_id = ?", [call]).fetchone()[0] == 1
    )
    assert planned.execute("select count(*) from stg_contacts where call_id = ?", [call]).fetchone()[0] == 1


def test_the_cli_plans_and_records_and_the_number_is_shown_once_audited(planned, db):
    planned.close()
    out = run_cli(
        db, "calls", "plan", "--questionnaire", "tiny-calls", "--month", "2026-03", "--assign", "agent-a"
    )
    assert out.returncode == 0, out.stderr
    summary = json.loads(out.stdout.strip().splitlines()[-1])
    assert summary["added"] == summary["planned"] > 0
    con = open_warehouse(db)
    try:
        call = _first_call(con)
    finally:
        con.close()
    refused = run_cli(
        db, "calls", "record", call, "--outcome", "completed", "--answer", "a1=7", "--user", "agent-a"
    )
    assert refused.returncode == 1 and "not a level" in refused.stderr
    done = run_cli(
        db, "calls", "record", call, "--outcome", "completed", "--answer", "a1=4", "--comment", "好",
        "--at", "2026-03-20 10:00", "--user", "agent-a",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1])["status"] == "completed"
    other = run_cli(db, "calls", "record", call, "--outcome", "refused", "--user", "agent-a")
    assert other.returncode == 1 and "closed" in other.stderr
    con = open_warehouse(db)
    try:
        load_text(con, "customers", "customer_id,name,phone\nC4,华北客户,13912345678\n")
        key_call = "tiny-calls-2026-03-C4"
        assert calls.unmasked(con, key_call, "agent-a") == "13912345678"
        events = con.execute("select detail from v_audit where event = 'call'").fetchall()
        assert [json.loads(e[0])["call_id"] for e in events] == [key_call]
        with pytest.raises(calls.CallError, match="not an open call of yours"):
            calls.unmasked(con, key_call, "agent-b")
        with pytest.raises(calls.CallError, match="not an open call of yours"):
            calls.unmasked(con, call, "agent-a")  # closed
    finally:
        con.close()


def test_a_file_row_without_a_required_answer_loads_and_is_counted(planned):
    """CONTRACT §9: a file row without a required item loads; v_data_quality counts it."""
    load_text(
        planned,
        "survey",
        "response_id,customer_id,survey_date,a1,a2\nX1,C1,2026-01-05,,4\nX2,C2,2026-01-05,4,\n",
        questionnaire_id="tiny-calls",
    )
    found = planned.execute(
        "select records, affected from v_data_quality where kind = 'survey' and check_name = 'required_missing'"
    ).fetchone()
    assert found == (7, 1)  # R1-R5 and X2 answer a1; X1 does not
    assert planned.execute(
        "select item_id, required from q_items where questionnaire_id = 'tiny-calls' order by item_id"
    ).fetchall() == [("a1", True), ("a2", False)]
