"""One language at a time: every page walked in Chinese and in English; no field id, English
word or `None` in the Chinese interface, no Chinese label in the English one (data aside)."""

from __future__ import annotations

import json
import re

import pytest
from test_pages import login, open_page, private_app

from pipelines.fields import FIELDS

PAGES = [
    "overview",
    "dimensions",
    "pareto",
    "causes",
    "voice",
    "competitors",
    "actions",
    "complaints",
    "report",
]
PAGES += ["upload", "settings", "admin"]
# What must not show in the Chinese interface: the contract's field ids and English words the
# dashboard used to leak (status values, channels, cause categories, grains).
FIELD_IDS = {f.name for fields in FIELDS.values() for f in fields} | {"batch_id", "kind", "status", "item_id"}
ENGLISH = {"loaded", "rolled_back", "dissatisfied", "satisfied", "complaints", "month", "quarter", "phone"}
ENGLISH |= {"man", "machine", "material", "method", "measurement", "environment", "None", "survey"}


PAGES += ["calls", "alerts"]
ROLES = {
    "manager": [*PAGES[:9], "calls", "alerts"],
    "engineer": [*PAGES[:9], "alerts"],
    "analyst": [*PAGES[:9], "upload", "calls", "alerts"],
    "admin": PAGES,
    "agent": [*PAGES[:9], "calls", "alerts"],
    "department": [*PAGES[:9], "alerts"],
}
# Codes that must read as words in the Chinese interface: the demo's dimension ids, severities,
# action sources and steps, roles, audit events, and what a null used to print as.
CODES = {"facility", "consultant", "delivery", "product", "low", "medium", "high", "critical"}
CODES |= {"item", "dimension", "complaint", "create", "review", "approve", "admin", "manager"}
CODES |= {"engineer", "analyst", "login", "logout", "upload", "download", "added", "None", "nan", "NaT"}
# Columns that hold names the questionnaire gives in English too (the demo's do), and codes.
NAMED_COLUMNS = {"dimension_label", "item_label", "topic_label", "competitor", "severity", "source", "role"}
NAMED_COLUMNS |= {"event", "status", "verdict", "cause_category", "channel", "topic_category", "quadrant"}


def shown(at) -> list[tuple[str, str]]:
    """(where, text) of everything the page shows: headings, captions, notes, labels, options,
    metric values, table headers (their configured labels) and every text cell of every table
    (ids aside), as the page sent them to the browser."""
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
    out += [("metric value", f"{m.value} {m.delta or ''}") for m in at.metric]
    for box in [*at.selectbox, *at.multiselect]:
        out.append(("selectbox", box.label))
        out += [("option", str(o)) for o in box.options]
        out += [("placeholder", box.proto.placeholder)] if box.proto.placeholder else []
    for frame in at.dataframe:
        config = json.loads(frame.proto.columns or "{}")
        value = frame.value
        for column in value.columns:
            label = (config.get(column) or {}).get("label")
            out.append(("header", label or column))
            if str(column).endswith("_id") or column in ("batch_id", "keywords", "exclude", "key"):
                continue  # ids and the words a topic matches are data the user typed
            where = f"cell:{column}" + (":named" if column in NAMED_COLUMNS else "")
            cells = value[column]
            if cells.dtype == object:
                out += [(where, str(c)) for c in cells.dropna().unique()[:200] if not isinstance(c, bool)]
            # a missing value reads "None" in the browser unless the table sets a placeholder
            out += [(where, "None")] * bool(cells.isna().any() and not frame.proto.HasField("placeholder"))
    return out


def leaks_zh(texts) -> list[tuple[str, str]]:
    found = []
    for where, text in texts:
        # user names are data: the demo's are demo-manager, demo-admin …
        # (an icon's name in markdown, :material/notifications:, is drawn as the icon)
        plain = re.sub(r":material/[a-z_]+:", "", re.sub(r"demo-[a-z]+", "", text))
        for word in re.findall(r"[A-Za-z_]+", plain):
            if word in FIELD_IDS or word in ENGLISH or word in CODES or word.lower() in {"none"}:
                found.append((where, text[:80]))
                break
    return found


