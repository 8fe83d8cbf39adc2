"""The command line exactly as CONTRACT.md §3 describes it."""

from __future__ import annotations

import csv
import io
import json

import pytest
from conftest import DATA, EXAMPLES, last_json, run_cli

from warehouse import open_warehouse
from warehouse.lake import data_dir


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


@pytest.mark.parametrize(
    ("name", "value"), [("MANYI_COMPACT_MEMORY", "lots"), ("MANYI_COMPACT_AFTER_FILES", "forty")]
)
def test_a_bad_compaction_setting_refuses_the_load_before_it_writes(db, monkeypatch, name, value):
    """The load's compaction reads these after its commit; a value it cannot use must stop the
    load before anything is written, with one line naming the variable, not a traceback."""
    _setup(db)
    monkeypatch.setenv(name, value)
    result = run_cli(db, "load", "survey", str(DATA / "survey_ok.csv"), "--questionnaire", "dealer-sales")
    assert result.returncode == 1
    assert result.stderr.strip().startswith(f"configuration: {name} must be")
    assert "Traceback" not in result.stderr
    monkeypatch.delenv(name)
    assert json.loads(run_cli(db, "batches", check=True).stdout) == []


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
    sql = "select period_start, shipments from v_complaint_rate where period_grain = 'month' order by 1"
    rows = json.loads(run_cli(db, "query", sql, check=True).stdout)
    assert rows[0] == {"period_start": "2024-01-01", "shipments": 10}
    out = run_cli(
        db,
        "query",
        "select period_grain, sum(shipments) as s from v_complaint_rate group by 1 order by 1",
        "--format",
        "csv",
        check=True,
    )
    assert list(csv.reader(io.StringIO(out.stdout))) == [
        ["period_grain", "s"],
        ["month", "45"],
        ["quarter", "45"],
        ["year", "45"],
    ]
    for sql in ("delete from sales", "create table x (i int)", "select 1; delete from sales", "selec oops"):
        result = run_cli(db, "query", sql)
        assert result.returncode == 1 and "Traceback" not in result.stderr, sql
    count = json.loads(
        run_cli(
            db,
            "query",
            "select sum(shipments) as n from v_complaint_rate where period_grain = 'year'",
            check=True,
        ).stdout
    )
    assert count == [{"n": 45}]


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
    con = open_warehouse(db)
    assert con.execute("select is_workday from work_calendar where day = '2025-12-31'").fetchall() == [
        (False,)
    ]
    con.close()


ESCAPES = [
    "select content from read_text('/etc/passwd')",
    "select * from read_csv('/etc/passwd')",
    "select * from read_blob('/etc/hostname')",
    "select * from glob('/root/*')",
    "select * from '/etc/passwd'",
    "select phone from customers",
    "select * from lake.main.audit_log",
    "select * from audit_log",
    "select (select max(phone) from customers) as p from v_csi_period",
    "with customers as (select * from customers) select * from customers",
    "select * from sqlite_scan('x', 'ducklake_snapshot')",
    "select * from read_parquet('/tmp/*.parquet')",
    "select * from ducklake_merge_adjacent_files('lake')",
    "select * from ducklake_snapshots('lake')",
    "select * from query_table('customers')",
    "pragma database_list",
    "set enable_external_access = true",
    "select 1; select 2",
    "with duckdb_views as (select * from duckdb_views) select * from duckdb_views",
    "with duckdb_tables as (select * from duckdb_tables) select * from duckdb_tables",
    "with duckdb_databases as (select * from duckdb_databases) select path from duckdb_databases",
    "with sqlite_master as (select * from sqlite_master) select * from sqlite_master",
    "select * from duckdb_databases",
    "show tables",
    "show databases",
    "describe v_csi_response",
    "summarize v_csi_response",
    "select * from (show tables)",
    "select current_setting('allowed_paths') as p from v_csi_period",
]


@pytest.mark.parametrize("sql", ESCAPES)
def test_query_refuses_everything_but_the_public_views(db, sql):
    run_cli(db, "load", "customers", str(DATA / "customers_ok.csv"), check=True)
    files = sorted(p.name for p in data_dir(db).rglob("*"))
    result = run_cli(db, "query", sql)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "138" not in result.stdout and "root" not in result.stdout
    assert sorted(p.name for p in data_dir(db).rglob("*")) == files


