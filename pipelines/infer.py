"""`questionnaire infer` (CONTRACT §9): a questionnaire TOML drafted from a survey platform's
answer export, for the analyst to check and add. An item per rating question (its `text` the
question, its `column` the question without its number, so the export loads against it); a
scale per set of answer labels seen, ordered from the most negative to the most positive; a
dimension per matrix question (its stem), the single questions in one dimension."""

from __future__ import annotations

import json
import re

import polars as pl

from pipelines import platforms
from pipelines.questionnaire import parse

# Label sets from the most negative to the most positive, as Chinese (and English) surveys word
# them; a question whose answers all lie in one set is a rating on that set's scale.
ORDERS = (
    ("非常不满意", "不满意", "一般", "满意", "非常满意"),
    ("很不满意", "不满意", "一般", "满意", "很满意"),
    ("非常不满意", "比较不满意", "一般", "比较满意", "非常满意"),
    ("非常不满意", "不太满意", "一般", "比较满意", "非常满意"),
    ("不满意", "一般", "满意"),
    ("非常不同意", "不同意", "一般", "同意", "非常同意"),
    ("非常差", "差", "一般", "好", "非常好"),
    ("很差", "较差", "一般", "较好", "很好"),
    ("差", "较差", "一般", "较好", "好"),
    ("very dissatisfied", "dissatisfied", "neutral", "satisfied", "very satisfied"),
    ("strongly disagree", "disagree", "neutral", "agree", "strongly agree"),
)
NA_WORDS = ("不清楚", "说不清", "不适用", "不了解", "无法评价", "N/A")


class InferError(ValueError):
    """An export from which no questionnaire can be drafted, in words."""


def _scale_of(values: list[str]) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """(levels, na words) of the first known order holding every answer, or of the numbers 0-10."""
    seen = {v for v in values if v not in NA_WORDS}
    if not seen:
        return None
    na = tuple(sorted({v for v in values if v in NA_WORDS}))
    folded = {v.lower() for v in seen}
    for order in ORDERS:
        if folded <= {o.lower() for o in order}:
            return order, na
    if all(re.fullmatch(r"\d+", v) for v in seen):
        numbers = sorted(int(v) for v in seen)
        if numbers[-1] <= 10:
            low, high = (0, 10) if numbers[0] == 0 or numbers[-1] > 7 else (1, max(5, numbers[-1]))
            return tuple(str(n) for n in range(low, high + 1)), na
    return None


def _string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a TOML basic string


def infer(frame: pl.DataFrame, platform: str | None, qid: str, title: str) -> tuple[str, dict]:
    """The TOML text of a questionnaire for this export (its first rows `frame`) and what was
    made of each question: {"items": [...], "skipped": [...]}. InferError when nothing rates."""
    platform = platform or platforms.recognise(frame.columns)
    if platform is None:
        raise InferError(
            "not a 问卷星 / 腾讯问卷 / 金数据 answer export (no submission time column): name the platform with --from"
        )
    meta = platforms.META[platform]
    own = {*meta["number"], *meta["time"], *meta["other"]}
    scales: dict[tuple[str, ...], str] = {}
    nas: dict[str, tuple[str, ...]] = {}
    dimensions: dict[str, str] = {}
    items: list[dict] = []
    skipped: list[str] = []
    columns_used: set[str] = set()
    for header in frame.columns:
        if header.strip() in own:
            continue
        values = [
            v for v in frame[header].drop_nulls().cast(pl.Utf8).str.strip_chars().to_list()
            if v and v not in platforms.NOT_ANSWERED
        ]  # fmt: skip
        found = _scale_of(values)
        if found is None:
            skipped.append(header)
            continue
        order, na = found
        scale = scales.setdefault(order, f"s{len(scales) + 1}")
        nas[scale] = tuple(sorted(set(nas.get(scale, ())) | set(na)))
        whole, sub = platforms.question_parts(header)
        stem = whole[: -len(sub)].rstrip(" —－–-:：_") if sub and whole.endswith(sub) else None
        dimension = dimensions.setdefault(stem or "总体", f"D{len(dimensions) + 1}")
        column = sub if sub and sub not in columns_used else whole
        columns_used.add(column)
        items.append({"id": f"q{len(items) + 1}", "column": column, "text": whole, "dimension": dimension,
                      "scale": scale, "header": header})  # fmt: skip
    if not items:
        raise InferError(f"no rating question in this export (questions seen: {', '.join(skipped[:10])})")
    lines = [
        f"# Drafted by `questionnaire infer` from a {platforms.NAMES[platform]} export: check the scales,",
        "# dimensions and target before `questionnaire add`.",
        *([f"# Not items (no rating scale recognised): {', '.join(skipped)}"] if skipped else []),
        f"id = {_string(qid)}",
        f"title = {_string(title)}",
        'scope = "sales"',
        "",
    ]
    for order, scale in scales.items():
        n = len(order)
        lines += ["[[scales]]", f"id = {_string(scale)}"]
        if nas.get(scale):
            lines.append(f"na = {json.dumps(['', *nas[scale]], ensure_ascii=False)}")
        lines.append("levels = [")
        for value, label in enumerate(order, start=1 if order[0] != "0" else 0):
            position = value - (0 if order[0] == "0" else 1)  # 0 … n-1, most negative first
            flag = (
                ", dissatisfied = true" if position < (n - 1) / 2 - 0.5 or (n <= 3 and position == 0)
                else ", satisfied = true" if position > (n - 1) / 2 + 0.5 or (n <= 3 and position == n - 1)
                else ""
            )  # fmt: skip
            lines.append(f"  {{ value = {value}, label = {_string(label)}{flag} }},")
        lines += ["]", ""]
    for label, dimension in dimensions.items():
        lines += ["[[dimensions]]", f"id = {_string(dimension)}", f"label = {_string(label)}", ""]
    for item in items:
        lines += ["[[items]]"] + [
            f"{k} = {_string(item[k])}" for k in ("id", "column", "text", "dimension", "scale")
        ]
        lines.append("")
    text = "\n".join(lines)
    parse(text)  # what it drafts is a valid questionnaire, or this is a bug
    return text, {"platform": platform, "items": [i["header"] for i in items], "skipped": skipped}
