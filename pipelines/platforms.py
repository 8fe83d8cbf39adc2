"""Answer exports of the survey platforms Chinese companies use (CONTRACT §9): 问卷星 (wjx),
腾讯问卷 (tencent) and 金数据 (jinshuju), read as those platforms write them.

A plan made from the header (and the first rows) turns each piece of such a file into the
contract's survey columns before the loader resolves them, so an export enters at validate like
any other file: the platform's metadata columns become response_id, customer_id and
survey_date or are left out; a question header (`3、您对交车准时的满意程度`, a matrix's
`5、请评价—产品性能`, 问卷星's numbered `5(产品性能)`, 金数据's plain labels) names an item by its
`column` or `text`; `(跳过)`, `(空)` and 问卷星's -2 / -3 codes are not answered. Questions that
match no item do not stop the load: one open-text question becomes the comment (several are
joined, each with its question), the rest are named in the load's warnings."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import polars as pl

from pipelines.questionnaire import Questionnaire

PLATFORMS = ("wjx", "tencent", "jinshuju")
NAMES = {"wjx": "问卷星", "tencent": "腾讯问卷", "jinshuju": "金数据"}

# Each platform's own columns: the respondent number, the submission time, and the rest it adds
# about a submission (ignored). Names as the platforms' answer exports write them.
META = {
    "wjx": {
        "number": ("序号",),
        "time": ("提交答卷时间",),
        "other": ("所用时间", "来源", "来源详情", "来自IP", "总分", "答卷编号", "填写者", "IP"),
    },
    "tencent": {
        "number": ("编号",),
        "time": ("结束答题时间", "提交时间"),
        "other": (
            "开始答题时间", "答题时长", "地理位置国家和地区", "地理位置省", "地理位置市", "IP", "UA",
            "Referrer", "用户类型", "用户标识", "昵称", "自定义字段", "来源渠道", "答题状态", "openid",
        ),
    },
    "jinshuju": {
        "number": ("序号",),
        "time": ("提交时间",),
        "other": (
            "提交人", "修改时间", "填写设备", "操作系统", "浏览器", "填写地区", "IP", "填写时长", "微信昵称",
            "微信OpenID", "微信性别", "微信国家", "微信省市", "渠道", "来源", "推广渠道", "提交者", "状态",
        ),
    },
}  # fmt: skip
# What says a file is a platform's export: a column only that platform writes, beside its number.
SIGNS = {
    "wjx": ("提交答卷时间",),
    "tencent": ("结束答题时间", "开始答题时间"),
    "jinshuju": ("填写设备", "提交人", "填写时长"),
}
NOT_ANSWERED = ("(跳过)", "（跳过）", "(空)", "（空）", "-2", "-3")
_NUMBERED = re.compile(r"^\s*(?:[Qq]|第)?(\d+)\s*题?\s*[、.．:：]\s*(.+)$")
_WJX_SUB = re.compile(r"^\s*(\d+)\s*[(（](.+)[)）]\s*$")  # 问卷星 by option number: 5(产品性能)
_MATRIX = re.compile(r"\s*(?:——|—|－|–|\s-\s|:|：|_)\s*")


class PlatformError(ValueError):
    """An export that cannot be read as its platform's, in words."""


def norm(text: str | None) -> str:
    """A header or question as compared: width-folded, no spaces or punctuation, lower case."""
    folded = unicodedata.normalize("NFKC", text or "").lower()
    return "".join(c for c in folded if c.isalnum())


def recognise(headers: list[str]) -> str | None:
    """The platform whose answer export has these headers, or None."""
    names = {h.strip() for h in headers}
    for platform in PLATFORMS:
        if any(s in names for s in SIGNS[platform]) and any(n in names for n in META[platform]["number"]):
            return platform
    return None


def question_parts(header: str) -> tuple[str, str | None]:
    """(question, matrix sub-question or None) of a header, its number taken off."""
    found = _WJX_SUB.match(header)
    if found:
        return found.group(2).strip(), found.group(2).strip()
    found = _NUMBERED.match(header)
    rest = found.group(2).strip() if found else header.strip()
    parts = [p for p in _MATRIX.split(rest) if p]
    return rest, (parts[-1] if len(parts) > 1 else None)


@dataclass
class Plan:
    """How each column of an export becomes a contract column (or is left out)."""

    platform: str
    renames: dict[str, str] = field(default_factory=dict)  # header -> item column or field
    number: str | None = None  # the respondent number's header
    time: str | None = None  # the submission time's header
    comments: list[str] = field(default_factory=list)  # open-text questions -> comment
    unused: list[str] = field(default_factory=list)  # questions matching no item, not loaded
    customer_mapped: bool = False

    def warning(self) -> dict | None:
        if not self.unused:
            return None
        return {
            "check": "platform_questions_not_loaded",
            "count": len(self.unused),
            "examples": self.unused[:10],
            "message": f"{NAMES[self.platform]} questions that match no item of the questionnaire, not loaded "
            "(add them as items, by `column` or `text`, or --map them)",
        }


