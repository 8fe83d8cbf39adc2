"""Chinese and English labels of the dashboard; Chinese is the default."""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

import streamlit as st

from warehouse import texts

LANGS = {"zh": "中文", "en": "English"}

TEXT: dict[str, tuple[str, str]] = dict(texts.read())  # texts/zh.toml and texts/en.toml
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
