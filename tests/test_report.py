"""The monthly report (CONTRACT §6) through the CLI, as a person opens it: the PDF's text
(pdftotext) and fonts (pdffonts), the XLSX's sheets and numbers (fastexcel), the KPIs against
the public views for the same filters, masking, region limits and an empty period."""

from __future__ import annotations

import io
import shutil
import subprocess

import polars as pl
import pytest
from conftest import last_json, run_cli

from dashboard.report import ReportError, parse_period
from dashboard.report_files import make
from pipelines.demo import BAD_COMMENTS, build_demo, demo_files
from warehouse import open_warehouse

PHONE = "13812345678"
PERIOD = "2026-09"

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    """The demo (a third of it) with a phone number in one dissatisfied comment of the period."""
    files = demo_files(0.3)
    for n, (kind, name, frame, encoding, qid) in enumerate(files):
        if qid == "dealer-sales" and name.endswith("2026.csv"):
            bad = sorted({c for texts in BAD_COMMENTS.values() for c in texts})
            hit = pl.col("调查日期").str.starts_with(PERIOD) & pl.col("意见建议").is_in(bad)
            first = frame.with_row_index().filter(hit)["index"][0]
            changed = frame.with_columns(
                pl.when(pl.int_range(pl.len()) == first)
                .then(pl.concat_str(pl.col("意见建议"), pl.lit(f"，请回电 {PHONE}")))
                .otherwise(pl.col("意见建议"))
                .alias("意见建议")
            )
            files[n] = (kind, name, changed, encoding, qid)
    path = tmp_path_factory.mktemp("report") / "demo.duckdb"
    build_demo(path, files=files, log=lambda m: None)
    return path


def pdf_text(path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def views(db, sql, params=()):
    con = open_warehouse(db)
    try:
        return con.execute(sql, list(params)).fetchone()
    finally:
        con.close()


def expected_kpis(db) -> dict:
    """The period's KPIs from the public views (CONTRACT §4), not from the report's code."""
    start = "2026-09-01"
    csi, responses = views(
        db,
        "select sum(csi * responses) / sum(responses), sum(responses) from v_csi_period "
        "where period_grain = 'month' and period_start = ?::date and questionnaire_id = 'dealer-sales'",
        [start],
    )
    (complaint,) = views(
        db,
        "select complaint_rate_pct from v_complaint_rate where period_grain = 'month' and period_start = ?::date",
        [start],
    )
    (callback,) = views(
        db,
        "select 100.0 * sum(reached) / sum(planned) from v_contact_kpis "
        "where period_grain = 'month' and period_start = ?::date",
        [start],
    )
    (coverage,) = views(
        db,
        "select coverage_pct from v_sample_coverage where period_grain = 'month' "
        "and period_start = ?::date and questionnaire_id = 'dealer-sales'",
        [start],
    )
    return {
        "csi": csi,
        "responses": responses,
        "complaint_rate_pct": complaint,
        "callback_pct": callback,
        "coverage_pct": coverage,
    }


def test_periods_set_the_grain():
    assert parse_period("2026-10").grain == "month"
    assert (parse_period("2026-Q3").start.isoformat(), parse_period("2026-Q3").end.isoformat()) == (
        "2026-07-01",
        "2026-09-30",
    )
    half = parse_period("2026-H2")
    assert (half.grain, half.start.month, half.end.isoformat()) == ("half", 7, "2026-12-31")
    assert parse_period("2026").end.isoformat() == "2026-12-31"
    for bad in ("2026-13", "26-10", "2026-Q5", "October"):
        with pytest.raises(ReportError):
            parse_period(bad)


@needs_poppler
def test_the_pdf_names_its_period_and_filters_embeds_fonts_and_agrees_with_the_views(warehouse, tmp_path):
    out = tmp_path / "report.pdf"
    result = run_cli(
        warehouse,
        "report",
        "--questionnaire",
        "dealer-sales",
        "--period",
        PERIOD,
        "--out",
        str(out),
        check=True,
    )
    summary = last_json(result)
    assert summary["file"] == str(out) and summary["format"] == "pdf" and summary["period"] == PERIOD
    assert summary["pages"] >= 4
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
    assert f"Pages:           {summary['pages']}" in info
    text = pdf_text(out)
    for words in (
        "满意度调查报告",
        "销售服务满意度回访",
        PERIOD,
        "口径",
        "客户类别",
        "区域",
        "全部",
        "生成时间",
    ):
        assert words in text, words
    for heading in ("关键指标", "CSI 趋势", "维度得分", "题目评价分布", "不满意题目帕累托", "投诉原因帕累托"):
        assert heading in text, heading
    for heading in (
        "人机料法测环汇总",
        "客户声音（意见话题）",
        "竞品对比",
        "重点客户 CSI",
        "纠正措施",
        "不满意客户意见",
    ):
        assert heading in text, heading
    expected = expected_kpis(warehouse)
    kpis = summary["kpis"]
    for key, value in expected.items():
        assert kpis[key] == pytest.approx(value, rel=1e-9), key
    assert f"CSI {expected['csi']:.1f}" in text
    assert f"{expected['complaint_rate_pct']:.2f}%" in text
    assert f"{expected['callback_pct']:.1f}%" in text and f"{expected['coverage_pct']:.1f}%" in text
    # Personal numbers masked in the comments; the rest of the comment kept.
    assert PHONE not in text and "138****5678" in text
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in fonts.splitlines()[2:]]
    assert rows and any("NotoSansCJK" in r[0] for r in rows)
    assert all(r[-5] == "yes" for r in rows), fonts  # every font embedded


