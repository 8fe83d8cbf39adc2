"""The report as files: PDF (typst lays out A4 pages with Noto CJK embedded; kaleido draws the
plotly charts in Debian's Chromium, all in one browser start) and XLSX (one sheet per section,
real numbers, frozen headers)."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import shutil
import tempfile
from pathlib import Path

import polars as pl
import xlsxwriter

from dashboard.i18n import t
from dashboard.report import COMMENTS_IN_PDF, Report
from warehouse import audit

TEMPLATE = Path(__file__).with_name("report.typ")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FONT_DIRS = [
    d for d in ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/noto") if Path(d).is_dir()
]
CHART_WIDTH = 1000  # px at scale 2: sharp on A4


def _cell(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def _cover(report: Report) -> list[tuple[str, str]]:
    return [
        (t("report.questionnaire"), f"{report.title} ({report.questionnaire_id})"),
        (t("report.period"), report.period.text),
        *report.filters,
        (t("report.generated"), report.generated_at),
    ]


def _charts(report: Report, folder: Path) -> dict[str, str]:
    """Every section's figure as a PNG, drawn with one Chromium start (plotly.io.write_images)."""
    import plotly.io as pio

    figures = [(s.key, _for_paper(s.figure)) for s in report.sections if s.figure is not None]
    if not figures:
        return {}
    os.environ.setdefault("BROWSER_PATH", CHROMIUM)
    names = [f"{key}.png" for key, _ in figures]
    pio.write_images(
        [fig for _, fig in figures],
        [str(folder / name) for name in names],
        width=CHART_WIDTH,
        height=[int(fig.layout.height or 380) for _, fig in figures],
        scale=2,
    )
    # plotly.io.write_images says nothing when kaleido fails to draw a figure (seen on a loaded
    # machine: the PDF then stopped on a missing image). Each missing one is drawn again alone,
    # where kaleido's error, if any, is raised.
    for (_, fig), name in zip(figures, names, strict=True):
        if not (folder / name).exists():
            pio.write_image(
                fig, str(folder / name), width=CHART_WIDTH, height=int(fig.layout.height or 380), scale=2
            )
    return {key: name for (key, _), name in zip(figures, names, strict=True)}


def _for_paper(figure):
    """The dashboard's figure with room for its axis labels on a page (the screen's margins are
    tight) and month ticks as 2026-09 in every language."""
    import plotly.graph_objects as go

    fig = go.Figure(figure)
    fig.update_layout(margin={"l": 20, "r": 20, "t": 50, "b": 20}, height=int(fig.layout.height or 380) + 40)
    fig.update_xaxes(automargin=True)
    fig.update_yaxes(automargin=True)
    if any(
        getattr(trace, "x", None) is not None and len(trace.x) and isinstance(trace.x[0], dt.date)
        for trace in fig.data
    ):
        fig.update_xaxes(tickformat="%Y-%m")
    return fig


