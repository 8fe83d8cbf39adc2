"""Masking of personal numbers (CONTRACT §7): phone and ID-card numbers, alone or inside text.

A number is a run of at least 7 digits, optionally split by single spaces or hyphens (138 1234
5678, 010-6552-1234) and ending in X for an ID card. Numbers of 11 or more characters keep the
first 3 and the last 4 (138****5678, 110101***********1234 → 110***********1234); shorter ones
(7-10: landlines) keep the first 2 and the last 2 (65****34). Separators are dropped; a
date written 2025-12-01 is left alone.
"""

from __future__ import annotations

import re

_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d(?:[ \-]?\d){6,}(?:[Xx])?(?![0-9A-Za-z])")


_DATE = re.compile(r"(?:19|20)\d\d-\d{1,2}-\d{1,2}")


def _mask(match: re.Match) -> str:
    if _DATE.fullmatch(match.group(0)):  # 2025-12-01 is a date, not a number to hide
        return match.group(0)
    chars = [c for c in match.group(0) if c not in " -"]
    head, tail = (3, 4) if len(chars) >= 11 else (2, 2)
    return "".join(chars[:head]) + "*" * (len(chars) - head - tail) + "".join(chars[-tail:])


def mask(text: str | None) -> str | None:
    """`text` with every phone or ID-card number masked."""
    if text is None:
        return None
    return _NUMBER.sub(_mask, text)