@needs_poppler
def test_the_english_pdf(warehouse, tmp_path):
    out = tmp_path / "report_en.pdf"
    run_cli(
        warehouse,
        "report",
        "--questionnaire",
        "dealer-sales",
        "--period",
        "2026-Q3",
        "--lang",
        "en",
        "--segment",
        "key",
        "--out",
        str(out),
        check=True,
    )
    text = pdf_text(out)
    for words in (
        "Customer satisfaction report",
        "2026-Q3",
        "Segment",
        "Key accounts",
        "Key indicators",
        "Voice of customer (comment topics)",
        "Page 1 of",
    ):
        assert words in text, words
    assert "关键指标" not in text


def test_the_xlsx_has_one_sheet_per_section_with_numbers(warehouse, tmp_path):
    out = tmp_path / "report.xlsx"
    result = run_cli(
        warehouse,
        "report",
        "--questionnaire",
        "dealer-sales",
        "--period",
        PERIOD,
        "--out",
        str(out),
        check=True,
    )
    summary = last_json(result)
    assert summary["sheets"][:3] == ["封面", "关键指标", "CSI 趋势（近 13 期）"]
    assert len(summary["sheets"]) == 14
    voice = pl.read_excel(out, sheet_name="客户声音（意见话题）", read_options={"header_row": 2})
    assert voice.columns[:3] == ["话题", "话题类别", "意见条数"] and voice["意见条数"].sum() > 0
    kpis = pl.read_excel(out, sheet_name="关键指标", read_options={"header_row": 2})
    assert kpis.columns[:4] == ["指标", "本期", "目标", "状态"]
    trend = pl.read_excel(out, sheet_name="CSI 趋势（近 13 期）", read_options={"header_row": 2})
    assert trend.height == 13 and trend["CSI"].dtype == pl.Float64
    assert trend["CSI"][-1] == pytest.approx(round(expected_kpis(warehouse)["csi"], 1))
    comments = pl.read_excel(out, sheet_name="不满意客户意见", read_options={"header_row": 2})
    assert comments.height > 0 and not comments["意见"].str.contains(PHONE).any()
    assert comments["意见"].str.contains("138****5678", literal=True).any()


def test_english_sheet_names_fit_excel_whole_and_the_time_is_the_companys(warehouse, tmp_path):
    import datetime as dt
    import zoneinfo

    out = tmp_path / "report_en.xlsx"
    args = (
        "report",
        "--questionnaire",
        "dealer-sales",
        "--period",
        PERIOD,
        "--lang",
        "en",
        "--out",
        str(out),
    )
    sheets = last_json(run_cli(warehouse, *args, check=True))["sheets"]
    assert all(len(name) <= 31 for name in sheets)
    assert "Voice of customer (topics)" in sheets and "Dissatisfied comments" in sheets
    cover = pl.read_excel(out, sheet_name="Cover", has_header=False)
    stamp = next(row[1] for row in cover.rows() if row[0] == "Generated at")
    assert stamp.endswith("CST")  # Asia/Shanghai, the default time zone setting, not the server's UTC
    shanghai = dt.datetime.now(zoneinfo.ZoneInfo("Asia/Shanghai"))
    written = dt.datetime.strptime(stamp[:16], "%Y-%m-%d %H:%M").replace(tzinfo=shanghai.tzinfo)
    assert abs((shanghai - written).total_seconds()) < 600


