"""Loading every kind, and refusing every kind of bad input with nothing written."""

from __future__ import annotations

import io

import pytest
import xlsxwriter
from conftest import DATA, load_file, load_text, version

from pipelines import store
from pipelines.errors import ValidationError
from pipelines.load import LoadJob, load

HEADER = "问卷编号,客户编号,调查日期,产品性能,外观质量,交车准时,顾问专业,顾问态度,展厅舒适,总体满意"


def refused(con, kind: str, text: str, **options) -> ValidationError:
    """Assert the upload is refused and the warehouse unchanged; return the error."""
    before = version(con)
    with pytest.raises(ValidationError) as info:
        load_text(con, kind, text, **options)
    assert version(con) == before
    return info.value


def only(problems, **expected):
    """The single problem matching every expected attribute."""
    found = [p for p in problems if all(getattr(p, k) == v for k, v in expected.items())]
    assert found, f"no problem with {expected} in {[str(p) for p in problems]}"
    return found[0]


def test_survey_loads_labels_numbers_aliases_and_na(con):
    result = load_file(con, "survey", DATA / "survey_ok.csv", questionnaire_id="dealer-sales")
    assert (result.status, result.rows) == ("loaded", 4)
    # R1 leaves 展厅舒适 empty and R2 answers 顾问专业 N/A: not answered, not zero.
    assert result.ratings == 4 * 7 - 2
    rows = con.execute(
        "select response_id, channel, subject, scope, staff_id, comment from responses order by 1"
    ).fetchall()
    assert rows[0] == ("R1", "phone", "own", "sales", "S1", "很好")
    assert rows[2][1:3] == ("mail", "竞品A")
    assert rows[3][1] == "onsite"
    values = dict(con.execute("select item_id, level_value from answers where response_id = 'R4'").fetchall())
    assert values["q1"] == 5.0 and values["q2"] == 4.0


def test_every_kind_loads(con):
    for kind in ("customers", "sales", "complaints", "contacts"):
        result = load_file(con, kind, DATA / f"{kind}_ok.csv")
        assert result.status == "loaded", kind
    assert con.execute("select count(*) from customers").fetchone()[0] == 3
    assert con.execute("select sum(revenue) from sales").fetchone()[0] == 6_620_000
    assert con.execute("select min(period)::varchar from sales").fetchone()[0] == "2024-01-01"
    causes = con.execute(
        "select complaint_id, cause_category, severity from complaints order by 1"
    ).fetchall()
    assert causes == [("T1", "method", "high"), ("T2", "material", "medium"), ("T3", "machine", "critical")]
    outcomes = con.execute("select outcome, scope from contacts order by contact_id").fetchall()
    assert outcomes == [
        ("completed", "sales"),
        ("refused", "sales"),
        ("unreached", "after_sales"),
        ("completed", "after_sales"),
    ]


def test_gbk_and_bom_files_load(con):
    text = (DATA / "customers_ok.csv").read_text(encoding="utf-8")
    gbk = load_text(con, "customers", text, encoding="gbk", name="gbk.csv")
    assert gbk.encoding == "gb18030"
    text2 = text.replace("C1,", "C9,").replace("C2,", "C8,").replace("C3,", "C7,")
    bom = load(con, LoadJob("customers", b"\xef\xbb\xbf" + text2.encode("utf-8"), "bom.csv"))
    assert bom.encoding == "utf-8-sig"
    names = {r[0] for r in con.execute("select name from customers").fetchall()}
    assert "华鑫机械有限公司" in names and len(names) == 3


def _xlsx(rows: list[list], sheets: tuple[str, ...] = ("Sheet1",)) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    for name in sheets:
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                sheet.write(r, c, value)
    book.close()
    return buffer.getvalue()


def test_xlsx_first_and_named_sheet_load(con):
    rows = [
        ["回访编号", "客户编号", "回访日期", "结果"],
        ["H1", "C1", "2025-03-01", "完成"],
        ["H2", "C1", "2025-03-02", "拒访"],
    ]
    data = _xlsx(rows, ("其他", "回访"))
    result = load(con, LoadJob("contacts", data, "contacts.xlsx", sheet="回访"))
    assert result.rows == 2
    with pytest.raises(ValidationError) as info:
        load(con, LoadJob("contacts", data, "contacts2.xlsx", sheet="没有"))
    assert "not found" in info.value.problems[0].reason


