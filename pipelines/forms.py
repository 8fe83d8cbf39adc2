"""The paper form and its entry template (CONTRACT §9, `form`): the printable 调查表 of a
questionnaire (A4 PDF, CJK fonts embedded: title, record and customer fields, each item's text
with a box per level label, the comment lines) and the XLSX a clerk types the returned forms
into (the headers a filled copy loads with and no option needed, a drop-down of levels per item,
required items marked, and an instruction row that the loader skips)."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
import tempfile
import tomllib
from pathlib import Path

import polars as pl

from pipelines.fields import SURVEY
from pipelines.questionnaire import Questionnaire

TEMPLATE = Path(__file__).with_name("data") / "form.typ"
FONT_DIRS = [
    d for d in ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/noto") if Path(d).is_dir()
]
# The entry template's second row explains each column; it starts with one of these marks, and
# the loader skips such a row (strip_instructions).
MARKS = ("【填写说明】", "[Instructions]")
TEMPLATE_FIELDS = ("response_id", "customer_id", "survey_date", "channel", "staff_id")
CHANNELS = {
    "zh": ("电话", "信函", "上门", "现场", "网络"),
    "en": ("phone", "mail", "onsite", "mobile", "web"),
}
WORDS = {
    "zh": {
        "subtitle": "客户满意度调查表",
        "fields": ("记录编号", "调查日期", "客户名称", "客户编号", "联系电话", "调查人员"),
        "channel": "调查方式：",
        "instructions": "请在每题最符合您看法的方框内打“✓”，每题只选一项；不了解的题目可以不填。",
        "comment": "您对我们还有哪些意见和建议？",
        "required": "为必答题。",
        "thanks": "感谢您的支持！",
        "page": "第 PAGE 页，共 TOTAL 页",
        "sheet": "数据",
        "first": "【填写说明】每行一份调查表；本行不会被导入",
        "id": "唯一，如 PF-2026-0001",
        "date": "年-月-日，如 2026-11-20",
        "channel_hint": "从下拉选择",
        "pick": "从下拉选择",
        "must": "必答：从下拉选择",
        "free": "可不填",
    },
    "en": {
        "subtitle": "Customer satisfaction survey form",
        "fields": ("Record no.", "Date", "Customer name", "Customer id", "Phone", "Surveyed by"),
        "channel": "Survey by: ",
        "instructions": "Tick the box that best matches your view, one per question; leave out a question you cannot judge.",
        "comment": "What else would you like to tell us?",
        "required": "must be answered.",
        "thanks": "Thank you for your time!",
        "page": "Page PAGE of TOTAL",
        "sheet": "data",
        "first": "[Instructions] One form per row; this row is not loaded",
        "id": "unique, e.g. PF-2026-0001",
        "date": "year-month-day, e.g. 2026-11-20",
        "channel_hint": "pick from the list",
        "pick": "pick from the list",
        "must": "required: pick from the list",
        "free": "optional",
    },
}


def _english(q: Questionnaire) -> dict:
    """The questionnaire's English names (title_en, items' text_en, levels' label_en)."""
    raw = tomllib.loads(q.source) if q.source else {}
    return {
        "title": raw.get("title_en"),
        "items": {i.get("id"): i.get("text_en") or i.get("label_en") for i in raw.get("items", [])},
        "levels": {
            (s.get("id"), float(level.get("value"))): level.get("label_en")
            for s in raw.get("scales", [])
            for level in s.get("levels", [])
            if isinstance(level, dict) and level.get("value") is not None
        },
        "dimensions": {d.get("id"): d.get("label_en") for d in raw.get("dimensions", [])},
    }


def _content(q: Questionnaire, lang: str) -> dict:
    words = WORDS[lang]
    en = _english(q) if lang == "en" else None
    dims = []
    number = 0
    for dim in q.dimensions:
        items = []
        for item in (i for i in q.items if i.dimension == dim.id):
            number += 1
            scale = q.scale(item.scale)
            levels = [
                ((en["levels"].get((scale.id, float(level.value))) if en else None) or level.label)
                for level in sorted(scale.levels, key=lambda level: level.value)
            ]
            text = ((en["items"].get(item.id) if en else None) or item.question).strip()
            items.append({"number": number, "text": text, "levels": levels, "required": item.required})
        if items:
            dims.append(
                {"label": (en["dimensions"].get(dim.id) if en else None) or dim.label, "items": items}
            )
    title = (en["title"] if en else None) or q.title
    return {
        "lang": lang,
        "title": title,
        "subtitle": words["subtitle"],
        "fields": list(words["fields"]),
        "channel_label": words["channel"],
        "channels": list(CHANNELS[lang][:4]),
        "instructions": words["instructions"],
        "dimensions": dims,
        "comment_label": words["comment"],
        "required_note": words["required"] if any(i.required for i in q.items) else "",
        "thanks": words["thanks"],
        "footer": f"{q.id} · {title}",
        "page": words["page"],
    }


