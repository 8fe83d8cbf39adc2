"""Writing a questionnaire back to TOML (the editor's save and download): tables, arrays of
tables, and inline arrays of inline tables for the levels and topics, as `examples/*.toml`
write them. Reading is the standard library's tomllib."""

from __future__ import annotations

import json
import re

_BARE = re.compile(r"^[A-Za-z0-9_-]+$")


def _key(key: str) -> str:
    return key if _BARE.match(key) else json.dumps(key, ensure_ascii=False)


def _value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return (
            repr(value)
            if isinstance(value, float) and value != int(value)
            else str(int(value) if isinstance(value, float) else value)
        )
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a TOML basic string
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items() if v is not None) + " }"
    if isinstance(value, list | tuple):
        if value and all(isinstance(v, dict) for v in value):
            return "[\n" + "".join(f"  {_value(v)},\n" for v in value) + "]"
        return "[" + ", ".join(_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {value!r} as TOML")


def _is_tables(value) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _body(table: dict) -> list[str]:
    return [f"{_key(k)} = {_value(v)}" for k, v in table.items() if v is not None]


def dumps(data: dict, inline_lists: tuple[str, ...] = ("levels", "keywords", "exclude")) -> str:
    """TOML text of `data`: scalars first, then tables, then arrays of tables (a list of tables
    inside one, such as a scale's levels, is written inline)."""
    scalars = {k: v for k, v in data.items() if not isinstance(v, dict) and not _is_tables(v)}
    lines = _body(scalars)
    for key, value in data.items():
        if isinstance(value, dict):
            lines += ["", f"[{_key(key)}]", *_body(value)]
    for key, value in data.items():
        if _is_tables(value):
            for row in value:
                lines += ["", f"[[{_key(key)}]]", *_body(row)]
    return "\n".join(lines).lstrip("\n") + "\n"
