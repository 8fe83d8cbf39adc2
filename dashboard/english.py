"""English names of the data a questionnaire labels in Chinese (CONTRACT §1's `title_en`,
`label_en` and `text_en`, and its `[names_en]` table for competitors, scopes and other values
that come from the files): in English mode the query results carry them instead of the Chinese."""

from __future__ import annotations

import functools
import tomllib

import polars as pl

# The result columns that hold names from a questionnaire or its data.
NAMED = (
    "title",
    "dimension_label",
    "item_label",
    "level_label",
    "topic_label",
    "label",
    "cause",
    "subject",
    "competitor",
)
QUERIES = ("questionnaire_sources", "topic_names")  # the queries the names come from


@functools.lru_cache(maxsize=16)
def names(sources: tuple[str, ...], topics: tuple[tuple[str, str], ...] = ()) -> dict[str, str]:
    """{Chinese name: English name} from the questionnaires' TOML texts and the topics'
    (label, label_en) pairs."""
    found: dict[str, str] = dict(topics)

    def add(entry, key: str = "label", english: str = "label_en") -> None:
        if (
            isinstance(entry, dict)
            and isinstance(entry.get(key), str)
            and isinstance(entry.get(english), str)
        ):
            found[entry[key]] = entry[english]

    for text in sources:
        try:
            raw = tomllib.loads(text)
        except tomllib.TOMLDecodeError:
            continue
        add(raw, "title", "title_en")
        for scale in raw.get("scales", []):
            for level in scale.get("levels", []) if isinstance(scale, dict) else []:
                add(level)
        for entry in (*raw.get("dimensions", []), *raw.get("topics", [])):
            add(entry)
        for item in raw.get("items", []):
            add(item)
            add(item, "text", "text_en")
            add(item, "column", "label_en")  # an item without a label is named by its column
        for chinese, english in (raw.get("names_en") or {}).items():
            if isinstance(english, str):
                found[chinese] = english
    return found


def english(frame: pl.DataFrame, found: dict[str, str]) -> pl.DataFrame:
    """`frame` with the names in NAMED columns that have an English name replaced by it."""
    columns = [c for c in NAMED if c in frame.columns and frame.schema[c] == pl.Utf8]
    if not found or not columns:
        return frame
    return frame.with_columns(pl.col(c).replace(found) for c in columns)
