"""Table downloads that Excel opens correctly: CSV (UTF-8 with BOM) and XLSX."""

from __future__ import annotations

import io

import polars as pl

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(frame: pl.DataFrame) -> pl.DataFrame:
    """Prefix text cells that a spreadsheet would run as formulas with an apostrophe."""
    text_cols = [c for c, dtype in frame.schema.items() if dtype == pl.Utf8]
    return frame.with_columns(
        [pl.when(_starts(c)).then(pl.lit("'") + pl.col(c)).otherwise(pl.col(c)).alias(c) for c in text_cols]
    )


def _starts(column: str) -> pl.Expr:
    expr = pl.lit(False)
    for prefix in FORMULA_START:
        expr = expr | pl.col(column).str.starts_with(prefix)
    return expr.fill_null(False)


def _flat(frame: pl.DataFrame) -> pl.DataFrame:
    nested = [c for c, dtype in frame.schema.items() if dtype.is_nested()]
    return frame.with_columns([pl.col(c).cast(pl.Utf8) for c in nested]) if nested else frame


def to_csv(frame: pl.DataFrame) -> bytes:
    """UTF-8 with BOM, so Excel on Chinese Windows shows Chinese text correctly."""
    return b"\xef\xbb\xbf" + neutralise(_flat(frame)).write_csv().encode("utf-8")


def to_xlsx(frame: pl.DataFrame, sheet: str = "data") -> bytes:
    buffer = io.BytesIO()
    clean = neutralise(_flat(frame))
    tz = [c for c, d in clean.schema.items() if isinstance(d, pl.Datetime) and d.time_zone]
    clean = clean.with_columns([pl.col(c).dt.replace_time_zone(None) for c in tz])
    clean.write_excel(buffer, worksheet=sheet[:31], autofit=True)
    return buffer.getvalue()