def test_missing_required_and_unknown_columns_are_refused(con):
    err = refused(
        con, "survey", "问卷编号,调查日期,产品性能,怪列\nR1,2025-01-01,5,x\n", questionnaire_id="dealer-sales"
    )
    only(err.problems, row=1, column="customer_id")
    only(err.problems, row=1, column="怪列")


def test_ignore_extra_and_map_and_set(con):
    text = "id,cust,when,perf,junk\nX1,C1,2025-03-01,4,zz\n"
    result = load_text(
        con,
        "survey",
        text,
        questionnaire_id="dealer-sales",
        mapping={"id": "response_id", "cust": "customer_id", "when": "survey_date", "perf": "q1"},
        constants={"channel": "web"},
        ignore_extra=True,
    )
    assert result.rows == 1
    assert con.execute("select channel from responses").fetchone()[0] == "web"


def test_blank_required_and_bad_dates_are_each_reported(con):
    text = (
        HEADER
        + "\nR1,,2025-01-01,5,5,5,5,5,5,5\nR2,C2,2025-13-45,5,5,5,5,5,5,5\nR3,C3,yesterday,5,5,5,5,5,5,5\n"
    )
    err = refused(con, "survey", text, questionnaire_id="dealer-sales")
    only(err.problems, row=2, column="客户编号", reason="required value is blank")
    only(err.problems, row=3, column="调查日期", value="2025-13-45")
    only(err.problems, row=4, column="调查日期", value="yesterday")
    assert err.total == 3


def test_value_not_in_scale_names_row_column_value(con):
    text = HEADER + "\nR1,C1,2025-01-01,5,6,5,5,5,5,5\nR2,C1,2025-01-01,5,5,5,5,很好,5,5\n"
    err = refused(con, "survey", text, questionnaire_id="dealer-sales")
    only(err.problems, row=2, column="外观质量", value="6")
    only(err.problems, row=3, column="顾问态度", value="很好")


def test_counts_periods_and_amounts_are_checked(con):
    text = "期间,客户编号,发货次数,销售额\n2025-01,C1,-1,100\n2025-02,C1,1.5,100\n2025-13,C1,1,100\n2025-04,C1,2,-5\n"
    err = refused(con, "sales", text)
    only(err.problems, row=2, column="发货次数", value="-1")
    only(err.problems, row=3, column="发货次数", value="1.5")
    only(err.problems, row=4, column="期间", value="2025-13")
    only(err.problems, row=5, column="销售额", value="-5")


def test_unknown_enum_values_are_refused(con):
    text = "投诉编号,客户编号,投诉时间,原因类别,严重程度\nT1,C1,2025-01-01 10:00,天气,高\nT2,C1,2025-01-01 10:00,人,极高\n"
    err = refused(con, "complaints", text)
    only(err.problems, row=2, column="原因类别", value="天气")
    only(err.problems, row=3, column="严重程度", value="极高")
    err = refused(con, "contacts", "回访编号,客户编号,回访日期,结果\nH1,C1,2025-01-01,忙\n")
    only(err.problems, row=2, column="结果", value="忙")


def test_datetime_order_is_checked(con):
    text = "投诉编号,客户编号,投诉时间,原因类别,首次响应时间\nT1,C1,2025-01-02 10:00,人,2025-01-01 09:00\n"
    err = refused(con, "complaints", text)
    only(err.problems, row=2, column="首次响应时间", reason="is before received_at")


def test_duplicate_ids_within_file(con):
    text = (
        HEADER
        + "\nR1,C1,2025-01-01,5,5,5,5,5,5,5\nR2,C1,2025-01-01,5,5,5,5,5,5,5\nR1,C2,2025-01-02,4,4,4,4,4,4,4\n"
    )
    err = refused(con, "survey", text, questionnaire_id="dealer-sales")
    problem = only(err.problems, row=4, column="问卷编号", value="R1")
    assert "first on row 2" in problem.reason


