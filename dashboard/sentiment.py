"""Approximate sentiment of Chinese comments (snownlp's bundled model, offline).

snownlp is old and was trained on product reviews, so it is shown only as "approximate", beside
the ratings, for the comments a user drills into; never as a KPI. `python -m bench.sentiment`
measures how well it agrees with the ratings (README "What customers say"); tests/test_comments.py
keeps the agreement above the bar at which the page may show it. English and other texts
without Chinese get no score.
"""

from __future__ import annotations

import re
from functools import cache

_CJK = re.compile(r"[\u3400-\u9fff]")


@cache
def _model():
    from snownlp import SnowNLP  # loads its model once per process (about 1 s)

    return SnowNLP


def score(text: str | None) -> float | None:
    """0 (negative) to 1 (positive); None for an empty or non-Chinese text."""
    if not text or not _CJK.search(text):
        return None
    try:
        return float(_model()(text).sentiments)
    except (ZeroDivisionError, ValueError, KeyError):
        return None


def scores(texts: list[str | None]) -> list[float | None]:
    """Each text's score; a text repeated is scored once."""
    memo: dict[str | None, float | None] = {}
    out = []
    for text in texts:
        if text not in memo:
            memo[text] = score(text)
        out.append(memo[text])
    return out


def auc(negative: list[float], positive: list[float]) -> float | None:
    """P(a positive text scores above a negative one), ties half: the Mann-Whitney U / (n m)."""
    if not negative or not positive:
        return None
    from scipy.stats import mannwhitneyu

    u = mannwhitneyu(positive, negative, alternative="two-sided").statistic
    return float(u) / (len(positive) * len(negative))
