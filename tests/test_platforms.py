"""Survey platform exports (CONTRACT §9, issue 40, 4): 问卷星, 腾讯问卷 and 金数据 answer exports,
written here in each platform's layout, load with no option but the questionnaire: recognised by
their header, metadata columns to ids and dates, numbered and matrix question headers to items
by `column` or `text`, skip marks as not answered, an open-text question as the comment."""

from __future__ import annotations

import io

import polars as pl
import pytest
import xlsxwriter
from conftest import last_json, run_cli

from pipelines import platforms, store
from pipelines.errors import ValidationError
from pipelines.load import LoadJob, load
from pipelines.questionnaire import parse

TOML = """
id = "web-q"
title = "网上满意度调查"
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
id = "D"
label = "服务"
[[items]]
id = "q1"
column = "交车准时"
text = "您对交车准时的满意程度"
dimension = "D"
scale = "l5"
[[items]]
id = "q2"
column = "q2"
text = "您对销售顾问服务态度的满意程度"
dimension = "D"
scale = "l5"
[[items]]
id = "q3"
column = "产品性能"
dimension = "D"
scale = "l5"
[[items]]
id = "q4"
column = "外观设计"
dimension = "D"
scale = "l5"
"""
Q1, Q2 = "您对交车准时的满意程度", "您对销售顾问服务态度的满意程度"
# Three respondents: answers of q1..q4, the single-choice question not in the questionnaire, and
# the open-text question (跳过 / 空 where a platform writes them).
ANSWERS = [
    ("非常满意", "满意", "一般", "满意", "男", "交车很快"),
    ("不满意", "(跳过)", "非常不满意", "(空)", "女", "(空)"),
    ("满意", "满意", "满意", "非常满意", "男", "(跳过)"),
]
LEVEL = {"非常不满意": 1, "不满意": 2, "一般": 3, "满意": 4, "非常满意": 5}


def _xlsx(header: list[str], rows: list[list]) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("Sheet1")
    for c, name in enumerate(header):
        sheet.write_string(0, c, name)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if isinstance(value, int | float):
                sheet.write_number(r, c, value)
            elif value is not None:
                sheet.write_string(r, c, value)
    book.close()
    return out.getvalue()


def wjx_text() -> bytes:
    """问卷星 answers by option text (按选项文本): 序号, 提交答卷时间 2026/9/3 9:05:10, matrix —."""
    header = ["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP", f"1、{Q1}", f"2、{Q2}",
              "3、请评价以下方面—产品性能", "3、请评价以下方面—外观设计", "4、您的性别", "5、您还有什么意见和建议？"]  # fmt: skip
    rows = [[n + 1, f"2026/9/{n + 3} 9:05:10", f"{80 + n}秒", "手机提交", "直接访问", "1.2.3.4(广东-深圳)", *a]
            for n, a in enumerate(ANSWERS)]  # fmt: skip
    return _xlsx(header, rows)


def wjx_numbers() -> bytes:
    """问卷星 answers by option number (按选项序号): numbers, matrix columns 3(产品性能), -3 skipped."""
    header = ["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP", f"1、{Q1}", f"2、{Q2}",
              "3(产品性能)", "3(外观设计)", "4、您的性别", "5、您还有什么意见和建议？"]  # fmt: skip
    coded = [[LEVEL.get(v, -3) if i < 4 else v for i, v in enumerate(a)] for a in ANSWERS]
    for row in coded:
        row[4] = 1 if row[4] == "男" else 2
    rows = [[n + 1, f"2026/9/{n + 3} 9:05:10", f"{80 + n}秒", "手机提交", "直接访问", "1.2.3.4", *a]
            for n, a in enumerate(coded)]  # fmt: skip
    return _xlsx(header, rows)


def tencent() -> bytes:
    """腾讯问卷: 编号, 开始/结束答题时间 2026-09-03 09:05:10, numbered 1. headers, matrix with ':'."""
    header = ["编号", "开始答题时间", "结束答题时间", "答题时长", "地理位置国家和地区", "地理位置省", "地理位置市",
              "IP", f"1.{Q1}", f"2.{Q2}", "3.请评价以下方面:产品性能", "3.请评价以下方面:外观设计",
              "4.您的性别", "5.您还有什么意见和建议？"]  # fmt: skip
    rows = [[n + 1, f"2026-09-{n + 3:02d} 09:03:00", f"2026-09-{n + 3:02d} 09:05:10", "130", "中国", "广东", "深圳",
             "1.2.3.4", *(v if v != "(跳过)" else "" for v in a)] for n, a in enumerate(ANSWERS)]  # fmt: skip
    return _xlsx(header, rows)