def test_ids_loaded_from_another_file_need_replace(con):
    load_file(con, "survey", DATA / "survey_ok.csv", questionnaire_id="dealer-sales")
    text = HEADER + "\nR1,C1,2025-01-05,1,1,1,1,1,1,1\n"
    err = refused(con, "survey", text, questionnaire_id="dealer-sales")
    assert "--replace" in only(err.problems, row=2, value="R1").reason
    result = load_text(con, "survey", text, questionnaire_id="dealer-sales", replace=True)
    assert result.superseded == 1
    # The old answers stay in the warehouse (audit trail); only the new one is active.
    assert con.execute("select count(*) from responses where response_id = 'R1'").fetchone()[0] == 2
    assert con.execute("select csi from response_scores where response_id = 'R1'").fetchall() == [(0.0,)]
    # The same response id in another questionnaire is a different response.
    other = "问卷编号,客户编号,调查日期,产品质量评价\nR1,C1,2025-01-05,一般\n"
    assert load_text(con, "survey", other, questionnaire_id="after-sales").status == "loaded"


def test_empty_and_non_csv_files_are_refused(con):
    for data, reason in [
        (b"", "empty"),
        (HEADER.encode() + b"\n", "no data rows"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64), "not a CSV or XLSX"),
        (b"\xd0\xcf\x11\xe0" + bytes(64), ".xls"),
    ]:
        before = version(con)
        with pytest.raises(ValidationError) as info:
            load(con, LoadJob("survey", data, "bad", questionnaire_id="dealer-sales"))
        assert reason in str(info.value.problems[0].reason), info.value.problems
        assert version(con) == before


def test_unknown_questionnaire_is_refused(con):
    err = refused(con, "survey", HEADER + "\nR1,C1,2025-01-01,5,5,5,5,5,5,5\n", questionnaire_id="nope")
    assert "unknown questionnaire" in err.problems[0].reason
    assert "dealer-sales" in err.problems[0].reason


def test_every_problem_is_collected_not_just_the_first(con):
    rows = "\n".join(f"R{i},C1,bad-date,9,5,5,5,5,5,5" for i in range(500))
    err = refused(con, "survey", HEADER + "\n" + rows + "\n", questionnaire_id="dealer-sales")
    assert err.total == 1000
    assert {p.row for p in err.problems} == set(range(2, 502))


def test_byte_identical_file_is_duplicate(con):
    first = load_file(con, "complaints", DATA / "complaints_ok.csv")
    before = version(con)
    again = load_file(con, "complaints", DATA / "complaints_ok.csv")
    assert (again.status, again.batch_id) == ("duplicate", first.batch_id)
    assert version(con) == before


def test_rollback_removes_exactly_one_batch_and_restores_superseded(con):
    first = load_file(con, "survey", DATA / "survey_ok.csv", questionnaire_id="dealer-sales")
    load_file(con, "complaints", DATA / "complaints_ok.csv")
    dimensions = "select * from response_dimension_scores order by all"
    before = con.execute(dimensions).fetchall()
    text = HEADER + "\nR1,C1,2025-01-05,1,1,1,1,1,1,1\n"
    second = load_text(con, "survey", text, questionnaire_id="dealer-sales", replace=True)
    r1 = "select distinct batch_id, score from response_dimension_scores where response_id = 'R1'"
    assert con.execute(r1).fetchall() == [(second.batch_id, 0.0)]
    store.rollback(con, second.batch_id)
    assert con.execute(dimensions).fetchall() == before
    assert con.execute("select count(*) from complaints").fetchone()[0] == 3
    scores = dict(con.execute("select response_id, batch_id from response_scores").fetchall())
    assert scores == {r: first.batch_id for r in ("R1", "R2", "R3", "R4")}
    assert con.execute("select count(*) from supersessions").fetchone()[0] == 0
    status = dict(con.execute("select batch_id, status from batches").fetchall())
    assert status[second.batch_id] == "rolled_back"
    # The same bytes may be loaded again after a rollback.
    assert load_text(con, "survey", text, questionnaire_id="dealer-sales", replace=True).status == "loaded"