_OPEN = (
    "意见",
    "建议",
    "其他",
    "其它",
    "原因",
    "为什么",
    "请说明",
    "请描述",
    "请填写",
    "备注",
    "评论",
    "留言",
    "comment",
)


def _is_text(header: str, values: pl.Series, labels: set[str]) -> bool:
    """Whether a question is open text rather than ratings or choices: its wording asks for words
    (意见, 建议, 原因 …), or its answers are long and nearly all different."""
    seen = [
        v
        for v in values.drop_nulls().cast(pl.Utf8).str.strip_chars().to_list()
        if v and v not in NOT_ANSWERED
    ]
    if any(n in seen for n in labels) and all(norm(v) in labels for v in seen):
        return False  # ratings
    if any(cue in header for cue in _OPEN):
        return True
    words = [v for v in seen if norm(v) not in labels and not re.fullmatch(r"-?\d+(\.\d+)?", v)]
    return len(words) >= 5 and len(set(words)) * 5 > 4 * len(words) and sum(map(len, words)) >= 8 * len(words)


def plan(platform: str, frame: pl.DataFrame, questionnaire: Questionnaire, mapping: dict[str, str]) -> Plan:
    """The plan of an export whose first rows are `frame` (their header is the file's)."""
    if platform not in PLATFORMS:
        raise PlatformError(f"--from must be one of {', '.join(PLATFORMS)}, got {platform!r}")
    found = Plan(platform)
    headers = list(frame.columns)
    mapped = {h.strip().lower() for h, target in mapping.items() if target not in ("", "-", "ignore")}
    found.customer_mapped = "customer_id" in mapping.values()
    meta = META[platform]
    for header in headers:
        if header.strip() in meta["number"] and found.number is None:
            found.number = header
        elif header.strip() in meta["time"] and found.time is None:
            found.time = header
    if found.time is None:
        raise PlatformError(
            f"no submission time column ({' / '.join(meta['time'])}) in this {NAMES[platform]} export: "
            "export the answers with it, or load the file without --from and map survey_date"
        )
    if found.number is None:
        raise PlatformError(
            f"no respondent number column ({' / '.join(meta['number'])}) in this {NAMES[platform]} export"
        )
    keys: dict[str, str] = {}
    for item in questionnaire.items:
        for name in (item.column, item.text, item.id):
            if name:
                keys.setdefault(norm(name), item.column)
    labels = {norm(level.label) for scale in questionnaire.scales for level in scale.levels}
    labels |= {norm(a) for scale in questionnaire.scales for level in scale.levels for a in level.aliases}
    taken: set[str] = set()
    ignored = {*meta["other"], *(n for p in META.values() for n in p["other"])}
    for header in headers:
        if header in (found.number, found.time) or header.strip().lower() in mapped:
            continue
        if header.strip() in ignored:
            found.renames[header] = ""
            continue
        whole, sub = question_parts(header)
        column = next(
            (
                keys[k]
                for k in (norm(header), norm(whole), norm(sub))
                if k and k in keys and keys[k] not in taken
            ),
            None,
        )
        if column is not None:
            found.renames[header] = column
            taken.add(column)
        elif _is_text(header, frame[header], labels):
            found.comments.append(header)
        else:
            found.unused.append(header)
            found.renames[header] = ""
    return found


_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")


def apply(found: Plan, frame: pl.DataFrame) -> pl.DataFrame:
    """A piece of the export in the contract's survey columns."""
    number = pl.col(found.number).cast(pl.Utf8).str.strip_chars()
    ids = pl.lit(found.platform + "-") + number
    date = pl.col(found.time).cast(pl.Utf8).str.extract_groups(_DATE.pattern)
    columns = [
        ids.alias("response_id"),
        pl.concat_str(
            [
                date.struct.field("1"),
                date.struct.field("2").str.zfill(2),
                date.struct.field("3").str.zfill(2),
            ],
            separator="-",
        ).alias("survey_date"),
    ]
    if not found.customer_mapped:
        columns.append(ids.alias("customer_id"))
    kept = [
        h
        for h in frame.columns
        if h not in (found.number, found.time) and found.renames.get(h, h) and h not in found.comments
    ]
    for header in kept:
        value = pl.col(header).cast(pl.Utf8).str.strip_chars()
        value = pl.when(value.is_in(list(NOT_ANSWERED))).then(None).otherwise(value)
        columns.append(value.alias(found.renames.get(header, header)))
    if found.comments:
        parts = []
        for header in found.comments:
            text = pl.col(header).cast(pl.Utf8).str.strip_chars()
            text = pl.when(text.is_in(list(NOT_ANSWERED)) | (text == "")).then(None).otherwise(text)
            parts.append(
                text if len(found.comments) == 1 else pl.lit(question_parts(header)[0] + "：") + text
            )
        columns.append(pl.concat_str(parts, separator="\n", ignore_nulls=True).alias("comment"))
    return frame.select(columns)
