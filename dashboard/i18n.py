"""Chinese and English labels of the dashboard; Chinese is the default."""

from __future__ import annotations

import tomllib
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

import streamlit as st

LANGS = {"zh": "中文", "en": "English"}

TEXTS = Path(__file__).parent / "texts"


def _read_texts() -> dict[str, tuple[str, str]]:
    """The dashboard's texts, one data file per language (texts/zh.toml, texts/en.toml: key =
    "text"); both must have the same keys."""
    found = {code: tomllib.loads((TEXTS / f"{code}.toml").read_text(encoding="utf-8")) for code in LANGS}
    zh, en = found["zh"], found["en"]
    if set(zh) != set(en):
        raise RuntimeError(f"texts: keys in one language only: {sorted(set(zh) ^ set(en))[:10]}")
    return {key: (zh[key], en[key]) for key in zh}


TEXT: dict[str, tuple[str, str]] = _read_texts()
# Column headers of the dashboard's tables (the data and its downloads keep the column names).
COLUMNS: dict[str, tuple[str, str]] = {
    k.removeprefix("col."): v for k, v in TEXT.items() if k.startswith("col.")
}


_LANG: ContextVar[str | None] = ContextVar("manyi_lang", default=None)


@contextmanager
def language(code: str):
    """Texts in `code` ('zh' or 'en') outside a session (the command-line report)."""
    token = _LANG.set(code)
    try:
        yield
    finally:
        _LANG.reset(token)


def lang() -> str:
    return _LANG.get() or st.session_state.get("lang", "zh")


def t(key: str, **values) -> str:
    """The label of `key` in the chosen language."""
    pair = TEXT.get(key)
    if pair is None:
        return key
    text = pair[0] if lang() == "zh" else pair[1]
    return text.format(**values) if values else text


def label(prefix: str, value) -> str:
    """Translated label of an enum value (e.g. 'cat', 'man'); the value itself when unknown."""
    key = f"{prefix}.{value}"
    return t(key) if key in TEXT else str(value)


def labels(values, prefix: str) -> dict:
    """{value: translated label}, fixed at call time.

    Widgets get `labels(...).get` as format_func rather than a function reading the language
    later: Streamlit may format options outside the script run, where session state is absent.
    """
    return {v: label(prefix, v) for v in values}
