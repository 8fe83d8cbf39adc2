"""The paper form and its entry template (CONTRACT §9 `form`, issue 40, 2-3): the PDF names
every item and level with CJK fonts embedded; the XLSX template, filled in as a clerk would,
loads with `load survey FILE --questionnaire ID` and no other option."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess

import polars as pl
import pytest
import xlsxwriter
from conftest import EXAMPLES, last_json, run_cli

from pipelines import forms
from pipelines.questionnaire import parse


@pytest.fixture
def wh(db):
    run_cli(db, "questionnaire", "add", str(EXAMPLES / "dealer-sales.toml"), check=True)
    return db


def _text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "form.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_printed_form_lists_every_item_with_a_box_per_level(wh, tmp_path, lang):
    out = tmp_path / f"form-{lang}.pdf"
    result = run_cli(wh, "form", "--questionnaire", "dealer-sales", "--out", str(out), "--lang", lang)
    assert result.returncode == 0, result.stderr
    assert last_json(result)["pages"] >= 1
    data = out.read_bytes()
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    assert "NotoSansCJK" in fonts and all(
        line.split()[-5] == "yes" for line in fonts.splitlines()[2:]
    )  # embedded
    text = re.sub(r"\s+", "", _text(data, tmp_path))
    q = parse((EXAMPLES / "dealer-sales.toml").read_text(encoding="utf-8"))
    if lang == "zh":
        assert "销售服务满意度回访" in text and "记录编号" in text and "意见和建议" in text
        for item in q.items:
            assert re.sub(r"\s+", "", item.question) in text
        assert text.count("非常不满意") == len(q.items)
    else:
        assert "Dealersalesfollow-upsurvey" in text and "Recordno." in text
        assert text.count("verydissatisfied") == len(q.items)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_filled_entry_template_loads_with_no_option(wh, tmp_path, lang):
    out = tmp_path / "template.xlsx"
    assert (
        run_cli(wh, "form", "--questionnaire", "dealer-sales", "--out", str(out), "--lang", lang).returncode
        == 0
    )
    template = pl.read_excel(out, has_header=False, infer_schema_length=0)
    header, instructions = list(template.row(0)), list(template.row(1))
    assert instructions[0].startswith(forms.MARKS)
    q = parse((EXAMPLES / "dealer-sales.toml").read_text(encoding="utf-8"))
    assert header[5 : 5 + len(q.items)] == [i.column for i in q.items]
    # the clerk's copy: the template's two rows, then two forms (dates typed as Excel dates)
    filled = io.BytesIO()
    book = xlsxwriter.Workbook(filled, {"in_memory": True})
    sheet = book.add_worksheet()
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    for c, (h, note) in enumerate(zip(header, instructions, strict=True)):
        sheet.write_string(0, c, h)
        sheet.write_string(1, c, note or "")
    labels = (
        ["非常满意", "满意", "一般", "满意", "不满意", "满意", "非常满意"]
        if lang == "zh"
        else ["5", "4", "3", "4", "2", "4", "5"]
    )
    for r, (rid, customer) in enumerate((("PF-1", "C001"), ("PF-2", "C002")), start=2):
        sheet.write_string(r, 0, rid)
        sheet.write_string(r, 1, customer)
        sheet.write_datetime(r, 2, dt.datetime(2026, 11, 20), date)
        sheet.write_string(r, 3, "信函" if lang == "zh" else "mail")
        for c, value in enumerate(labels, start=5):
            sheet.write_string(r, c, value)
        sheet.write_string(r, 5 + len(q.items), "很好" if r == 2 else "")
    book.close()
    path = tmp_path / "filled.xlsx"
    path.write_bytes(filled.getvalue())
    loaded = run_cli(wh, "load", "survey", str(path), "--questionnaire", "dealer-sales")
    assert loaded.returncode == 0, loaded.stderr
    said = last_json(loaded)
    assert said["rows"] == 2 and said["ratings"] == 14
    rows = last_json(
        run_cli(
            wh, "query", "select response_id, survey_date, channel from v_csi_response order by 1", check=True
        )
    )
    assert rows == [
        {"response_id": "PF-1", "survey_date": "2026-11-20", "channel": "mail"},
        {"response_id": "PF-2", "survey_date": "2026-11-20", "channel": "mail"},
    ]


def test_a_template_with_a_changed_header_names_the_unknown_column(wh, tmp_path):
    q = parse((EXAMPLES / "dealer-sales.toml").read_text(encoding="utf-8"))
    header = forms.headers(q)
    header[5] = "产品性能（改）"
    text = (
        ",".join(header)
        + "\n"
        + "【填写说明】…"
        + "," * (len(header) - 1)
        + "\nPF-9,C001,2026-11-20,电话,,满意"
        + "," * (len(header) - 6)
        + "\n"
    )
    path = tmp_path / "changed.csv"
    path.write_text(text, encoding="utf-8")
    result = run_cli(wh, "load", "survey", str(path), "--questionnaire", "dealer-sales")
    assert result.returncode == 1 and "产品性能（改）" in result.stderr and "unknown column" in result.stderr


def test_form_refuses_an_unknown_questionnaire_and_suffix(wh, tmp_path):
    bad = run_cli(wh, "form", "--questionnaire", "nope", "--out", str(tmp_path / "x.pdf"))
    assert bad.returncode == 1 and "unknown questionnaire 'nope'" in bad.stderr
    suffix = run_cli(wh, "form", "--questionnaire", "dealer-sales", "--out", str(tmp_path / "x.docx"))
    assert suffix.returncode == 1 and "--out must end in .pdf or .xlsx" in suffix.stderr