def test_a_region_limited_report_shows_only_that_region(warehouse):
    con = open_warehouse(warehouse)
    try:
        east = {r[0] for r in con.execute("select name from stg_customers where region = '华东'").fetchall()}
        everyone, limited = io.BytesIO(), io.BytesIO()
        whole = make(con, everyone, "dealer-sales", "2026-Q3", kind="xlsx", user="test")
        part = make(con, limited, "dealer-sales", "2026-Q3", kind="xlsx", user="test", regions=["华东"])
    finally:
        con.close()
    assert 0 < part["kpis"]["responses"] < whole["kpis"]["responses"]
    comments = pl.read_excel(limited.getvalue(), sheet_name="不满意客户意见", read_options={"header_row": 2})
    assert comments.height > 0 and set(comments["客户"]) <= east
    cover = pl.read_excel(limited.getvalue(), sheet_name="封面", has_header=False)
    assert "华东" in cover.to_series(1).to_list()


def test_an_empty_period_says_so_and_a_bad_one_is_refused(warehouse, tmp_path):
    out = tmp_path / "empty.xlsx"
    result = run_cli(
        warehouse,
        "report",
        "--questionnaire",
        "dealer-sales",
        "--period",
        "2020-01",
        "--out",
        str(out),
        check=True,
    )
    assert last_json(result)["kpis"]["csi"] is None
    kpis = pl.read_excel(out, sheet_name="关键指标", has_header=False)
    assert kpis[0, 0] == "本期没有答卷，无法计算 CSI。"
    trend = pl.read_excel(out, sheet_name="维度得分", has_header=False)
    assert trend[0, 0] == "本期没有答卷。"
    bad = run_cli(
        warehouse, "report", "--questionnaire", "dealer-sales", "--period", "2026-13", "--out", str(out)
    )
    assert bad.returncode == 1 and "2026-Q3" in bad.stderr and "Traceback" not in bad.stderr
    unknown = run_cli(warehouse, "report", "--questionnaire", "nope", "--period", PERIOD, "--out", str(out))
    assert unknown.returncode == 1 and "nope" in unknown.stderr
    wrong = run_cli(
        warehouse, "report", "--questionnaire", "dealer-sales", "--period", PERIOD, "--out", "x.doc"
    )
    assert wrong.returncode == 1 and ".pdf or .xlsx" in wrong.stderr
    con = open_warehouse(warehouse)
    try:
        (events,) = con.execute("select count(*) from v_audit where event = 'report'").fetchone()
    finally:
        con.close()
    assert events >= 1


def test_a_chart_kaleido_silently_failed_to_draw_is_drawn_again(tmp_path, monkeypatch):
    """plotly.io.write_images returns without a word when kaleido fails on a figure (a loaded
    machine): the PDF must not stop on a missing image."""
    import datetime as dt

    import plotly.graph_objects as go
    import plotly.io as pio

    from dashboard import report_files
    from dashboard.report import Period, Report, Section

    real = pio.write_images

    def losing_the_first(figs, files, **kwargs):  # kaleido "drew" all but the first
        real(figs, files, **kwargs)
        (tmp_path / "trend.png").unlink()

    monkeypatch.setattr(pio, "write_images", losing_the_first)
    figure = go.Figure(go.Scatter(x=[1, 2, 3], y=[80, 85, 90]))
    report = Report(
        "t", "q", Period("month", dt.date(2026, 1, 1), dt.date(2026, 1, 31), "2026-01"), [], "now", "zh"
    )
    report.sections = [Section("trend", "r", figure=figure), Section("items", "r", figure=figure)]
    images = report_files._charts(report, tmp_path)
    assert images == {"trend": "trend.png", "items": "items.png"}
    assert (tmp_path / "trend.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_report_has_the_agents_calls_of_the_month(warehouse, tmp_path):
    """CONTRACT §9: the monthly report gains the agents' table (the demo's calls are of 2026-10)."""
    out = tmp_path / "agents.xlsx"
    run_cli(
        warehouse,
        "report",
        "--questionnaire",
        "dealer-sales",
        "--period",
        "2026-10",
        "--out",
        str(out),
        check=True,
    )
    agents = pl.read_excel(out, sheet_name="回访员工作", read_options={"header_row": 2})
    assert agents.columns[:4] == ["回访员", "计划回访", "接通", "完成"]
    con = open_warehouse(warehouse)
    try:
        expected = con.execute(
            "select agent, planned, reached from v_agent_kpis where period_grain = 'month' "
            "and period_start = '2026-10-01' order by agent"
        ).fetchall()
    finally:
        con.close()
    assert expected and [tuple(r) for r in agents.select("回访员", "计划回访", "接通").rows()] == expected
