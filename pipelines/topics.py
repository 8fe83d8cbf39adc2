"""Comment topics a quality engineer controls: a questionnaire's [[topics]] or the company file.

    [[topics]]
    id = "delivery-wait"
    label = "交车等待"
    category = "method"          # 人机料法测环 / 5M1E, optional: the topic feeds the fishbone
    keywords = ["交车", "提车", "等了"]
    exclude = ["不用等"]          # optional

A comment belongs to every topic one of whose keywords matches it and none of whose exclude
words does (pipelines.text.keyword_pattern, SQL macro topic_match). Topics are matched when a
page asks, over the words stored at load: a new or changed topic counts every comment
already loaded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from pipelines.errors import TopicError, read_toml
from pipelines.fields import ENUMS
from pipelines.text import keyword_pattern

COMPANY = "*"
TOPIC_ID = re.compile(r"^[A-Za-z0-9_-]+$")
_KEYS = {"id", "label", "label_en", "category", "keywords", "exclude"}


@dataclass(frozen=True)
class Topic:
    id: str
    label: str
    keywords: tuple[str, ...]
    exclude: tuple[str, ...] = ()
    category: str | None = None
    label_en: str | None = None  # the English interface's name (CONTRACT §1 additions)

    def patterns(self) -> tuple[list[str], list[str]]:
        keep = [p for p in (keyword_pattern(k) for k in self.keywords) if p]
        drop = [p for p in (keyword_pattern(k) for k in self.exclude) if p]
        return keep, drop


def _words(value, where: str, problems: list[str]) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.append(f"{where}: expected a list of words, got {value!r}")
        return ()
    return tuple(v.strip() for v in value if v.strip())


def parse_list(raw, problems: list[str], where: str = "topics") -> tuple[Topic, ...]:
    """Topics of an array of tables; every problem names its key path."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        problems.append(f"{where}: expected an array of tables ([[topics]]), got {raw!r}")
        return ()
    out: list[Topic] = []
    for i, entry in enumerate(raw, 1):
        at = f"{where}[{i}]"
        if not isinstance(entry, dict):
            problems.append(f"{at}: expected a table, got {entry!r}")
            continue
        for key in entry:
            if key not in _KEYS:
                problems.append(f"{at}: unknown key {key!r}")
        topic_id = entry.get("id")
        if not isinstance(topic_id, str) or not TOPIC_ID.match(topic_id):
            problems.append(f"{at}: id {topic_id!r} must match [A-Za-z0-9_-]+")
            continue
        if any(t.id == topic_id for t in out):
            problems.append(f"{at}: duplicate id {topic_id!r}")
            continue
        label = entry.get("label", topic_id)
        if not isinstance(label, str) or not label.strip():
            problems.append(f"{at}.label: expected text, got {label!r}")
            label = topic_id
        keywords = _words(entry.get("keywords"), f"{at}.keywords", problems)
        exclude = _words(entry.get("exclude"), f"{at}.exclude", problems)
        category = entry.get("category")
        if category is not None:
            found = ENUMS["cause"].get(str(category).strip().lower())
            if found is None:
                problems.append(f"{at}.category: {category!r} is not one of 人机料法测环 / 5M1E")
            category = found
        label_en = entry.get("label_en")
        if label_en is not None and not isinstance(label_en, str):
            problems.append(f"{at}.label_en: expected text, got {label_en!r}")
            label_en = None
        topic = Topic(topic_id, label.strip(), keywords, exclude, category, label_en)
        if not topic.patterns()[0]:
            problems.append(f"{at}.keywords: topic {topic_id!r} needs at least one keyword with a word in it")
            continue
        out.append(topic)
    return tuple(out)


def parse_file(text: str) -> tuple[Topic, ...]:
    """The company-wide topic file: TOML of [[topics]] only."""
    raw = read_toml(text, TopicError)
    problems = [f"unknown key {key!r} (a topic file holds [[topics]] only)" for key in raw if key != "topics"]
    topics = parse_list(raw.get("topics"), problems)
    if not topics and not problems:
        problems.append("topics: the file defines no [[topics]]")
    if problems:
        raise TopicError(problems)
    return topics


def to_toml(topics) -> str:
    """A topic file for these topics (rows of the topics query or Topic objects)."""

    def q(s: str) -> str:
        return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'

    lines: list[str] = []
    for t in topics:
        t = t if isinstance(t, dict) else t.__dict__
        tid = t.get("topic_id") or t.get("id")
        lines += ["[[topics]]", f"id = {q(tid)}", f"label = {q(t['label'])}"]
        if t.get("label_en"):
            lines.append(f"label_en = {q(t['label_en'])}")
        if t.get("category"):
            lines.append(f"category = {q(t['category'])}")
        lines.append("keywords = [" + ", ".join(q(k) for k in t["keywords"]) + "]")
        if t.get("exclude"):
            lines.append("exclude = [" + ", ".join(q(k) for k in t["exclude"]) + "]")
        lines.append("")
    return "\n".join(lines)


def replace(con, owner: str, topics, user: str | None = None) -> None:
    """Write `owner`'s topics (a questionnaire id or COMPANY) in place of its old ones; call
    inside the caller's write (warehouse.lake.write)."""
    now = datetime.now(UTC)
    con.execute("delete from topics where owner = ?", [owner])
    rows = []
    for n, t in enumerate(topics):
        keep, drop = t.patterns()
        rows.append(
            [
                owner,
                t.id,
                t.label,
                t.category,
                list(t.keywords),
                list(t.exclude),
                keep,
                drop,
                n,
                now,
                user,
                t.label_en,
            ]
        )
    if rows:
        con.executemany(
            "insert into topics (owner, topic_id, label, category, keywords, exclude, patterns, "
            "exclude_patterns, position, updated_at, updated_by, label_en) "
            "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )


def company(con) -> tuple[Topic, ...]:
    rows = con.execute(
        "select topic_id, label, keywords, exclude, category, label_en from topics where owner = ? "
        "order by position",
        [COMPANY],
    ).fetchall()
    return tuple(Topic(r[0], r[1], tuple(r[2]), tuple(r[3]), r[4], r[5]) for r in rows)


def save_company(con, topics, user: str | None = None, via: str = "cli") -> dict:
    """Replace the company-wide topics (one transaction, audited)."""
    from warehouse import audit
    from warehouse.lake import write

    topics = tuple(topics)

    def body() -> None:
        replace(con, COMPANY, topics, user)
        audit.record(con, "topics", None, {"topics": [t.id for t in topics], "via": via}, user=user)

    write(con, body)
    return {"owner": COMPANY, "topics": len(topics), "status": "saved"}


def add_company(con, topic: Topic, user: str | None = None, via: str = "dashboard") -> dict:
    """Add one company topic (or replace the one of its id), keeping the others."""
    kept = [t for t in company(con) if t.id != topic.id]
    return save_company(con, [*kept, topic], user, via)
