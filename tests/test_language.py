"""One language at a time: every page walked in Chinese and in English; no field id, English
word or `None` in the Chinese interface, no Chinese label in the English one (data aside)."""

from __future__ import annotations

import json
import re

import pytest
from test_pages import login, open_page, private_app

from pipelines.fields import FIELDS

PAGES = ["overview", "dimensions", "pareto", "causes", "voice", "competitors", "actions", "report"]
PAGES += ["upload", "settings", "admin"]
# What must not show in the Chinese interface: the contract's field ids and English words the
# dashboard used to leak (status values, channels, cause categories, grains).
FIELD_IDS = {f.name for fields in FIELDS.values() for f in fields} | {"batch_id", "kind", "status", "item_id"}
ENGLISH = {"loaded", "rolled_back", "dissatisfied", "satisfied", "complaints", "month", "quarter", "phone"}
ENGLISH |= {"man", "machine", "material", "method", "measurement", "environment", "None", "survey"}


def shown(at) -> list[tuple[str, str]]:
    """(where, text) of everything the page shows as interface: headings, captions, notes,
    labels, options, table headers (their configured labels) and table cells of text."""
    out: list[tuple[str, str]] = []
    for kind in (
        "title",
        "subheader",
        "header",
        "caption",
        "markdown",
        "info",
        "warning",
        "error",
        "success",
    ):
        out += [(kind, str(e.value)) for e in getattr(at, kind)]
    out += [("metric", m.label) for m in at.metric] + [("button", b.label) for b in at.button]
    for box in at.selectbox:
        out.append(("selectbox", box.label))
        out += [("option", str(o)) for o in box.options]
    for frame in at.dataframe:
        config = json.loads(frame.proto.columns or "{}")
        for column in frame.value.columns:
            label = (config.get(column) or {}).get("label")
            out.append(("header", label or column))
    return out


def leaks_zh(texts) -> list[tuple[str, str]]:
    found = []
    for where, text in texts:
        for word in re.findall(r"[A-Za-z_]+", text):
            if word in FIELD_IDS or word in ENGLISH or word.lower() in {"none"}:
                found.append((where, text[:80]))
                break
    return found


@pytest.fixture(scope="module")
def walked(demo_db, tmp_path_factory):
    """Every page's interface text, in Chinese and in English: a session per page opened by a
    link with ?lang= (AppTest cannot carry some pickers' state from one page to the next)."""
    texts = {}
    monkeypatch = pytest.MonkeyPatch()
    for lang in ("zh", "en"):
        for page in PAGES:
            at = private_app(demo_db, tmp_path_factory.mktemp(f"{lang}_{page}"), monkeypatch)
            at.query_params["lang"] = lang
            at.run()
            login(at)
            open_page(at, page)
            texts[lang, page] = shown(at)
    monkeypatch.undo()
    return texts


@pytest.mark.parametrize("page", PAGES)
def test_the_chinese_interface_shows_no_field_id_or_english_word(walked, page):
    assert leaks_zh(walked["zh", page]) == []


@pytest.mark.parametrize("page", PAGES)
def test_the_english_interface_has_no_chinese_label(walked, page):
    # Data stays as it is: subheaders and headers may carry it (an action's title, item labels,
    # topic labels come from the files), so titles, buttons and metric labels are checked.
    interface = [(w, t) for w, t in walked["en", page] if w in ("title", "button", "metric")]
    chinese = [(w, t) for w, t in interface if re.search(r"[\u4e00-\u9fff]", t)]
    assert chinese == []


REASONS = [
    "required column missing (response_id / 答卷编号)",
    "required value is blank",
    "not a level of the item's scale (1, 2, 3, 4, 5)",
    "not a date (use YYYY-MM-DD)",
    "not a date/time (use YYYY-MM-DD HH:MM)",
    "not a whole number >= 0",
    "unknown value; allowed: email, mail, mobile, onsite, phone, web",
    "duplicate id in this file (first on row 3)",
    "already loaded by batch b-20250101-1 (一月.csv); use --replace to supersede",
    "unknown column (use --map COLUMN=FIELD, or --ignore-extra)",
    "maps to 'survey_date', as column '日期' does",
    "--set survey_date but the file has this column",
    "has 3 fields, header has 5",
    "is before received_at",
    "sheet 'Data' not found; the workbook has ['Sheet1']",
    "required for source item",
    "unknown action id",
]


@pytest.mark.parametrize("reason", REASONS)
def test_every_validation_reason_reads_in_chinese(reason):
    from dashboard import reasons
    from dashboard.i18n import language

    with language("zh"):
        said = reasons.say(reason)
    with language("en"):
        assert reasons.say(reason) == reason
    assert re.search(r"[\u4e00-\u9fff]", said), said
    # only the data the reason carries may stay English: a field id beside its alias, a sheet name
    leftover = set(re.findall(r"[A-Za-z_]{3,}", said)) - {"YYYY", "csv", "response_id", "Data", "Sheet"}
    assert not leftover, said
