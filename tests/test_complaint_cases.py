"""Complaint cases (CONTRACT §10): deadlines by the company calendar, every step a version
written through the load's validation, out-of-order steps and stale cases refused."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import load_text

from pipelines import complaints
from pipelines.complaints import ComplaintError
from pipelines.errors import ValidationError
from warehouse import users

HEADER = "complaint_id,customer_id,received_at,cause_category,cause,severity,responsible_dept,first_response_at,verified_at\n"


def case(con, complaint_id: str) -> dict:
    cur = con.execute("select * from v_complaint_cases where complaint_id = ?", [complaint_id])
    names = [d[0] for d in cur.description]
    return dict(zip(names, cur.fetchone(), strict=True))


def test_deadlines_follow_the_2025_national_day_holiday_and_its_make_up_days(con):
    # 2025: 10-01 to 10-08 off; Sunday 09-28 and Saturday 10-11 are working days (调休).
    load_text(
        con,
        "complaints",
        HEADER
        + "N1,C001,2025-09-30 10:00,法,交车延误,high,销售部,2025-10-01 09:00,2025-10-11 16:00\n"
        + "N2,C002,2025-09-26 15:00,料,异响,low,质量部,2025-09-28 08:00,2025-10-09 09:00\n"
        + "N3,C003,2025-09-30 10:00,人,态度,,,2025-10-01 11:00,2025-10-13 09:00\n",
    )
    n1, n2, n3 = case(con, "N1"), case(con, "N2"), case(con, "N3")
    # N1: answered 23 h after; the third working day after 09-30 is the make-up Saturday 10-11.
    assert n1["respond_due_at"] == dt.datetime(2025, 10, 1, 10, 0)
    assert n1["verify_due_date"] == dt.date(2025, 10, 11)
    assert (n1["is_respond_late"], n1["is_verify_late"], n1["status"]) == (False, False, "verified")
    # N2 (Friday 09-26): working days 09-28 (Sunday, make-up), 09-29, 09-30 -> due 09-30; the
    # answer 41 h after is late, the verification on 10-09 too.
    assert n2["verify_due_date"] == dt.date(2025, 9, 30)
    assert (n2["is_respond_late"], n2["is_verify_late"]) == (True, True)
    # N3: answered 25 h after (late); verified on Monday 10-13, the 4th working day: late.
    assert (n3["is_respond_late"], n3["is_verify_late"], n3["status"]) == (True, True, "verified")
    assert n1["versions"] == 1 and n1["is_history"] is False


def _departments(con) -> None:
    """The quality and sales departments, each with a user (a handler is a user of Manyi)."""
    users.add(con, "王工", "department", "secret-pass-1", by="test", dept="质量部")
    users.add(con, "张工", "department", "secret-pass-1", by="test", dept="销售部")


def test_a_case_from_registration_to_closure_is_a_version_per_step(con):
    now = dt.datetime(2026, 3, 2, 9, 30)
    _departments(con)
    loaded = complaints.register(
        con,
        {"customer_id": "C001", "cause_category": "料", "cause": "异响", "severity": "high",
         "description": "新车异响", "channel": "phone"},
        "agent-li",
        now,
    )  # fmt: skip
    assert loaded.rows == 1
    (cid,) = con.execute("select complaint_id from v_complaint_cases").fetchone()
    assert cid.startswith("TS-20260302-")
    walk = [
        ("assign", {"responsible_dept": "质量部", "handler": "王工", "assigned_at": now}, "assigned"),
        ("respond", {"first_response_at": now + dt.timedelta(hours=3)}, "responded"),
        ("verify", {"verified_at": now + dt.timedelta(days=1), "is_valid": "valid"}, "verified"),
        ("plan", {"solution": "更换减震件", "promised_at": now + dt.timedelta(days=5)}, "verified"),
        ("resolve", {"resolved_at": now + dt.timedelta(days=4)}, "resolved"),
        ("inform", {"customer_informed_at": now + dt.timedelta(days=4, hours=2)}, "resolved"),
        ("accept", {"customer_accepted": "no"}, "verified"),  # a "no" reopens the case
        ("resolve", {"resolved_at": now + dt.timedelta(days=6)}, "resolved"),
        ("inform", {"customer_informed_at": now + dt.timedelta(days=6, hours=1)}, "resolved"),
        ("accept", {"customer_accepted": "yes"}, "resolved"),
        ("close", {"closed_at": now + dt.timedelta(days=7)}, "closed"),
    ]
    for n, (name, values, status) in enumerate(walk, start=2):
        before = case(con, cid)
        assert name in complaints.steps(before), (name, before["status"])
        complaints.step(con, before, name, values, "eng-wang")
        after = case(con, cid)
        assert (after["status"], after["versions"], after["updated_by"]) == (status, n, "eng-wang"), name
    final = case(con, cid)
    assert final["customer_accepted"] == "yes"
    answers = con.execute(
        "select customer_accepted from complaints_all_versions where complaint_id = ? and "
        "change_note = 'accept' order by loaded_at",
        [cid],
    ).fetchall()
    assert [a[0] for a in answers] == ["no", "yes"]  # the reopening "no" stays in the history
    assert final["is_promise_broken"] is True  # promised day 5, resolved day 6
    assert complaints.steps(final) == []
    history = con.execute(
        "select change_note from complaints_all_versions where complaint_id = ? order by loaded_at", [cid]
    ).fetchall()
    assert [h[0] for h in history] == ["register"] + [w[0] for w in walk]
    audited = con.execute(
        "select count(*) from v_audit where event = 'upload' and detail like ?", [f"%{cid}%"]
    )
    assert audited.fetchone()[0] == len(walk) + 1


def test_steps_out_of_order_and_stale_cases_are_refused_and_nothing_is_written(con):
    now = dt.datetime(2026, 3, 2, 9, 30)
    complaints.register(
        con, {"complaint_id": "K1", "customer_id": "C001", "cause_category": "人"}, "eng", now
    )
    first = case(con, "K1")
    with pytest.raises(ComplaintError, match="unknown department '质量部'"):
        complaints.step(con, first, "assign", {"responsible_dept": "质量部"}, "eng")
    _departments(con)
    with pytest.raises(ComplaintError, match="unknown handler '李四'"):
        complaints.step(con, first, "assign", {"responsible_dept": "质量部", "handler": "李四"}, "eng")
    with pytest.raises(ComplaintError, match="does not apply"):
        complaints.step(con, first, "close", {"closed_at": now}, "eng")
    with pytest.raises(ComplaintError, match="needs responsible_dept"):
        complaints.step(con, first, "assign", {"handler": "王工"}, "eng")
    with pytest.raises(ValidationError) as refused:  # the answer before the complaint came in
        complaints.step(con, first, "respond", {"first_response_at": now - dt.timedelta(hours=1)}, "eng")
    assert "is before received_at" in str(refused.value.problems[0])
    complaints.step(con, first, "assign", {"responsible_dept": "销售部"}, "eng")
    with pytest.raises(ComplaintError, match="changed meanwhile"):  # a second desk with the old case
        complaints.step(con, first, "assign", {"responsible_dept": "质量部"}, "other")
    assert case(con, "K1")["versions"] == 2 and case(con, "K1")["responsible_dept"] == "销售部"


def test_a_file_cannot_close_a_case_the_customer_was_not_told_of(con):
    text = (
        "complaint_id,customer_id,received_at,cause_category,resolved_at,closed_at,customer_accepted\n"
        "F1,C001,2026-01-05 09:00,法,2026-01-06 09:00,2026-01-07 09:00,\n"
        "F2,C001,2026-01-05 09:00,法,2026-01-06 09:00,,不接受\n"
    )
    with pytest.raises(ValidationError) as refused:
        load_text(con, "complaints", text)
    reasons = {(p.row, p.column, p.reason) for p in refused.value.problems}
    assert (2, "closed_at", "closing needs customer_informed_at") in reasons
    assert (3, "customer_accepted", "the customer's answer needs customer_informed_at") in reasons
    assert con.execute("select count(*) from complaints").fetchone()[0] == 0


def test_a_replacing_file_adds_a_version_of_the_case(con):
    load_text(
        con,
        "complaints",
        "complaint_id,customer_id,received_at,cause_category\nR1,C001,2026-01-05 09:00,法\n",
    )
    load_text(
        con,
        "complaints",
        "投诉编号,客户编号,投诉时间,原因类别,责任部门,处理人,核实时间,核实结论\n"
        "R1,C001,2026-01-05 09:00,法,售后服务部,李工,2026-01-06 10:00,属实\n",
        replace=True,
    )
    found = case(con, "R1")
    assert (found["versions"], found["status"], found["is_valid"], found["handler"]) == (
        2,
        "verified",
        "valid",
        "李工",
    )


def test_a_case_lists_the_corrective_actions_made_from_it(con):
    from pipelines import actions
    from warehouse.sql import query

    now = dt.datetime(2026, 3, 2, 9, 30)
    complaints.register(
        con,
        {"complaint_id": "A1", "customer_id": "C001", "cause_category": "料", "cause": "异响"},
        "eng",
        now,
    )
    for customer, title in (("C001", "换供应商"), ("C002", "别的客户")):
        record = actions.draft(
            now.date(),
            source="complaint",
            customer_id=customer,
            cause_category="material",
            cause="异响",
            title=title,
            responsible_dept="采购部",
            owner="李工",
        )
        actions.save(con, record, "eng", "create")
    found = query(con, "queries/case_actions", {"customer": "C001", "category": "material", "cause": "异响"})
    assert found["title"].to_list() == ["换供应商"] and found["status"].to_list() == ["planned"]
