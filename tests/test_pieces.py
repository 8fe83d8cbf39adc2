"""Loading in bounded memory: a file read in many small pieces loads exactly as one read whole."""

from __future__ import annotations

import pytest
from conftest import EXAMPLES

from pipelines import reader, store
from pipelines.errors import ValidationError
from pipelines.load import LoadJob, load
from pipelines.reader import read_pieces
from warehouse import open_warehouse

HEADER = "问卷编号,客户编号,调查日期,调查方式,评价对象,员工编号,产品性能,外观质量,交车准时,顾问专业,顾问态度,展厅舒适,总体满意,意见建议"


def survey_text(rows: int, answers: dict | None = None, dates: dict | None = None) -> str:
    """A dealer survey after two title lines, whose comments hold commas, quotes and line
    breaks (records that span lines), with labels, numbers and N/A among the answers;
    `answers` and `dates` replace those of some records (by record number)."""
    lines = ["导出于 2026-11-30", "门店：全部", HEADER]
    for n in range(rows):
        comment = {0: '"交车慢,\n希望改进"', 1: '"说""很好"""', 2: "满意"}[n % 3]
        cells = ",".join(("5", "满意", "N/A", "4", "非常满意", "", "3")[(n + k) % 7] for k in range(7))
        cells = (answers or {}).get(n, cells)
        date = (dates or {}).get(n, f"2025-{n % 12 + 1:02d}-{n % 27 + 1:02d}")
        lines.append(f"R{n:05d},C{n % 13},{date},电话,own,S{n % 5},{cells},{comment}")
    return "\n".join(lines) + "\n"


def snapshot_of(con) -> list:
    """Everything a survey load writes, in a comparable form (batch ids left out)."""
    queries = [
        "select response_id, customer_id, survey_date, channel, staff_id, comment from responses order by 1",
        "select response_id, item_id, level_value from answers order by 1, 2",
        "select response_id, round(csi, 9), points, ratings, satisfied, dissatisfied, round(overall_score, 9) "
        "from response_scores order by 1",
        "select month_start, scope, subject, item_id, level_value, ratings from rating_counts order by all",
        "select month_start, scope, subject, dimension_id, responses, round(score_sum, 6), "
        "round(score_sq_sum, 4) from dimension_response_counts order by all",
        "select month_start, scope, subject, channel, staff_id, responses, csi_n, round(csi_sum, 6), "
        "round(csi_sq_sum, 4), satisfied, dissatisfied, ratings, satisfied_sq, satisfied_ratings, ratings_sq, "
        "points_n, points, max_points from response_counts order by all",
        "select response_id, dimension_id, round(score, 9) from response_dimension_scores order by 1, 2",
        "select item_id, position from answer_items order by position",
    ]
    return [con.execute(sql).fetchall() for sql in queries]


def warehouse(tmp_path, name):
    con = open_warehouse(tmp_path / name / "manyi.duckdb")
    store.add_questionnaire(con, (EXAMPLES / "dealer-sales.toml").read_text(encoding="utf-8"))
    return con


def test_pieces_split_only_between_records(monkeypatch):
    data = survey_text(50).encode("gb18030")
    whole = list(read_pieces(data, skip_rows=2))
    assert len(whole) == 1 and whole[0].encoding == "gb18030" and whole[0].first_row == 4
    pieces = list(read_pieces(data, skip_rows=2, piece_chars=300))
    assert len(pieces) > 5
    # Each piece starts where the one before it ended: row numbers run on without a gap.
    rows = 4
    for piece in pieces:
        assert piece.first_row == rows
        rows += piece.frame.height
    assert rows - 4 == 50
    joined = [row for piece in pieces for row in piece.frame.rows()]
    assert joined == whole[0].frame.rows()
    assert joined[0][-1] == "交车慢,\n希望改进" and joined[1][-1] == '说"很好"'


def test_a_file_in_many_pieces_loads_as_one_read_whole(tmp_path, monkeypatch):
    data = survey_text(120).encode("gb18030")
    job = {"kind": "survey", "data": data, "file_name": "dealer.csv", "questionnaire_id": "dealer-sales"}
    whole_con = warehouse(tmp_path, "whole")
    whole = load(whole_con, LoadJob(**job, skip_rows=2))
    monkeypatch.setattr(reader, "PIECE_CHARS", 400)
    path = tmp_path / "dealer.csv"
    path.write_bytes(data)
    pieces_con = warehouse(tmp_path, "pieces")
    pieced = load(pieces_con, LoadJob(**{**job, "data": path}, skip_rows=2))
    assert (pieced.rows, pieced.encoding) == (whole.rows, whole.encoding) == (120, "gb18030")
    assert pieced.ratings == whole.ratings > 0
    assert snapshot_of(pieces_con) == snapshot_of(whole_con)
    # The same bytes from a path and from memory are the same file: a second load is a duplicate.
    again = load(pieces_con, LoadJob(**job, skip_rows=2))
    assert again.status == "duplicate" and again.batch_id == pieced.batch_id


def test_problems_of_every_piece_are_reported_with_their_file_rows(tmp_path, monkeypatch):
    monkeypatch.setattr(reader, "PIECE_CHARS", 300)
    text = survey_text(60, answers={7: "9,5,5,5,5,5,5", 41: "5,5,5,5,5,5,0"}, dates={59: "not-a-date"})
    con = warehouse(tmp_path, "bad")
    with pytest.raises(ValidationError) as info:
        load(con, LoadJob("survey", text.encode(), "bad.csv", "dealer-sales", skip_rows=2))
    # Rows are records from row 4 (after two title lines and the header): record 7 is row 11.
    found = {(p.row, p.column, p.value) for p in info.value.problems}
    assert found == {(11, "产品性能", "9"), (45, "总体满意", "0"), (63, "调查日期", "not-a-date")}
    assert con.execute("select count(*) from responses").fetchone()[0] == 0


def test_a_short_row_in_a_later_piece_names_its_line(tmp_path, monkeypatch):
    monkeypatch.setattr(reader, "PIECE_CHARS", 200)
    rows = [f"c{n},n{n},R{n % 3}" for n in range(80)]
    rows[70] = "c70,n70"
    text = "customer_id,name,region\n" + "\n".join(rows) + "\n"
    with pytest.raises(ValidationError) as info:
        list(read_pieces(text.encode()))
    assert [(p.row, p.reason) for p in info.value.problems] == [(72, "has 2 fields, header has 3")]


def test_a_killed_loaders_spool_is_deleted_by_a_later_load(tmp_path, monkeypatch):
    import os
    import tempfile

    from pipelines.load import Spool

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    stale, fresh = tmp_path / "manyi-load-killed", tmp_path / "manyi-load-running"
    for folder in (stale, fresh):
        (folder / "stage").mkdir(parents=True)
    old = os.stat(stale).st_mtime - Spool.STALE_SECONDS - 60
    os.utime(stale, (old, old))
    con = warehouse(tmp_path, "wh")
    load(con, LoadJob("survey", survey_text(5).encode(), "s.csv", "dealer-sales", skip_rows=2))
    assert not stale.exists() and fresh.exists()
    assert sorted(p.name for p in tmp_path.glob("manyi-load-*")) == ["manyi-load-running"]