def jinshuju() -> bytes:
    """金数据 as CSV: 序号, field labels without numbers, matrix 'question - sub', 提交时间 last."""
    header = ["序号", Q1, Q2, "请评价以下方面 - 产品性能", "请评价以下方面 - 外观设计", "您的性别",
              "您还有什么意见和建议？", "提交人", "填写设备", "填写时长", "IP", "提交时间"]  # fmt: skip
    lines = [",".join(header)]
    for n, a in enumerate(ANSWERS):
        cells = [v if v not in ("(跳过)", "(空)") else "" for v in a]
        lines.append(
            ",".join(
                [
                    str(n + 1),
                    *cells,
                    "匿名用户",
                    "iPhone",
                    "2分10秒",
                    "1.2.3.4",
                    f"2026-09-{n + 3:02d} 09:05:10",
                ]
            )
        )
    return ("\n".join(lines) + "\n").encode("utf-8")


EXPORTS = {
    "wjx": (wjx_text, "xlsx"),
    "wjx-numbers": (wjx_numbers, "xlsx"),
    "tencent": (tencent, "xlsx"),
    "jinshuju": (jinshuju, "csv"),
}


@pytest.fixture
def web(con):
    store.add_questionnaire(con, TOML)
    return con


def _answers(con, platform: str) -> pl.DataFrame:
    """Each response's ids, date, comment and answers as sorted 'item=level' strings."""
    return con.execute(
        "select r.response_id, r.customer_id, r.survey_date, r.comment, "
        "list_sort(list(a.item_id || '=' || a.level_value::int) filter (where a.item_id is not null)) as answers "
        "from stg_responses as r left join answers as a using (response_id) "
        "where r.response_id like ? group by all order by r.response_id",
        [f"{platform}-%"],
    ).pl()


@pytest.mark.parametrize("name", list(EXPORTS))
def test_each_platforms_export_loads_recognised_with_no_option(web, name):
    make, suffix = EXPORTS[name]
    platform = name.split("-")[0]
    result = load(web, LoadJob("survey", make(), f"export.{suffix}", questionnaire_id="web-q"))
    assert result.platform == platform and result.rows == 3  # the summary says which platform
    found = _answers(web, platform)
    assert found["response_id"].to_list() == [f"{platform}-1", f"{platform}-2", f"{platform}-3"]
    assert found["customer_id"].to_list() == found["response_id"].to_list()  # anonymous respondents
    assert [str(d) for d in found["survey_date"]] == ["2026-09-03", "2026-09-04", "2026-09-05"]
    expected = []
    for a in ANSWERS:
        pairs = [f"q{i + 1}={LEVEL[v]}" for i, v in enumerate(a[:4]) if v in LEVEL]
        expected.append(sorted(pairs))
    assert found["answers"].to_list() == expected
    # the one open-text question is the comment; the gender question is named, not loaded
    assert found["comment"].to_list()[0] == "交车很快" and found["comment"].to_list()[1:] == [None, None]
    (warning,) = [w for w in result.warnings or [] if w["check"] == "platform_questions_not_loaded"]
    assert any("您的性别" in e for e in warning["examples"])


def test_from_names_the_platform_and_none_reads_the_file_as_it_is(web, tmp_path, db):
    path = tmp_path / "问卷星导出.xlsx"
    path.write_bytes(wjx_text())
    web.close()
    plain = run_cli(db, "load", "survey", str(path), "--questionnaire", "web-q", "--from", "none")
    assert plain.returncode == 1 and "unknown column" in plain.stderr
    wrong = run_cli(db, "load", "survey", str(path), "--questionnaire", "web-q", "--from", "tencent")
    assert wrong.returncode == 1 and "no submission time column (结束答题时间 / 提交时间)" in wrong.stderr
    loaded = run_cli(db, "load", "survey", str(path), "--questionnaire", "web-q", "--from", "wjx")
    assert loaded.returncode == 0, loaded.stderr
    assert last_json(loaded)["platform"] == "wjx" and last_json(loaded)["rows"] == 3


def test_labels_outside_the_scale_and_a_matrix_row_missing_are_named(web):
    header = ["序号", "提交答卷时间", f"1、{Q1}", "3、请评价以下方面—产品性能", "3、请评价以下方面—内饰做工"]
    bad = _xlsx(header, [[1, "2026/9/3 9:05:10", "很好", "满意", "满意"]])
    with pytest.raises(ValidationError) as refused:
        load(web, LoadJob("survey", bad, "wjx.xlsx", questionnaire_id="web-q"))
    assert "很好" in refused.value.report()
    good = _xlsx(header, [[1, "2026/9/3 9:05:10", "满意", "满意", "满意"]])
    result = load(web, LoadJob("survey", good, "wjx.xlsx", questionnaire_id="web-q"))
    (warning,) = [w for w in result.warnings if w["check"] == "platform_questions_not_loaded"]
    assert warning["examples"] == ["3、请评价以下方面—内饰做工"]  # the matrix row the questionnaire lacks


