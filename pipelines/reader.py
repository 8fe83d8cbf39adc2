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
    if skip_rows < 0:
        raise refuse(f"skip rows must be 0 or more, got {skip_rows}", str(skip_rows))
    if not data.strip():
        raise refuse("the file is empty")
    if data.startswith(XLSX_MAGIC):
        return _read_xlsx(data, sheet, skip_rows)
    if data.startswith(OLE_MAGIC):
        if "EncryptionInfo".encode("utf-16-le") in data[:65536] or b"EncryptedPackage" in data:
            raise refuse("the workbook is password-protected (encrypted): save a copy without a password")
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
    separator = _separator(text)
    _refuse_nul(text, skip_rows, separator)
    header = _raw_header(text, separator)
    try:
        frame = pl.read_csv(
            io.BytesIO(text.encode("utf-8")),
            infer_schema=False,
            separator=separator,
            empty_string_is_null=False,
            truncate_ragged_lines=False,
            raise_if_empty=True,
        )
    except (pl.exceptions.ComputeError, pl.exceptions.NoDataError) as exc:
        raise refuse(f"not a readable CSV file: {str(exc).splitlines()[0]}") from exc
    if len(header) == frame.width:
        # The header as CSV reads it: "c2""x" is c2"x, and a repeated name stays repeated (polars
        # would rename the second copy) so that the duplicate check below sees it.
        _check_duplicates(header)
        frame.columns = header
    _refuse_short_rows(text, separator, frame.width, skip_rows)
    return Table(_clean_headers(frame), encoding, 2 + skip_rows)


def _raw_header(text: str, separator: str) -> list[str]:
    try:
        return next(csv.reader(io.StringIO(text), delimiter=separator))
    except (StopIteration, csv.Error):
        return []


def _refuse_nul(text: str, skip_rows: int, separator: str) -> None:
    """A NUL character anywhere is refused with its row and column (never stored)."""
    at = text.find("\x00")
    if at < 0:
        return
    line_start = text.rfind("\n", 0, at) + 1
    row = text.count("\n", 0, at) + 1 + skip_rows
    column = text[line_start:at].count(separator) + 1
    raise ValidationError(
        [
            Problem(
                row,
                f"field {column}",
                None,
                "contains a NUL byte: not a CSV or XLSX text file (binary data?)",
            )
        ]
    )


def _refuse_short_rows(text: str, separator: str, width: int, skip_rows: int) -> None:
    """A row with fewer fields than the header is refused, not read as unanswered cells.

    polars pads a short row with empty cells, so the fields are counted on the text: per line,
    vectorised, when the file has no quotes (a quoted field may hold a separator or a line
    break); with the csv module otherwise."""
    quoted = '"' in text
    if not quoted:
        # Fast path: polars has already refused rows with too many fields, so when the separators
        # number exactly (width - 1) per non-blank line, no row can be short. Blank lines are
        # counted from below (a run of three counts as one), which can only send a clean file
        # to the exact count, never let a short row through.
        lines = text.count("\n") + 1 - text.count("\n\n") - text.endswith("\n") - text.startswith("\n")
        if text.count(separator) == (width - 1) * lines:
            return
    if quoted:
        counts = (
            (n, len(record))
            for n, record in enumerate(csv.reader(io.StringIO(text), delimiter=separator), 1)
            if record
        )
        short = [(n, k) for n, k in counts if k < width][:200]
    else:
        lines = pl.Series(text.split("\n")).str.strip_suffix("\r")
        fields = lines.str.count_matches(separator, literal=True) + 1
        frame = pl.DataFrame({"n": pl.int_range(1, len(lines) + 1, eager=True), "k": fields, "line": lines})
        short = frame.filter((pl.col("k") < width) & (pl.col("line") != "")).head(200).select("n", "k").rows()
    if short:
        raise ValidationError(
            [Problem(n + skip_rows, None, None, f"has {k} fields, header has {width}") for n, k in short]
        )


def _read_xlsx(data: bytes, sheet: str | None, skip_rows: int) -> Table:
    import fastexcel

    try:
        reader = fastexcel.read_excel(data)
        names = reader.sheet_names
        if sheet is not None and sheet not in names:
            raise refuse(f"sheet {sheet!r} not found; the workbook has {names}", sheet)
        picked = sheet if sheet is not None else 0
        loaded = reader.load_sheet(picked, header_row=skip_rows, dtypes="string")
        frame = pl.from_arrow(loaded.to_arrow())
        # fastexcel renames a repeated header (a, a_1): check the header row as written.
        raw = reader.load_sheet(picked, header_row=None, skip_rows=skip_rows, n_rows=1, dtypes="string")
        header = pl.from_arrow(raw.to_arrow())
        if header.height:
            _check_duplicates([v for v in header.row(0) if v is not None and str(v).strip()])
    except fastexcel.FastExcelError as exc:
        raise refuse(f"not a readable XLSX file: {exc}") from exc
    frame = frame.with_columns(pl.all().cast(pl.Utf8).fill_null(""))
    return Table(_clean_headers(frame), "xlsx", 2 + skip_rows)


def _check_duplicates(raw: list[str]) -> None:
    names = [str(c).strip().lstrip("\ufeff") for c in raw]
    if len(set(names)) != len(names):
        dupes = sorted({n for n in names if names.count(n) > 1})
        raise ValidationError([Problem(1, d, d, "the header names this column twice") for d in dupes])


def _clean_headers(frame: pl.DataFrame) -> pl.DataFrame:
    _check_duplicates(frame.columns)
    names = [str(c).strip().lstrip("\ufeff") for c in frame.columns]
    return frame.rename(dict(zip(frame.columns, names, strict=True)))
