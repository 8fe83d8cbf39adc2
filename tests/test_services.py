"""Service visits (CONTRACT §9): an upload kind with the same all-or-nothing validation,
Chinese headers, GBK and XLSX, --replace and rollback as every kind."""

from __future__ import annotations

import io

import polars as pl
import pytest
from conftest import load_text, run_cli

from pipelines import store
from pipelines.errors import ValidationError
from warehouse import open_warehouse

GOOD = "服务单号,客户编号,服务日期,服务类型,员工编号,产品\nS1,C001,2026-03-02,保养,W01,整车\nS2,C002,2026-03-05,维修,,配件\n"


def test_service_visits_load_in_chinese_and_gbk_and_roll_back(con):
    result = load_text(con, "services", GOOD, encoding="gbk")
    assert result.rows == 2
    rows = con.execute(
        "select service_id, kind, service_date::varchar from stg_services order by 1"
    ).fetchall()
    assert rows == [("S1", "maintenance", "2026-03-02"), ("S2", "repair", "2026-03-05")]
    store.rollback(con, result.batch_id)
    assert con.execute("select count(*) from stg_services").fetchone()[0] == 0


def test_bad_service_rows_are_refused_all_together(con):
    text = "service_id,customer_id,service_date,kind\nS1,C001,2026-13-02,保养\nS1,C002,2026-03-05,洗车\n"
    with pytest.raises(ValidationError) as refused:
        load_text(con, "services", text)
    reasons = {(p.row, p.column, p.reason.split(";")[0]) for p in refused.value.problems}
    assert (2, "service_date", "not a date (use YYYY-MM-DD)") in reasons
    assert (3, "kind", "unknown value") in reasons
    assert any("duplicate id" in p.reason for p in refused.value.problems)
    assert con.execute("select count(*) from services").fetchone()[0] == 0


def test_an_xlsx_of_service_visits_loads_through_the_cli_and_a_changed_visit_needs_replace(db, tmp_path):
    frame = pl.read_csv(io.StringIO(GOOD), infer_schema=False)
    path = tmp_path / "维修保养.xlsx"
    frame.write_excel(path)
    loaded = run_cli(db, "load", "services", str(path))
    assert loaded.returncode == 0, loaded.stderr
    changed = tmp_path / "维修保养_更正.xlsx"
    frame.with_columns(pl.lit("其他").alias("服务类型")).write_excel(changed)
    refused = run_cli(db, "load", "services", str(changed))
    assert refused.returncode == 1 and "already loaded" in refused.stderr
    replaced = run_cli(db, "load", "services", str(changed), "--replace")
    assert replaced.returncode == 0, replaced.stderr
    con = open_warehouse(db)
    try:
        kinds = con.execute("select kind, count(*) from stg_services group by kind").fetchall()
    finally:
        con.close()
    assert kinds == [("other", 2)]
