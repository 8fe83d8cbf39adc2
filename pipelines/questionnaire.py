"""Questionnaire TOML: parse, validate, store in the warehouse."""

from __future__ import annotations

import json
import math
import re
from dataclasses import asdict, dataclass, field

from pipelines.errors import QuestionnaireError, read_toml
from pipelines.fields import ENUMS
from pipelines.topics import Topic, parse_list

CADENCES = {"month": 1, "quarter": 3, "half_year": 6, "year": 12}  # months per survey round
ID_PATTERN = re.compile(r"^[a-z0-9-]+$")
# Item, scale and dimension ids reach SQL as identifiers-by-value and column names.
CHILD_ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]+$")


@dataclass(frozen=True)
class Level:
    value: float
    label: str
    aliases: tuple[str, ...] = ()
    satisfied: bool = False
    dissatisfied: bool = False


@dataclass(frozen=True)
class Scale:
    id: str
    levels: tuple[Level, ...]
    na: tuple[str, ...] = ("",)

    @property
    def min(self) -> float:
        return min(level.value for level in self.levels)

    @property
    def max(self) -> float:
        return max(level.value for level in self.levels)

    def norm(self, value: float) -> float:
        """Score of a level on 0-100."""
        return (value - self.min) / (self.max - self.min) * 100


@dataclass(frozen=True)
class Dimension:
    id: str
    label: str
    weight: float = 1.0
    points: dict[float, float] = field(default_factory=dict)
    category: str | None = None  # 5M1E cause category for the fishbone diagram


@dataclass(frozen=True)
class Item:
    id: str
    column: str
    dimension: str
    scale: str
    label: str | None = None
    # The question as asked on the call or printed (default: the column), and whether the call
    # desk and the form page insist on an answer (CONTRACT §9). Wording, not meaning: a change
    # of either is not a change of the item (check_change).
    text: str | None = field(default=None, compare=False)
    required: bool = field(default=False, compare=False)

    @property
    def question(self) -> str:
        return self.text or self.column


@dataclass(frozen=True)
class CallRules:
    """The monthly call plan's rules, the questionnaire's [calls] table (CONTRACT §9)."""

    new_sales: bool = True
    service_share: float = 0.0
    key_accounts: bool = False
    resurvey_dissatisfied: bool = False
    quiet_days: int = 30
    max_attempts: int = 3


@dataclass(frozen=True)
class Questionnaire:
    id: str
    title: str
    scope: str
    scales: tuple[Scale, ...]
    dimensions: tuple[Dimension, ...]
    items: tuple[Item, ...]
    target: float = 90.0
    cadence: str = "month"  # how often the programme surveys: the actions' verification window
    overall_item: str | None = None  # an overall-satisfaction item, for key-driver analysis
    topics: tuple[Topic, ...] = ()  # comment topics (pipelines/topics.py)
    source: str = ""
    calls: CallRules | None = None  # the monthly call plan ([calls]); None: no plan

    def scale(self, scale_id: str) -> Scale:
        return next(s for s in self.scales if s.id == scale_id)

    def structure(self) -> dict:
        """Everything that gives answers their meaning, for change detection."""
        data = asdict(self)
        data.pop("source")
        data.pop("title")
        data.pop("target")
        data.pop("overall_item")
        data.pop("cadence")
        data.pop("topics")
        data.pop("calls")
        for item in data["items"]:
            item.pop("text")
            item.pop("required")
        return json.loads(json.dumps(data, sort_keys=True, default=str))


# A level's value: scales run 1-5, 0-10, 1-100; a value of 2^63 - 1 is a typo, and its squares
# overflow the sums the views take.
MAX_LEVEL = 1_000_000


def _number(value, where: str, problems: list[str]) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        problems.append(f"{where}: {value!r} is not a number")
        return None
    if not math.isfinite(value):
        problems.append(f"{where}: {value!r} is not a finite number")
        return None
    return float(value)