def test_query_cannot_travel_back_to_rolled_back_rows(db):
    """Rollback means gone for every reader but the audit trail: no AT (VERSION => …)."""
    _setup(db)
    loaded = last_json(run_cli(db, "load", "sales", str(DATA / "sales_ok.csv"), check=True))
    con = open_warehouse(db)
    before = con.execute("select max(snapshot_id) from ducklake_snapshots('lake')").fetchall()[0][0]
    con.close()
    run_cli(db, "rollback", loaded["batch_id"], check=True)
    now = json.loads(run_cli(db, "query", "select count(*) as n from v_complaint_rate", check=True).stdout)
    assert now == [{"n": 0}]
    for sql in (
        f"select count(*) as n from v_complaint_rate at (version => {before})",
        "select count(*) as n from v_complaint_rate at (timestamp => now() - interval 1 hour)",
        f"with c as (select * from v_complaint_rate at (version => {before})) select count(*) from c",
    ):
        result = run_cli(db, "query", sql)
        assert result.returncode == 1 and "time travel" in result.stderr, sql
        assert result.stdout == ""


def test_query_stops_at_its_time_and_memory_limits(db):
    _setup(db)
    run_cli(db, "load", "sales", str(DATA / "sales_ok.csv"), check=True)
    run_cli(db, "setting", "set", "query_timeout_seconds", "2", check=True)
    run_cli(db, "setting", "set", "query_memory_mb", "256", check=True)
    # Over a small view: a large one crossed with these rows may pass the memory limit first.
    endless = (
        "with recursive r(i) as (select 1 union all select i + 1 from r) select count(*) from r, v_audit"
    )
    crossed = (
        "with recursive r(i) as (select 1 union all select i + 1 from r where i < 1000) "
        "select count(*) from r a, r b, r c, r d, v_audit"
    )
    for sql in (endless, crossed):
        result = run_cli(db, "query", sql)
        assert result.returncode == 1 and "Traceback" not in result.stderr, sql
        assert "longer than 2 s (setting query_timeout_seconds)" in result.stderr, result.stderr
    run_cli(db, "setting", "set", "query_timeout_seconds", "600", check=True)
    hog = run_cli(db, "query", "select len(list_sort(range(1e9::bigint))) as x from v_complaint_rate")
    assert hog.returncode == 1 and "Traceback" not in hog.stderr
    assert "memory limit of 256 MiB (setting query_memory_mb)" in hog.stderr
    refused = run_cli(db, "setting", "set", "query_timeout_seconds", "0")
    assert refused.returncode == 1 and "from 1 to 86,400" in refused.stderr


def test_query_says_how_to_name_the_audit_time(db):
    _setup(db)
    failed = run_cli(db, "query", "select at, event from v_audit order by at")
    assert failed.returncode == 1 and 'write it in double quotes, "at"' in failed.stderr
    assert run_cli(db, "query", 'select "at", event from v_audit order by "at"').returncode == 0


def test_query_writes_list_columns_to_csv_as_json(db):
    _setup(db)
    out = run_cli(
        db,
        "query",
        "select [1, 2] as l, {'a': 'x'} as s, 3 as n from v_complaint_rate "
        "union all select [3], {'a': '中'}, 4",
        "--format",
        "csv",
        check=True,
    )
    assert list(csv.reader(io.StringIO(out.stdout))) == [["l", "s", "n"], ["[3]", '{"a": "中"}', "4"]]


def test_every_public_view_answers_through_query(db):
    from warehouse.public import PUBLIC_VIEWS

    run_cli(db, "load", "complaints", str(DATA / "complaints_ok.csv"), check=True)
    for view in sorted(PUBLIC_VIEWS):
        result = run_cli(db, "query", f"select count(*) as n from {view}")
        assert result.returncode == 0, (view, result.stderr)
    rows = last_json(
        run_cli(
            db,
            "query",
            "with c as (select * from v_complaint_pareto) select sum(complaints) as n from c where period_grain = 'year'",
            check=True,
        )
    )
    assert rows == [{"n": 3}]


def test_a_mistyped_warehouse_is_an_error_not_a_new_one(tmp_path):
    missing = tmp_path / "typo" / "manyi.duckdb"
    for args in (("query", "select 1"), ("batches",), ("setting", "list")):
        result = run_cli(missing, *args)
        assert (
            result.returncode == 1 and "no warehouse at" in result.stderr and "Traceback" not in result.stderr
        )
    assert not missing.parent.exists()
