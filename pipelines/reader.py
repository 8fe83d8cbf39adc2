"""Read an uploaded CSV or XLSX file into all-text polars frames, piece by piece.

A CSV file is read in pieces of about PIECE_CHARS characters, each cut where a record ends
(at a line break outside quotes), so that a load holds one piece at a time, never the whole
file: the same file read whole or in pieces gives the same rows, row numbers and problems
(tests/test_pieces.py). The encoding is decided first, by a pass over the whole file. An XLSX
sheet is one piece (Excel's own limit is 1,048,576 rows).
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

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
    sheet: str | None = None  # the workbook sheet read (XLSX)
    hidden_sheets: tuple[str, ...] = ()  # the workbook's hidden sheets, not read by default


@dataclass(frozen=True)
class Limits:
    """What one file may hold, refused at once and in words before the memory is spent
    (the settings upload_max_* and xlsx_max_*: warehouse.settings)."""

    max_bytes: int = 1024 * 2**20
    max_rows: int = 20_000_000
    max_columns: int = 1000
    max_cell_chars: int = 100_000  # a CFPB complaint narrative runs to 22,000
    xlsx_max_unpacked: int = 1024 * 2**20
    xlsx_max_ratio: int = 100

    @property
    def max_record_chars(self) -> int:
        """The longest a record can be within the column and cell limits (separators, quotes)."""
        return self.record_chars(self.max_columns)

    def record_chars(self, columns: int) -> int:
        """The longest a record of `columns` fields can be within the cell limit."""
        return max(columns, 1) * (self.max_cell_chars + 3) + 2


def refuse(reason: str, value: str | None = None) -> ValidationError:
    return ValidationError([Problem(None, None, value, reason)])


# Characters of CSV text per piece: a piece and its frame stay a few hundred MB at most.
PIECE_CHARS = 8 * 2**20
_BLOCK_BYTES = 8 * 2**20
# Short rows reported, at most, over all pieces of a file.
_MAX_SHORT = 200

Source = bytes | Path


def byte_blocks(source: Source, size: int = _BLOCK_BYTES) -> Iterator[bytes]:
    if isinstance(source, bytes | bytearray | memoryview):
        view = memoryview(source)
        for start in range(0, len(view), size):
            yield bytes(view[start : start + size])
        return
    with open(source, "rb") as handle:
        while block := handle.read(size):
            yield block


def head(source: Source, size: int = 65536) -> bytes:
    """The first `size` bytes of the file."""
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source[:size])
    with open(source, "rb") as handle:
        return handle.read(size)


def _is_blank(source: Source) -> bool:
    return all(not block.strip() for block in byte_blocks(source))


def encoding_of(source: Source) -> tuple[str, str]:
    """(codec, name) of CSV bytes: UTF-8 (with or without BOM), UTF-16 with BOM, or
    GB18030/GBK, decided by decoding the whole file once (in blocks)."""
    start = head(source, 4)
    if start.startswith(codecs.BOM_UTF8):
        failed = _decodes(source, "utf-8-sig")
        if failed is not None:
            raise refuse(
                f"the file starts with a UTF-8 mark (BOM) but byte {failed} is not UTF-8: "
                "it mixes encodings (GBK text behind a UTF-8 mark?); save it again as UTF-8 or GBK"
            )
        return "utf-8-sig", "utf-8-sig"
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", "utf-16"
    if _decodes(source, "utf-8") is None:
        return "utf-8", "utf-8"
    # Excel on Chinese Windows saves CSV as GBK; GB18030 is its superset.
    failed = _decodes(source, "gb18030")
    if failed is None:
        return "gb18030", "gb18030"
    raise refuse(f"cannot decode the file: it is neither UTF-8 nor GB18030/GBK (byte {failed})")


def _decodes(source: Source, codec: str) -> int | None:
    """None when the whole file decodes as `codec`, else the offset of the first bad byte."""
    decoder = codecs.getincrementaldecoder(codec)()
    seen = 0
    try:
        for block in byte_blocks(source):
            decoder.decode(block)
            seen += len(block)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        pending = len(exc.object) - len(block) if exc.object is not None else 0
        return max(0, seen - pending + exc.start)
    return None


def _text_blocks(source: Source, codec: str) -> Iterator[str]:
    decoder = codecs.getincrementaldecoder(codec)()
    for block in byte_blocks(source):
        if text := decoder.decode(block):
            yield text
    if tail := decoder.decode(b"", final=True):
        yield tail


def _record_end(text: str, start: int = 0) -> int:
    """Index of the first line break at or after `start` that ends a record (an even number of
    quotes before it, counted from the start of `text`, itself a record start); -1 if none."""
    at = text.find("\n", start)
    if '"' not in text:
        return at
    while at >= 0 and text.count('"', 0, at) % 2:
        at = text.find("\n", at + 1)
    return at


def _last_record_end(text: str) -> int:
    """Index of the last line break of `text` that ends a record; -1 if none."""
    at = text.rfind("\n")
    if '"' not in text:
        return at
    while at >= 0 and text.count('"', 0, at) % 2:
        at = text.rfind("\n", 0, at)
    return at


def _separator(text: str) -> str:
    sample = text[:20000]
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def _size(data: Source) -> int:
    return len(data) if isinstance(data, bytes | bytearray | memoryview) else Path(data).stat().st_size


def _mib(size: int) -> str:
    return f"{size / 2**20:,.1f} MiB"


def read_pieces(
    data: Source,
    *,
    sheet: str | None = None,
    skip_rows: int = 0,
    piece_chars: int | None = None,
    limits: Limits = Limits(),
) -> Iterator[Table]:
    """The file's cells as text, in pieces of whole records (at least one, maybe of no rows);
    each piece's `first_row` is the file row number of its first record. Problems that only
    a whole-file pass finds (rows with too few fields) are raised after the last piece.
    A file past one of `limits` is refused as soon as that is seen."""
    if skip_rows < 0:
        raise refuse(f"skip rows must be 0 or more, got {skip_rows}", str(skip_rows))
    if _size(data) > limits.max_bytes:
        raise refuse(
            f"the file is {_mib(_size(data))}, more than the limit of {_mib(limits.max_bytes)} "
            "(setting upload_max_mb)"
        )
    if not head(data).strip() and _is_blank(data):  # the whole file only when it starts blank
        raise refuse("the file is empty")
    start = head(data)
    if start.startswith(XLSX_MAGIC):
        whole = data if isinstance(data, bytes) else Path(data).read_bytes()
        yield _read_xlsx(whole, sheet, skip_rows, limits)
        return
    if start.startswith(OLE_MAGIC):
        whole = data if isinstance(data, bytes) else Path(data).read_bytes()
        if "EncryptionInfo".encode("utf-16-le") in whole[:65536] or b"EncryptedPackage" in whole:
            raise refuse("the workbook is password-protected (encrypted): save a copy without a password")
        raise refuse("old Excel .xls files are not supported: save the sheet as .xlsx or CSV")
    if sheet:
        raise refuse("--sheet applies to XLSX files only; this file is text (CSV)")
    yield from _csv_pieces(data, skip_rows, piece_chars or PIECE_CHARS, limits)


def _lines_by_cr(blocks: Iterator[str]) -> Iterator[str]:
    """Text whose lines end in a lone CR (classic Mac OS) with the CRs read as line breaks."""
    for block in blocks:
        yield block.replace("\r", "\n")


def _too_long(text: str, separator: str, header: list[str], row: int, limits: Limits) -> ValidationError:
    """A record that runs past the longest a record can be: the field it stops in is named."""
    fields = next(csv.reader(io.StringIO(text[: limits.max_record_chars]), delimiter=separator), [])
    at = max(len(fields) - 1, 0)
    column = header[at] if at < len(header) else f"field {at + 1}"
    return ValidationError(
        [
            Problem(
                row,
                column,
                None,
                f"longer than {limits.max_cell_chars:,} characters (setting upload_max_cell_chars), "
                "or a quote that is never closed",
            )
        ]
    )


def _check_cells(frame: pl.DataFrame, first_row: int, limits: Limits) -> None:
    """Cells longer than the limit, one problem per column (its first such row)."""
    # A string's length in bytes is known at once and never less than its length in characters.
    long = [
        c
        for c, n in frame.select(pl.all().str.len_bytes().max()).row(0, named=True).items()
        if n and n > limits.max_cell_chars
    ]
    problems = []
    for column in long:
        found = (
            frame.with_row_index("__row", offset=first_row)
            .filter(pl.col(column).str.len_chars() > limits.max_cell_chars)
            .select("__row", column)
            .head(1)
        )
        if found.height:
            row, value = found.row(0)
            problems.append(
                Problem(
                    row,
                    column,
                    value[:40] + "…",
                    f"longer than {limits.max_cell_chars:,} characters (setting upload_max_cell_chars)",
                )
            )
    if problems:
        raise ValidationError(problems)


def _check_shape(columns: int, rows: int, limits: Limits) -> None:
    if columns > limits.max_columns:
        raise refuse(
            f"the file has {columns:,} columns, more than {limits.max_columns:,} (setting upload_max_columns)"
        )
    if rows > limits.max_rows:
        raise refuse(
            f"the file has more than {limits.max_rows:,} data rows (setting upload_max_rows): split it"
        )


def _csv_pieces(data: Source, skip_rows: int, piece_chars: int, limits: Limits) -> Iterator[Table]:
    # The csv module (header, short rows, a long record's column) refuses a field over its own
    # limit of 128 KiB with an error of its own: ours are checked first, in words.
    csv.field_size_limit(max(csv.field_size_limit(), limits.max_record_chars + 1))
    codec, encoding = encoding_of(data)
    blocks = _text_blocks(data, codec)
    first = next(blocks, "")
    if "\r" in first and "\n" not in first:
        blocks = _lines_by_cr(blocks)
        first = first.replace("\r", "\n")
    blocks = itertools.chain([first], blocks)
    buf, exhausted = "", False

    def more() -> bool:
        nonlocal buf, exhausted
        block = None if exhausted else next(blocks, None)
        if block is None:
            exhausted = True
            return False
        buf += block
        return True

    cut = 0
    for _ in range(skip_rows):
        while (at := buf.find("\n", cut)) < 0:
            if not more():
                raise refuse(f"the file has fewer than {skip_rows} lines to skip")
        cut = at + 1
    buf = buf[cut:]
    while not buf.strip() and more():
        pass
    if not buf.strip():
        raise refuse("the file is empty")
    while (end := _record_end(buf)) < 0 and more():
        if len(buf) > limits.max_record_chars:
            raise refuse(
                f"the header line is longer than {limits.max_record_chars:,} characters: not a CSV header"
            )
    header_text = buf if end < 0 else buf[: end + 1]
    buf = buf[len(header_text) :]
    if not header_text.endswith("\n"):
        header_text += "\n"
    while len(buf) < 20000 and more():
        pass
    separator = _separator(header_text + buf[:20000])
    header = _raw_header(header_text, separator)
    _check_shape(len(header), 0, limits)
    lines_before, records_before, short = skip_rows, 0, []
    while True:
        while len(buf) < piece_chars and more():
            pass
        if exhausted and len(buf) <= piece_chars:
            piece, buf = buf, ""
        else:
            end = _last_record_end(buf[:piece_chars])
            if end < 0:  # a record longer than a piece: cut after it
                longest = limits.record_chars(len(header))  # the header tells how many fields
                while (end := _record_end(buf, piece_chars)) < 0 and more():
                    if len(buf) > longest:
                        raise _too_long(buf, separator, header, 2 + skip_rows + records_before, limits)
                if end > longest:
                    raise _too_long(buf, separator, header, 2 + skip_rows + records_before, limits)
            piece, buf = (buf, "") if end < 0 else (buf[: end + 1], buf[end + 1 :])
        last = exhausted and not buf
        text = header_text + piece
        _refuse_nul(text, lines_before, separator)
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
            # The header as CSV reads it: "c2""x" is c2"x, and a repeated name stays repeated
            # (polars would rename the second copy) so that the duplicate check sees it.
            _check_duplicates(header)
            frame.columns = header
        try:
            _refuse_short_rows(text, separator, frame.width, lines_before)
        except ValidationError as exc:
            short += exc.problems[: _MAX_SHORT - len(short)]
        lines_before += piece.count("\n")
        first_row = 2 + skip_rows + records_before
        records_before += frame.height
        _check_shape(frame.width, records_before, limits)
        _check_cells(frame, first_row, limits)
        if not short and (frame.height or (last and records_before == 0)):
            yield Table(_clean_headers(frame), encoding, first_row)
        if last:
            break
    if short:
        raise ValidationError(short)


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


def _check_unpacked(data: bytes, limits: Limits) -> None:
    """Refuse a workbook that would unpack past the limits (a zip bomb) before reading it."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            unpacked = sum(entry.file_size for entry in book.infolist())
    except (zipfile.BadZipFile, ValueError) as exc:
        raise refuse(f"not a readable XLSX file: {exc}") from exc
    if unpacked > limits.xlsx_max_unpacked:
        raise refuse(
            f"the workbook unpacks to {_mib(unpacked)}, more than {_mib(limits.xlsx_max_unpacked)} "
            "(setting xlsx_max_unpacked_mb)"
        )
    if unpacked > limits.xlsx_max_ratio * max(len(data), 1):
        raise refuse(
            f"the workbook unpacks to {unpacked / max(len(data), 1):,.0f} times its size, more than "
            f"{limits.xlsx_max_ratio:,} (setting xlsx_max_ratio): not a workbook a person saved"
        )