def _tables(value, where: str, problems: list[str]) -> list[tuple[int, dict]]:
    """The tables of an array of tables ([[x]]) with their 1-based index; a wrong shape is a
    problem naming the key path, never a traceback."""
    if value is None:
        return []
    if not isinstance(value, list):
        problems.append(f"{where}: expected an array of tables ([[{where}]]), got {type(value).__name__}")
        return []
    out = []
    for i, entry in enumerate(value, 1):
        if isinstance(entry, dict):
            out.append((i, entry))
        else:
            problems.append(f"{where}[{i}]: expected a table, got {entry!r}")
    return out


def _strings(value, where: str, problems: list[str], default: tuple = ()) -> tuple[str, ...]:
    """A list of strings (aliases, na); a bare string or anything else is refused."""
    if value is None:
        return default
    if not isinstance(value, list):
        problems.append(f"{where}: expected a list of strings, got {value!r}")
        return default
    bad = [v for v in value if not isinstance(v, str | int | float) or isinstance(v, bool)]
    if bad:
        problems.append(f"{where}: expected strings, got {bad!r}")
    return tuple(str(v) for v in value if v not in bad)


def parse(text: str) -> Questionnaire:
    """Parse and validate questionnaire TOML; raise QuestionnaireError listing every problem."""
    raw = read_toml(text)
    problems: list[str] = []
    qid = raw.get("id")
    if not isinstance(qid, str) or not ID_PATTERN.match(qid):
        problems.append(f"id: {qid!r} must match [a-z0-9-]+")
    title = raw.get("title")
    for key in ("scales", "dimensions", "items"):
        if key in raw and not isinstance(raw[key], list):
            problems.append(f"{key}: expected an array of tables ([[{key}]]), got {raw[key]!r}")
            raw[key] = []
    if not isinstance(title, str) or not title.strip():
        problems.append("title: missing")
    scope = raw.get("scope", "sales")
    if not isinstance(scope, str) or not re.match(r"^[a-z0-9_-]+$", scope):
        problems.append(f"scope: {scope!r} must match [a-z0-9_-]+")
    target = raw.get("target", 90.0)
    target = _number(target, "target", problems) if target is not None else 90.0
    cadence = raw.get("cadence", "month")
    if cadence not in CADENCES:
        problems.append(f"cadence: {cadence!r} must be one of {', '.join(CADENCES)}")
    known = {
        "id",
        "title",
        "scope",
        "target",
        "cadence",
        "scales",
        "dimensions",
        "items",
        "description",
        "overall_item",
        "topics",
        "title_en",
        "names_en",
        "calls",
    }
    for key in raw:
        if key not in known:
            problems.append(f"unknown key {key!r}")
    if "title_en" in raw and not isinstance(raw["title_en"], str):
        problems.append(f"title_en: expected text, got {raw['title_en']!r}")
    names_en = raw.get("names_en", {})
    if not isinstance(names_en, dict) or not all(isinstance(v, str) for v in names_en.values()):
        problems.append(f"names_en: expected a table of English names, got {names_en!r}")

    scales = _parse_scales(raw.get("scales", []), problems)
    dimensions = _parse_dimensions(raw.get("dimensions", []), scales, problems)
    items = _parse_items(raw.get("items", []), scales, dimensions, problems)
    topics = parse_list(raw.get("topics"), problems)
    calls = _parse_calls(raw.get("calls"), problems)
    overall = raw.get("overall_item")
    if overall is not None and (not isinstance(overall, str) or overall not in {i.id for i in items}):
        problems.append(f"overall_item: {overall!r} is not an item id")
    if problems:
        raise QuestionnaireError(problems)
    return Questionnaire(
        id=qid,
        title=title.strip(),
        scope=scope,
        scales=tuple(scales.values()),
        dimensions=tuple(dimensions.values()),
        items=tuple(items),
        target=target if target is not None else 90.0,
        cadence=cadence,
        overall_item=overall,
        topics=topics,
        source=text,
        calls=calls,
    )


_CALL_FLAGS = ("new_sales", "key_accounts", "resurvey_dissatisfied")


