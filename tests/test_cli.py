"""The command line exactly as CONTRACT.md §3 describes it."""

from __future__ import annotations

import csv
import io
import json

from conftest import DATA, EXAMPLES, last_json, run_cli


def _setup(db):
    run_cli(db, "questionnaire", "add", str(EXAMPLES / "dealer-sales.toml"), check=True)


def test_load_prints_json_summary_last_and_exits_0(db):
    _setup(db)
    result = run_cli(db, "load", "survey", str(DATA / "survey_ok.csv"), "--questionnaire", "dealer-sales")
    assert result.returncode == 0, result.stderr
    summary = last_json(result)
    assert summary["kind"] == "survey" and summary["rows"] == 4 and summary["status"] == "loaded"
    assert summary["batch_id"]
    again = run_cli(db, "load", "survey", str(DATA / "survey_ok.csv"), "--questionnaire", "dealer-sales")
    assert again.returncode == 0
    assert last_json(again)["status"] == "duplicate"
    assert last_json(again)["batch_id"] == summary["batch_id"]


def test_invalid_file_exits_1_with_report(db, tmp_path):
    _setup(db)
    bad = tmp_path / "bad.csv"
    bad.write_text("问卷编号,客户编号,调查日期,产品性能\nR1,C1,2025-01-01,8\n", encoding="utf-8")
    result = run_cli(db, "load", "survey", str(bad), "--questionnaire", "dealer-sales")
    assert result.returncode == 1
    assert "row 2, column '产品性能', value '8'" in result.stderr
    batches = run_cli(db, "batches", check=True)
    assert json.loads(batches.stdout) == []


def test_batches_and_rollback(db):
    _setup(db)
    loaded = last_json(run_cli(db, "load", "contacts", str(DATA / "contacts_ok.csv"), check=True))
    listed = json.loads(run_cli(db, "batches", check=True).stdout)
    assert [b["batch_id"] for b in listed] == [loaded["batch_id"]]
    rolled = run_cli(db, "rollback", loaded["batch_id"], check=True)
    assert last_json(rolled)["status"] == "rolled_back"
    assert run_cli(db, "rollback", loaded["batch_id"]).returncode == 1
    assert run_cli(db, "rollback", "no-such-batch").returncode == 1


def test_query_json_csv_and_refuses_writes(db):
    _setup(db)
    run_cli(db, "load", "sales", str(DATA / "sales_ok.csv"), check=True)
    out = run_cli(db, "query", "select period, revenue from sales order by period, revenue", check=True)
    rows = json.loads(out.stdout)
    assert rows[0] == {"period": "2024-01-01", "revenue": 3000000.0}
    out = run_cli(
        db,
        "query",
        "select customer_id, sum(shipments) as s from sales group by 1 order by 1",
        "--format",
        "csv",
        check=True,
    )
    assert list(csv.reader(io.StringIO(out.stdout))) == [["customer_id", "s"], ["C1", "40"], ["C2", "5"]]
    for sql in ("delete from sales", "create table x (i int)", "select 1; delete from sales", "selec oops"):
        assert run_cli(db, "query", sql).returncode == 1, sql
    count = json.loads(run_cli(db, "query", "select count(*) as n from sales", check=True).stdout)
    assert count == [{"n": 4}]


def test_questionnaire_errors_exit_1(db, tmp_path):
    bad = tmp_path / "q.toml"
    bad.write_text('id = "Bad Id"\ntitle = "x"\n', encoding="utf-8")
    result = run_cli(db, "questionnaire", "add", str(bad))
    assert result.returncode == 1
    assert "must match [a-z0-9-]+" in result.stderr


def test_setting_set_validates_and_the_newest_value_wins(db):
    assert run_cli(db, "setting", "set", "key_account_threshold", "abc").returncode == 1
    refused = run_cli(db, "setting", "set", "timezone", "Mars/Base")
    assert refused.returncode == 1 and "not a known time zone" in refused.stderr
    assert "Traceback" not in refused.stderr
    run_cli(db, "setting", "set", "key_account_threshold", "8000000", check=True)
    run_cli(db, "setting", "set", "key_account_threshold", "1000000", check=True)
    run_cli(db, "setting", "set", "calendar:2025-12-31", "holiday", check=True)
    listed = {s["name"]: s["value"] for s in last_json(run_cli(db, "setting", "list", check=True))}
    assert listed["key_account_threshold"] == "1000000" and listed["calendar:2025-12-31"] == "holiday"
    rows = last_json(
        run_cli(db, "query", "select is_workday from work_calendar where day = '2025-12-31'", check=True)
    )
    assert rows == [{"is_workday": False}]