def pdf(q: Questionnaire, lang: str = "zh") -> tuple[bytes, int]:
    """The printable form and its page count."""
    import re

    import typst

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "form.json").write_text(json.dumps(_content(q, lang), ensure_ascii=False), encoding="utf-8")
        shutil.copy(TEMPLATE, folder / "form.typ")
        data = typst.compile(str(folder / "form.typ"), root=str(folder), font_paths=FONT_DIRS)
    return data, len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))


def headers(q: Questionnaire, lang: str = "zh") -> list[str]:
    """The entry template's header: the survey fields (Chinese aliases, or the contract's names
    in English), the items' columns, the comment."""
    names = {f.name: (f.alias if lang == "zh" else f.name) for f in SURVEY}
    return [names[n] for n in TEMPLATE_FIELDS] + [i.column for i in q.items] + [names["comment"]]


def xlsx(q: Questionnaire, lang: str = "zh", rows: int = 1000) -> bytes:
    """The entry template: header, the instruction row, and `rows` rows with drop-downs."""
    import xlsxwriter

    words = WORDS[lang]
    en = _english(q) if lang == "en" else None
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet(words["sheet"])
    head = book.add_format(
        {"bold": True, "bg_color": "#dfe7f1", "border": 1, "text_wrap": True, "valign": "top"}
    )
    must = book.add_format({"bold": True, "bg_color": "#f8d7d7", "font_color": "#a40000", "border": 1,
                            "text_wrap": True, "valign": "top"})  # fmt: skip
    note = book.add_format({"italic": True, "font_color": "#555555", "text_wrap": True, "valign": "top"})
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    columns = headers(q, lang)
    hints = [words["first"] + "：" + words["id"] if lang == "zh" else words["first"] + ": " + words["id"], "",
             words["date"], words["channel_hint"], ""]  # fmt: skip
    for item in q.items:
        scale = q.scale(item.scale)
        text = (en["items"].get(item.id) if en else None) or item.question
        if lang == "en":  # the drop-down offers the values; the note says what they mean
            meaning = ", ".join(
                f"{level.value:g} = {en['levels'].get((scale.id, float(level.value))) or level.label}"
                for level in sorted(scale.levels, key=lambda level: level.value)
            )
            hints.append(f"{text} ({words['must'] if item.required else words['pick']}: {meaning})")
        else:
            hints.append(f"{text}（{words['must'] if item.required else words['pick']}）")
    hints.append(words["free"])
    for c, name in enumerate(columns):
        required = c >= len(TEMPLATE_FIELDS) and c < len(TEMPLATE_FIELDS) + len(q.items)
        required = required and q.items[c - len(TEMPLATE_FIELDS)].required
        sheet.write_string(0, c, name, must if required or c < 3 else head)
        sheet.write_string(1, c, hints[c], note)
        sheet.set_column(c, c, 14 if c < len(TEMPLATE_FIELDS) else 18)
    sheet.set_row(1, 60)
    last = rows + 1
    sheet.data_validation(2, 2, last, 2, {"validate": "date", "criteria": ">", "value": dt.date(1990, 1, 1),
                                          "error_message": words["date"]})  # fmt: skip
    sheet.set_column(2, 2, 14, date)
    sheet.data_validation(2, 3, last, 3, {"validate": "list", "source": list(CHANNELS[lang])})
    for n, item in enumerate(q.items):
        scale = q.scale(item.scale)
        ordered = sorted(scale.levels, key=lambda level: level.value)
        choices = (
            [level.label for level in ordered] if lang == "zh" else [f"{level.value:g}" for level in ordered]
        )
        c = len(TEMPLATE_FIELDS) + n
        sheet.data_validation(2, c, last, c, {"validate": "list", "source": choices,
                                              "error_message": " / ".join(choices)})  # fmt: skip
    sheet.freeze_panes(2, 0)
    book.close()
    return out.getvalue()


def strip_instructions(frame: pl.DataFrame) -> pl.DataFrame | None:
    """The frame without an entry template's instruction row (its first cell starts with a
    mark), or None when its first row is data."""
    if frame.height == 0 or not frame.columns:
        return None
    first = frame[frame.columns[0]][0]
    if isinstance(first, str) and first.strip().startswith(MARKS):
        return frame.slice(1)
    return None