def _parse_calls(raw, problems: list[str]) -> CallRules | None:
    """The [calls] table: every key optional, each checked for its type and range."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        problems.append(f"calls: expected a table ([calls]), got {raw!r}")
        return None
    values: dict = {}
    for key, value in raw.items():
        if key in _CALL_FLAGS:
            if not isinstance(value, bool):
                problems.append(f"calls.{key}: expected true or false, got {value!r}")
                continue
        elif key == "service_share":
            value = _number(value, "calls.service_share", problems)
            if value is None:
                continue
            if not 0 <= value <= 1:
                problems.append(f"calls.service_share: {value:g} must be between 0 and 1")
                continue
        elif key in ("quiet_days", "max_attempts"):
            low = 0 if key == "quiet_days" else 1
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= 3660:
                problems.append(f"calls.{key}: expected a whole number from {low} to 3660, got {value!r}")
                continue
        else:
            problems.append(f"calls: unknown key {key!r}")
            continue
        values[key] = value
    return CallRules(**values)


def _check_id(value, where: str, seen: set, problems: list[str]) -> bool:
    if not isinstance(value, str) or not CHILD_ID_PATTERN.match(value):
        problems.append(f"{where}: id {value!r} must match [A-Za-z0-9_-]+")
        return False
    if value in seen:
        problems.append(f"{where}: duplicate id {value!r}")
        return False
    seen.add(value)
    return True


def _parse_scales(raw_scales, problems: list[str]) -> dict[str, Scale]:
    scales: dict[str, Scale] = {}
    if not raw_scales:
        problems.append("scales: at least one [[scales]] is required")
    for i, raw in _tables(raw_scales, "scales", problems):
        where = f"scales[{i}]"
        if not _check_id(raw.get("id"), where, set(scales), problems):
            continue
        levels: list[Level] = []
        tokens: dict[str, float] = {}
        for j, lv in _tables(raw.get("levels", []), f"{where}.levels", problems):
            lwhere = f"{where}.levels[{j}]"
            value = _number(lv.get("value"), f"{lwhere}.value", problems)
            if value is not None and abs(value) > MAX_LEVEL:
                problems.append(
                    f"{lwhere}.value: {lv.get('value')!r} is outside ±{MAX_LEVEL:,} (a scale's level)"
                )
                value = None
            label = lv.get("label")
            if not isinstance(label, str) or not label.strip():
                problems.append(f"{lwhere}: label missing")
                continue
            aliases = _strings(lv.get("aliases"), f"{lwhere}.aliases", problems)
            if value is None:
                continue
            for flag in ("satisfied", "dissatisfied"):
                if not isinstance(lv.get(flag, False), bool):
                    problems.append(f"{lwhere}.{flag}: expected true or false, got {lv.get(flag)!r}")
            if lv.get("satisfied") is True and lv.get("dissatisfied") is True:
                problems.append(f"{lwhere}: a level cannot be both satisfied and dissatisfied")
            for token in (label, *aliases):
                key = token.strip().lower()
                if key in tokens and tokens[key] != value:
                    problems.append(f"{lwhere}: label or alias {token!r} names two levels")
                tokens[key] = value
            if any(level.value == value for level in levels):
                problems.append(f"{lwhere}: duplicate level value {value:g}")
            levels.append(
                Level(
                    value=value,
                    label=label.strip(),
                    aliases=aliases,
                    satisfied=lv.get("satisfied", False) is True,
                    dissatisfied=lv.get("dissatisfied", False) is True,
                )
            )
        if len(levels) < 2:
            problems.append(f"{where}: a scale needs at least two levels")
            continue
        na = _strings(raw.get("na"), f"{where}.na", problems, ("", "N/A", "不适用"))
        clash = [v for v in na if v.strip().lower() in tokens]
        if clash:
            problems.append(f"{where}: na values {clash} are also level labels")
        scales[raw["id"]] = Scale(id=raw["id"], levels=tuple(levels), na=na)
    return scales


def _parse_dimensions(raw_dims, scales, problems: list[str]) -> dict[str, Dimension]:
    dims: dict[str, Dimension] = {}
    if not raw_dims:
        problems.append("dimensions: at least one [[dimensions]] is required")
    all_values = {level.value for s in scales.values() for level in s.levels}
    for i, raw in _tables(raw_dims, "dimensions", problems):
        where = f"dimensions[{i}]"
        if not _check_id(raw.get("id"), where, set(dims), problems):
            continue
        weight = _number(raw.get("weight", 1.0), f"{where}.weight", problems)
        if weight is not None and weight <= 0:
            problems.append(f"{where}.weight: {weight:g} must be positive")
        points: dict[float, float] = {}
        raw_points = raw.get("points") or {}
        if not isinstance(raw_points, dict):
            problems.append(f"{where}.points: expected a table of level value = points, got {raw_points!r}")
            raw_points = {}
        for key, pts in raw_points.items():
            try:
                level_value = float(key)
            except ValueError:
                problems.append(f"{where}.points: key {key!r} is not a level value")
                continue
            if level_value not in all_values:
                problems.append(f"{where}.points: level value {key!r} is not in any scale")
            number = _number(pts, f"{where}.points[{key}]", problems)
            if number is not None:
                points[level_value] = number
        label = raw.get("label") or raw["id"]
        category = raw.get("category")
        if category is not None:
            category = ENUMS["cause"].get(str(category).strip().lower())
            if category is None:
                problems.append(
                    f"{where}.category: {raw.get('category')!r} is not one of 人机料法测环 / 5M1E"
                )
        dims[raw["id"]] = Dimension(
            id=raw["id"], label=str(label), weight=weight or 1.0, points=points, category=category
        )
    return dims


def _parse_items(raw_items, scales, dims, problems: list[str]) -> list[Item]:
    items: list[Item] = []
    seen: set[str] = set()
    columns: set[str] = set()
    if not raw_items:
        problems.append("items: at least one [[items]] is required")
    for i, raw in _tables(raw_items, "items", problems):
        where = f"items[{i}]"
        if not _check_id(raw.get("id"), where, seen, problems):
            continue
        column = str(raw.get("column") or raw["id"]).strip()
        if column.lower() in columns:
            problems.append(f"{where}: duplicate column {column!r}")
        columns.add(column.lower())
        dim, scale = raw.get("dimension"), raw.get("scale")
        if not isinstance(dim, str) or not isinstance(scale, str):
            problems.append(f"{where}: dimension and scale must be ids (strings), got {dim!r} and {scale!r}")
            continue
        if dim not in dims:
            problems.append(f"{where}: unknown dimension {dim!r}")
        if scale not in scales:
            problems.append(f"{where}: unknown scale {scale!r}")
        elif dim in dims and dims[dim].points:
            values = {level.value for level in scales[scale].levels}
            extra = sorted(set(dims[dim].points) - values)
            if extra:
                problems.append(
                    f"{where}: dimension {dim!r} has points for values {extra} "
                    f"that scale {scale!r} does not have"
                )
        text = raw.get("text")
        if text is not None and (not isinstance(text, str) or not text.strip()):
            problems.append(f"{where}.text: expected the question's text, got {text!r}")
            text = None
        required = raw.get("required", False)
        if not isinstance(required, bool):
            problems.append(f"{where}.required: expected true or false, got {required!r}")
            required = False
        items.append(
            Item(
                id=raw["id"],
                column=column,
                dimension=dim,
                scale=scale,
                label=raw.get("label"),
                text=text.strip() if text else None,
                required=required,
            )
        )
    return items


def check_change(old: Questionnaire, new: Questionnaire) -> list[str]:
    """Problems with replacing `old` by `new` once answers exist: only added items are allowed."""
    problems = []
    new_scales = {s.id: s for s in new.scales}
    new_dims = {d.id: d for d in new.dimensions}
    new_items = {i.id: i for i in new.items}
    for scale in old.scales:
        if new_scales.get(scale.id) != scale:
            problems.append(f"scale {scale.id!r} changed or removed")
    for dim in old.dimensions:
        if new_dims.get(dim.id) != dim:
            problems.append(f"dimension {dim.id!r} changed or removed")
    for item in old.items:
        if new_items.get(item.id) != item:
            problems.append(f"item {item.id!r} changed or removed")
    if new.scope != old.scope:
        problems.append(f"scope changed from {old.scope!r} to {new.scope!r}")
    return problems