def to_pdf(report: Report, out: io.BytesIO) -> int:
    """Write the PDF; return its page count."""
    import typst

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        images = _charts(report, folder)
        sections = []
        for section in report.sections:
            table = section.table
            note = section.note
            if table is not None and section.key == "comments" and table.height > COMMENTS_IN_PDF:
                note = t("report.more_in_xlsx", shown=COMMENTS_IN_PDF, total=table.height)
                table = table.head(COMMENTS_IN_PDF)
            sections.append(
                {
                    "title": t(f"report.section.{section.key}"),
                    "reading": section.reading,
                    "image": images.get(section.key),
                    "header": table.columns if table is not None else [],
                    "rows": [[_cell(v) for v in row] for row in table.iter_rows()]
                    if table is not None
                    else [],
                    "wide": section.key in ("comments", "actions"),
                    "note": note,
                }
            )
        doc = {
            "lang": report.lang,
            "title": t("report.title"),
            "subtitle": f"{report.title} · {report.period.text}",
            "cover": [list(pair) for pair in _cover(report)],
            "masked": t("report.masked"),
            "page": t("report.page", page="PAGE", total="TOTAL"),
            "sections": sections,
        }
        (folder / "report.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        shutil.copy(TEMPLATE, folder / "report.typ")
        pdf = typst.compile(str(folder / "report.typ"), root=str(folder), font_paths=FONT_DIRS)
    out.write(pdf)
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


# Excel allows 31 characters in a sheet name: a section whose title is longer has a short name.
SHORT_SHEETS = {"voice", "comments"}


def sheet_names(report: Report) -> list[str]:
    def name(key: str) -> str:
        return t(f"report.sheet.{key}") if key in SHORT_SHEETS else t(f"report.section.{key}")

    return [t("report.section.cover")] + [name(s.key) for s in report.sections]


def to_xlsx(report: Report, out: Path | io.BytesIO) -> list[str]:
    """Write the XLSX (a cover sheet, then one sheet per section); return the sheet names."""
    workbook = xlsxwriter.Workbook(out, {"in_memory": True})
    bold = workbook.add_format({"bold": True})
    title = workbook.add_format({"bold": True, "font_size": 14})
    names = sheet_names(report)
    cover = workbook.add_worksheet(names[0])
    cover.write(0, 0, t("report.title"), title)
    for row, (key, value) in enumerate(_cover(report), start=2):
        cover.write(row, 0, key, bold)
        cover.write(row, 1, value)
    cover.set_column(0, 0, 18)
    cover.set_column(1, 1, 60)
    for name, section in zip(names[1:], report.sections, strict=True):
        sheet = workbook.add_worksheet(name)
        sheet.write(0, 0, section.reading, bold)
        if section.table is None or section.table.is_empty():
            continue
        _frame(workbook, sheet, section.table)
    workbook.close()
    return names


def _frame(workbook, sheet, frame: pl.DataFrame) -> None:
    """The table from row 3 with a frozen header, numbers as numbers, widths that fit."""
    head = workbook.add_format({"bold": True, "bg_color": "#EEF2F7", "border": 1})
    decimal = workbook.add_format({"num_format": "#,##0.0"})
    integer = workbook.add_format({"num_format": "#,##0"})
    date = workbook.add_format({"num_format": "yyyy-mm-dd"})
    first = 2
    for col, (name, dtype) in enumerate(frame.schema.items()):
        sheet.write(first, col, name, head)
        values = frame[name].to_list()
        fmt = (
            decimal
            if dtype.is_float()
            else integer
            if dtype.is_integer()
            else date
            if dtype == pl.Date
            else None
        )
        width = max([len(str(name))] + [len(_cell(v)) for v in values[:500]])
        # CJK characters are about two columns wide
        cjk = max([sum(1 for ch in str(v) if ord(ch) > 0x2E80) for v in [name, *values[:500]]] or [0])
        sheet.set_column(col, col, min(60, width + cjk + 2))
        for row, value in enumerate(values, start=first + 1):
            if value is None:
                continue
            if dtype == pl.Date:
                sheet.write_datetime(row, col, dt.datetime.combine(value, dt.time()), fmt)
            elif dtype.is_numeric():
                sheet.write_number(row, col, value, fmt)
            else:
                sheet.write_string(row, col, str(value))  # a string cell, never a formula
    sheet.freeze_panes(first + 1, 0)


def make(
    con,
    out: Path | io.BytesIO,
    qid: str,
    period_text: str,
    *,
    lang: str = "zh",
    scope: str | None = None,
    segment: str | None = None,
    region: str | None = None,
    channel=None,
    staff=None,
    user: str | None = None,
    role: str = "analyst",
    regions=None,
    unmask: bool = False,
    kind: str | None = None,
    record: bool = True,
) -> dict:
    """Gather and write one report (PDF or XLSX by `kind` or out's suffix) through the query
    layer as `role` limited to `regions`; one `report` audit event (unless `record` is False:
    the caller audits). Returns the summary."""
    from dashboard.i18n import language
    from dashboard.report import build, parse_period
    from dashboard.state import offline

    kind = kind or Path(str(out)).suffix.lower().lstrip(".")
    period = parse_period(period_text)
    with offline(con, role, regions, unmask), language(lang):
        report = build(
            qid, period, scope, segment, region, regions=regions, lang=lang, channel=channel, staff=staff
        )
        summary = {
            "format": kind,
            "period": period.text,
            "grain": period.grain,
            "questionnaire": qid,
            "lang": lang,
        }
        buffer = io.BytesIO()
        if kind == "pdf":
            summary["pages"] = to_pdf(report, buffer)
        else:
            summary["sheets"] = to_xlsx(report, buffer)
    data = buffer.getvalue()
    if isinstance(out, io.BytesIO):
        out.write(data)
        summary["file"] = None
    else:
        Path(out).write_bytes(data)
        summary["file"] = str(Path(out).absolute())
    summary["bytes"] = len(data)
    summary["filters"] = {
        "scope": scope,
        "segment": segment,
        "region": region,
        "channel": channel,
        "staff": staff,
        "regions": regions,
    }
    summary["kpis"] = report.kpis
    if record:
        audit.append(con, "report", None, summary, user=user)
    return summary