@pytest.fixture(scope="module")
def walked(demo_db, tmp_path_factory):
    """Every page each role may open, as that role, in Chinese and in English: one session
    per language and role (opened by a link with ?lang=), signed in, walking its pages, with
    a click on the first row of the action board and of the batch history on the way."""
    texts = {}
    monkeypatch = pytest.MonkeyPatch()
    for lang in ("zh", "en"):
        for role, pages in ROLES.items():
            at = private_app(demo_db, tmp_path_factory.mktemp(f"{lang}_{role}"), monkeypatch)
            at.query_params["lang"] = lang
            at.run()
            login(at, f"demo-{role}")
            for page in pages:
                if page == "calls" and role == "agent":  # the call in hand: the form and history
                    at.session_state["call_in_hand"] = _open_call(demo_db, f"demo-{role}")
                open_page(at, page)
                texts[lang, role, page] = shown(at)
    monkeypatch.undo()
    return texts


def _open_call(db, agent: str) -> str:
    """An open call of the agent's that a customer with earlier answers has."""
    from warehouse import open_warehouse

    con = open_warehouse(db)
    try:
        return con.execute(
            "select call_id from v_call_plan join (select distinct customer_id from response_scores) "
            "using (customer_id) where status = 'open' and assigned_to = ? order by call_id limit 1",
            [agent],
        ).fetchone()[0]
    finally:
        con.close()


WALKS = [(role, page) for role, pages in ROLES.items() for page in pages]


@pytest.mark.parametrize(("role", "page"), WALKS)
def test_the_chinese_interface_shows_no_field_id_code_or_english_word(walked, role, page):
    assert leaks_zh(walked["zh", role, page]) == []


@pytest.mark.parametrize(("role", "page"), WALKS)
def test_the_english_interface_has_no_chinese_label(walked, role, page):
    # Data stays as it is (an action's title, a comment, a department); the interface's words
    # and the names the demo questionnaire gives in English (label_en) must be English.
    interface = [
        (w, t)
        for w, t in walked["en", role, page]
        if w in ("title", "button", "metric", "header", "placeholder") or w.endswith(":named")
    ]
    chinese = [(w, t) for w, t in interface if re.search(r"[\u4e00-\u9fff]", t)]
    assert chinese == []


def test_both_languages_have_every_text():
    """The texts are data files, one per language (issue 36): the same keys, every value a
    non-empty text with the same {placeholders} in both."""
    import tomllib

    from dashboard.i18n import TEXT
    from warehouse.texts import TEXTS

    zh, en = (tomllib.loads((TEXTS / f"{code}.toml").read_text(encoding="utf-8")) for code in ("zh", "en"))
    assert list(zh) == list(en) and len(zh) == len(TEXT) > 800
    for key, pair in TEXT.items():
        assert len(pair) == 2 and all(isinstance(x, str) and x for x in pair), key
        assert set(re.findall(r"\{(\w+)", pair[0])) == set(re.findall(r"\{(\w+)", pair[1])), key


def test_every_setting_is_explained_in_both_languages():
    from dashboard.i18n import TEXT
    from warehouse import settings

    for name in settings.SETTINGS:
        zh, en = TEXT[f"setting.{name}"]
        assert re.search(r"[\u4e00-\u9fff]", zh) and not re.search(r"[\u4e00-\u9fff]", en), name


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
    "closing needs customer_informed_at",
    "the customer's answer needs customer_informed_at",
    "a case the customer did not accept stays open",
    "a verification result needs verified_at",
    "complaint TS-20260302-AB12 changed meanwhile (now 3 versions, you saw 2): read it again",
    "closing needs the customer informed first",
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
    leftover = set(re.findall(r"[A-Za-z_]{3,}", said)) - {
        "YYYY",
        "csv",
        "response_id",
        "Data",
        "Sheet",
        "TS",
        "AB",
    }
    assert not leftover, said