def test_a_mapped_question_is_the_customer_id(web):
    header = ["序号", "提交答卷时间", "1、您的客户编号", f"2、{Q1}"]
    data = _xlsx(header, [[7, "2026/9/3 9:05:10", "C042", "满意"]])
    load(
        web,
        LoadJob(
            "survey", data, "wjx.xlsx", questionnaire_id="web-q", mapping={"1、您的客户编号": "customer_id"}
        ),
    )
    row = web.execute(
        "select response_id, customer_id from stg_responses where response_id = 'wjx-7'"
    ).fetchone()
    assert row == ("wjx-7", "C042")


def test_headers_are_recognised_and_split():
    assert platforms.recognise(["序号", "提交答卷时间", "所用时间", "1、a"]) == "wjx"
    assert platforms.recognise(["编号", "开始答题时间", "结束答题时间", "1.a"]) == "tencent"
    assert platforms.recognise(["序号", "a", "提交人", "提交时间"]) == "jinshuju"
    assert platforms.recognise(["response_id", "customer_id", "survey_date"]) is None
    assert platforms.question_parts("5、请评价—产品性能") == ("请评价—产品性能", "产品性能")
    assert platforms.question_parts("5(产品性能)") == ("产品性能", "产品性能")
    assert platforms.question_parts("Q3. 您对交车准时的满意程度") == ("您对交车准时的满意程度", None)


def test_the_upload_reads_a_gbk_csv_export(web):
    """问卷星's CSV export is written in GBK."""
    text = f"序号,提交答卷时间,所用时间,1、{Q1}\n1,2026/9/3 9:05:10,80秒,满意\n"
    result = load(web, LoadJob("survey", text.encode("gb18030"), "wjx.csv", questionnaire_id="web-q"))
    assert result.platform == "wjx" and result.rows == 1
    con = web
    assert con.execute("select count(*) from answers where response_id = 'wjx-1'").fetchone()[0] == 1


@pytest.mark.parametrize("name", ["wjx", "tencent", "jinshuju"])
def test_infer_drafts_a_questionnaire_the_export_then_loads_against(tmp_path, db, name):
    """CONTRACT §9 `questionnaire infer`: an item per rating question (text the question), a
    scale from the labels seen, most negative first, a dimension per matrix; the export loads
    against it through the CLI."""
    make, suffix = EXPORTS[name]
    path = tmp_path / f"export.{suffix}"
    path.write_bytes(make())
    out = tmp_path / "drafted.toml"
    result = run_cli(
        db, "questionnaire", "infer", str(path), "--id", "drafted", "--title", "网上调查", "--out", str(out)
    )
    assert result.returncode == 0, result.stderr
    said = last_json(result)
    assert said["platform"] == name and len(said["items"]) == 4
    assert any("您的性别" in s for s in said["skipped"])
    drafted = parse(out.read_text(encoding="utf-8"))
    (scale,) = drafted.scales
    assert [level.label for level in scale.levels] == ["非常不满意", "不满意", "一般", "满意", "非常满意"]
    assert [level.dissatisfied for level in scale.levels] == [True, True, False, False, False]
    assert [level.satisfied for level in scale.levels] == [False, False, False, True, True]
    assert [i.text for i in drafted.items][:2] == [Q1, Q2]
    assert sorted(d.label for d in drafted.dimensions) == ["总体", "请评价以下方面"]
    assert run_cli(db, "questionnaire", "add", str(out)).returncode == 0
    loaded = run_cli(db, "load", "survey", str(path), "--questionnaire", "drafted")
    assert loaded.returncode == 0, loaded.stderr
    assert last_json(loaded)["rows"] == 3 and last_json(loaded)["ratings"] == 10


def test_infer_refuses_a_file_without_ratings_in_words(tmp_path, db):
    path = tmp_path / "no-ratings.csv"
    path.write_text("序号,提交答卷时间,1、您的性别\n1,2026/9/3 9:05:10,男\n", encoding="utf-8")
    result = run_cli(db, "questionnaire", "infer", str(path), "--id", "x", "--out", str(tmp_path / "x.toml"))
    assert result.returncode == 1 and "no rating question in this export" in result.stderr