def _read_xlsx(data: bytes, sheet: str | None, skip_rows: int, limits: Limits = Limits()) -> Table:
    import fastexcel

    _check_unpacked(data, limits)
    try:
        reader = fastexcel.read_excel(data)
        names = reader.sheet_names
        if sheet is not None and sheet not in names:
            raise refuse(f"sheet {sheet!r} not found; the workbook has {names}", sheet)
        hidden = tuple(n for n in names if reader.load_sheet(n, n_rows=0).visible != "visible")
        if sheet is None:
            shown = [n for n in names if n not in hidden]
            if not shown:
                raise refuse("every sheet of the workbook is hidden: name one with --sheet")
            sheet = shown[0]
        loaded = reader.load_sheet(sheet, header_row=skip_rows, dtypes="string")
        _check_shape(loaded.width, loaded.height, limits)
        frame = pl.from_arrow(loaded.to_arrow())
        # fastexcel renames a repeated header (a, a_1): check the header row as written.
        raw = reader.load_sheet(sheet, header_row=None, skip_rows=skip_rows, n_rows=1, dtypes="string")
        header = pl.from_arrow(raw.to_arrow())
        if header.height:
            _check_duplicates([v for v in header.row(0) if v is not None and str(v).strip()])
    except fastexcel.FastExcelError as exc:
        raise refuse(f"not a readable XLSX file: {exc}") from exc
    frame = frame.with_columns(pl.all().cast(pl.Utf8).fill_null(""))
    _check_cells(frame, 2 + skip_rows, limits)
    return Table(_clean_headers(frame), "xlsx", 2 + skip_rows, sheet, tuple(n for n in hidden if n != sheet))


def _check_duplicates(raw: list[str]) -> None:
    names = [str(c).strip().lstrip("\ufeff") for c in raw]
    if len(set(names)) != len(names):
        dupes = sorted({n for n in names if names.count(n) > 1})
        raise ValidationError([Problem(1, d, d, "the header names this column twice") for d in dupes])


def _clean_headers(frame: pl.DataFrame) -> pl.DataFrame:
    _check_duplicates(frame.columns)
    names = [str(c).strip().lstrip("\ufeff") for c in frame.columns]
    return frame.rename(dict(zip(frame.columns, names, strict=True)))