def test_rollback_of_the_middle_of_a_replace_chain_keeps_later_replacements(con):
    def survey(ids, level):
        return HEADER + "".join(f"\n{r},C1,2025-01-05" + f",{level}" * 7 for r in ids)

    a = load_text(con, "survey", survey([f"R{n}" for n in range(1, 11)], 5), questionnaire_id="dealer-sales")
    b = load_text(
        con, "survey", survey(["R1", "R2", "R3", "R4"], 3), questionnaire_id="dealer-sales", replace=True
    )
    c = load_text(con, "survey", survey(["R1", "R2"], 1), questionnaire_id="dealer-sales", replace=True)
    store.rollback(con, b.batch_id)
    # As if B had never been loaded: C's R1 and R2, A's R3..R10; nothing of A resurrected twice.
    active = dict(con.execute("select response_id, batch_id from v_csi_response").fetchall())
    assert len(con.execute("select * from v_csi_response").fetchall()) == 10
    assert active == {f"R{n}": (c.batch_id if n <= 2 else a.batch_id) for n in range(1, 11)}
    assert con.execute(
        "select response_id, csi from v_csi_response where csi < 100 order by 1"
    ).fetchall() == [
        ("R1", 0.0),
        ("R2", 0.0),
    ]
    scored = con.execute("select batch_id, count(*) from response_scores group by 1 order by 2").fetchall()
    assert sorted(scored) == sorted([(c.batch_id, 2), (a.batch_id, 8)])
    rollup = "select batch_id, sum(responses)::int, sum(csi_sum) from response_counts group by 1 order by 1"
    assert con.execute(rollup).fetchall() == sorted([(c.batch_id, 2, 0.0), (a.batch_id, 8, 800.0)])
    # Rolling back C then brings back exactly A.
    store.rollback(con, c.batch_id)
    assert dict(con.execute("select response_id, batch_id from v_csi_response").fetchall()) == {
        f"R{n}": a.batch_id for n in range(1, 11)
    }
    assert con.execute("select count(*) from response_scores").fetchone()[0] == 10
    assert con.execute(rollup).fetchall() == [(a.batch_id, 10, 1000.0)]
    assert con.execute("select count(*) from supersessions").fetchone()[0] == 0


def test_the_key_check_finds_known_ids_among_many_batches(con, monkeypatch):
    """24 monthly batches (merged into few files along the way): a new month naming one id of
    batch 7 and one id that a --replace moved to a later batch is refused on exactly those two
    rows, each naming the batch that holds the id now; ids of another questionnaire do not count."""
    monkeypatch.setenv("MANYI_COMPACT_AFTER_FILES", "6")
    head = HEADER
    names = []
    for month in range(24):
        rows = [
            f"M{month:02d}-{n:03d},C{n % 7},2024-{month % 12 + 1:02d}-15,5,4,4,5,4,5,5" for n in range(40)
        ]
        names.append(
            load_text(
                con, "survey", "\n".join([head, *rows]), name=f"m{month}.csv", questionnaire_id="dealer-sales"
            )
        )
    moved = load_text(
        con,
        "survey",
        f"{head}\nM03-005,C1,2024-04-16,3,3,3,3,3,3,3",
        name="fix.csv",
        questionnaire_id="dealer-sales",
        replace=True,
    )
    assert moved.superseded == 1
    # The same ids under the other questionnaire are not "already loaded".
    other = "问卷编号,客户编号,调查日期,产品质量评价,交付评价,服务评价"
    load_text(
        con, "survey", f"{other}\nM07-011,C1,2024-08-15,3,3,3", name="as.csv", questionnaire_id="after-sales"
    )
    fresh = [f"N-{n:03d},C1,2025-01-15,5,5,5,5,5,5,5" for n in range(30)]
    text = "\n".join(
        [
            head,
            *fresh[:10],
            "M07-011,C1,2025-01-15,5,5,5,5,5,5,5",
            *fresh[10:20],
            "M03-005,C1,2025-01-15,5,5,5,5,5,5,5",
            *fresh[20:],
        ]
    )
    error = refused(con, "survey", text, questionnaire_id="dealer-sales")
    assert [(p.row, p.value) for p in error.problems] == [(12, "M07-011"), (23, "M03-005")]
    assert names[7].batch_id in error.problems[0].reason and "m7.csv" in error.problems[0].reason
    assert moved.batch_id in error.problems[1].reason and "fix.csv" in error.problems[1].reason
    assert con.execute("select count(*) from responses where response_id like 'N-%'").fetchone()[0] == 0
