"""Read an uploaded CSV or XLSX file into an all-text polars frame."""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass

import polars as pl

from pipelines.errors import Problem, ValidationError

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"


@dataclass
class Table:
    """A file's cells as text; `first_row` is the file row number of the first data row."""

    frame: pl.DataFrame
    encoding: str
    first_row: int


def refuse(reason: str, value: str | None = None) -> ValidationError:
    return ValidationError([Problem(None, None, value, reason)])


def decode(data: bytes) -> tuple[str, str]:
    """Decode CSV bytes: UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030/GBK."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "utf-16"
    if b"\x00" in data[:4096]:
        raise refuse("not a CSV or XLSX file (binary content)")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # Excel on Chinese Windows saves CSV as GBK; GB18030 is its superset.
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        raise refuse(
            f"cannot decode the file: it is neither UTF-8 nor GB18030/GBK (byte {exc.start})"
        ) from exc


def _separator(text: str) -> str:
    sample = text[:20000]
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def read_table(data: bytes, *, sheet: str | None = None, skip_rows: int = 0) -> Table:
    """Read CSV or XLSX bytes into text columns; raise ValidationError when unreadable."""
    if not data.strip():
        raise refuse("the file is empty")
    if data.startswith(XLSX_MAGIC):
        return _read_xlsx(data, sheet, skip_rows)
    if data.startswith(OLE_MAGIC):
        raise refuse("old Excel .xls files are not supported: save the sheet as .xlsx or CSV")
    if sheet:
        raise refuse("--sheet applies to XLSX files only; this file is text (CSV)")
    text, encoding = decode(data)
    cut = 0
    for _ in range(skip_rows):
        cut = text.find("\n", cut) + 1
        if cut == 0:
            raise refuse(f"the file has fewer than {skip_rows} lines to skip")
    text = text[cut:]
    if not text.strip():
        raise refuse("the file is empty")
    try:
        frame = pl.read_csv(
            io.BytesIO(text.encode("utf-8")),
            infer_schema=False,
            separator=_separator(text),
            empty_string_is_null=False,
            truncate_ragged_lines=False,
            raise_if_empty=True,
        )
    except (pl.exceptions.ComputeError, pl.exceptions.NoDataError) as exc:
        raise refuse(f"not a readable CSV file: {str(exc).splitlines()[0]}") from exc
    return Table(_clean_headers(frame), encoding, 2 + skip_rows)


def _read_xlsx(data: bytes, sheet: str | None, skip_rows: int) -> Table:
    import fastexcel

    try:
        reader = fastexcel.read_excel(data)
        names = reader.sheet_names
        if sheet is not None and sheet not in names:
            raise refuse(f"sheet {sheet!r} not found; the workbook has {names}", sheet)
        loaded = reader.load_sheet(sheet if sheet is not None else 0, header_row=skip_rows, dtypes="string")
        frame = pl.from_arrow(loaded.to_arrow())
    except fastexcel.FastExcelError as exc:
        raise refuse(f"not a readable XLSX file: {exc}") from exc
    frame = frame.with_columns(pl.all().cast(pl.Utf8).fill_null(""))
    return Table(_clean_headers(frame), "xlsx", 2 + skip_rows)


def _clean_headers(frame: pl.DataFrame) -> pl.DataFrame:
    names = [str(c).strip().lstrip("\ufeff") for c in frame.columns]
    if len(set(names)) != len(names):
        dupes = sorted({n for n in names if names.count(n) > 1})
        raise ValidationError([Problem(1, d, d, "the header names this column twice") for d in dupes])
    return frame.rename(dict(zip(frame.columns, names, strict=True)))
