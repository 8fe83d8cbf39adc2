"""Every text of the interface, e-mails and robots as data: texts/zh.toml and texts/en.toml
(key = "text", {name} fills in a value), the same keys in both. Read by the dashboard and by
the pipelines that write to people (alerts)."""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path

TEXTS = Path(__file__).resolve().parent.parent / "texts"
LANGS = ("zh", "en")


@functools.cache
def read() -> dict[str, tuple[str, str]]:
    """{key: (Chinese, English)}; RuntimeError when the files' keys differ."""
    found = {code: tomllib.loads((TEXTS / f"{code}.toml").read_text(encoding="utf-8")) for code in LANGS}
    zh, en = found["zh"], found["en"]
    if set(zh) != set(en):
        raise RuntimeError(f"texts: keys in one language only: {sorted(set(zh) ^ set(en))[:10]}")
    return {key: (zh[key], en[key]) for key in zh}


def text(key: str, lang: str = "zh", **values) -> str:
    """The text of `key` in `lang` (the key itself when unknown)."""
    pair = read().get(key)
    if pair is None:
        return key
    found = pair[0] if lang == "zh" else pair[1]
    return found.format(**values) if values else found
