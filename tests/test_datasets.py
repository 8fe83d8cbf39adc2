"""The public datasets in ../shared/datasets load through the CLI, with the options real exports need."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import DATASETS, EXAMPLES, ROOT, last_json, run_cli
from test_pages import TIMEOUT, login, open_page, private_app

from pipelines import store
from warehouse import open_warehouse

pytestmark = pytest.mark.skipif(not DATASETS.is_dir(), reason="../shared/datasets is not beside the repo")

SURVEYS = [
    # (questionnaire, file, options, rows)
    (
        "airline",
        "airline-satisfaction-test/test.csv",
        [
            "--map",
            "id=response_id",
            "--set",
            "customer_id=passenger",
            "--set",
            "survey_date=2019-06-30",
            "--ignore-extra",
        ],
        25_976,
    ),
    (
        "skytrax",
        "skytrax-airline-reviews-2022/reviews.csv",
        [
            "--row-ids",
            "--map",
            "airline_name=subject",
            "--own",
            "singapore-airlines",
            "--map",
            "review_date=survey_date",
            "--map",
            "review_title=comment",
            "--set",
            "customer_id=reviewer",
            "--ignore-extra",
        ],
        8_319,
    ),
    (
        "bank",
        "bank-satisfaction-plspm/satisfaction.csv",
        [
            "--row-ids",
            "--set",
            "customer_id=bank-customer",
            "--set",
            "survey_date=2010-01-01",
            "--ignore-extra",
        ],
        250,
    ),
    (
        "ecsi-mobi",
        "ecsi-mobile-mobi/mobi.csv",
        ["--map", "=response_id", "--set", "customer_id=subscriber", "--set", "survey_date=2000-01-01"],
        250,
    ),
    (
        "acsi",
        "acsi-2015-sample/ACSI_Data_2015_ver2.xlsx",
        [
            "--row-ids",
            "--map",
            "INDUSTRY=scope",
            "--set",
            "customer_id=respondent",
            "--set",
            "survey_date=2015-07-01",
            "--ignore-extra",
            "--sheet",
            "ACSI Data",
        ],
        8_239,
    ),
    (
        "cn-online-shopping",
        "cn-online-shopping-satisfaction-gbk/data3_1.csv",
        ["--row-ids", "--set", "customer_id=网购用户", "--set", "survey_date=2021-07-15", "--ignore-extra"],
        2_000,
    ),
]


def query(db, sql, params=None):
    """Rows of `sql` over the warehouse's tables as dicts (the CLI's query reads views only)."""
    con = open_warehouse(db)
    try:
        return con.execute(sql, params or []).pl().to_dicts()
    finally:
        con.close()


@pytest.mark.parametrize(("qid", "path", "options", "rows"), SURVEYS, ids=[s[0] for s in SURVEYS])
def test_public_survey_loads(db, qid, path, options, rows):
    run_cli(db, "questionnaire", "add", str(EXAMPLES / f"{qid}.toml"), check=True)
    result = run_cli(db, "load", "survey", str(DATASETS / path), "--questionnaire", qid, *options)
    assert result.returncode == 0, result.stderr[-3000:]
    assert last_json(result)["rows"] == rows


def test_airline_zero_is_not_applicable(db):
    qid, path, options, _ = SURVEYS[0]
    run_cli(db, "questionnaire", "add", str(EXAMPLES / "airline.toml"), check=True)
    run_cli(db, "load", "survey", str(DATASETS / path), "--questionnaire", qid, *options, check=True)
    # SOURCE.md: wifi has 813 zeros, so 25,976 - 813 answered wifi ratings.
    counts = query(
        db,
        "select item_id, count(*) as n from answers where item_id in ('wifi', 'gate') group by 1 order by 1",
    )
    assert counts == [{"item_id": "gate", "n": 25_976}, {"item_id": "wifi", "n": 25_976 - 813}]


def test_skytrax_competitors_match_published_means(db):
    qid, path, options, _ = SURVEYS[1]
    run_cli(db, "questionnaire", "add", str(EXAMPLES / "skytrax.toml"), check=True)
    run_cli(db, "load", "survey", str(DATASETS / path), "--questionnaire", qid, *options, check=True)
    means = {
        r["subject"]: r["m"]
        for r in query(
            db,
            "select subject, round(avg(level_value), 2) as m from answers a join responses r "
            "using (batch_id, questionnaire_id, response_id) where item_id = 'overall' group by 1",
        )
    }
    # SOURCE.md: ANA 7.84, Turkish 3.13, Singapore 6.83 (our own company here).
    assert means["ana-all-nippon-airways"] == 7.84
    assert means["turkish-airlines"] == 3.13
    assert means["own"] == 6.83


def test_acsi_missing_codes_are_not_answered(db):
    qid, path, options, _ = SURVEYS[4]
    run_cli(db, "questionnaire", "add", str(EXAMPLES / "acsi.toml"), check=True)
    run_cli(db, "load", "survey", str(DATASETS / path), "--questionnaire", qid, *options, check=True)
    # SOURCE.md: SATIS has 98 x5 and 99 x2; every respondent answered SATIS otherwise.
    satis = query(db, "select count(*) as n, max(level_value) as top from answers where item_id = 'satis'")
    assert satis == [{"n": 8_239 - 7, "top": 10.0}]
    scopes = query(db, "select scope, count(*) as n from responses group by 1 order by 1")
    assert scopes == [
        {"scope": "1001", "n": 1968},
        {"scope": "3003", "n": 1479},
        {"scope": "3013", "n": 2287},
        {"scope": "5001", "n": 2505},
    ]


COMPLAINTS = [
    ("car-utf8", "cn-car-complaints/car_complain_2020-06-05_08_utf8.csv", 600),
    ("car-gbk", "cn-car-complaints/car_complain_2020-06-05_08_gbk.csv", 600),
    ("car-utf8-2", "cn-car-complaints/car_complain_2020-06-11_15_utf8.csv", 600),
]
CAR = [
    "--map",
    "id=complaint_id",
    "--map",
    "datetime=received_at",
    "--map",
    "car_model=product",
    "--map",
    "problem=cause",
    "--map",
    "desc=description",
    "--set",
    "customer_id=12365auto",
    "--set",
    "cause_category=machine",
    "--ignore-extra",
]


def test_car_complaints_gbk_is_the_same_600_and_needs_replace(db):
    first = run_cli(db, "load", "complaints", str(DATASETS / COMPLAINTS[0][1]), *CAR, check=True)
    assert last_json(first)["rows"] == 600
    gbk = run_cli(db, "load", "complaints", str(DATASETS / COMPLAINTS[1][1]), *CAR)
    assert gbk.returncode == 1
    assert "already loaded by batch" in gbk.stderr
    replaced = run_cli(
        db, "load", "complaints", str(DATASETS / COMPLAINTS[1][1]), *CAR, "--replace", check=True
    )
    assert last_json(replaced)["superseded"] == 600
    second = run_cli(db, "load", "complaints", str(DATASETS / COMPLAINTS[2][1]), *CAR, check=True)
    assert last_json(second)["rows"] == 600
    brands = query(db, "select count(*) as n, min(received_at)::date::varchar as first from complaints")
    assert brands == [{"n": 1800, "first": "2020-06-05"}]


def test_third_party_complaints_loaded_as_history_leave_the_deadline_shares_alone(db, tmp_path):
    """Complaints with no handling times (a public file) counted as 600 missed answers and
    overdue cases; loaded as history, their unknown times are neither late nor in the shares."""
    own = tmp_path / "own.csv"
    own.write_text(
        "complaint_id,customer_id,received_at,first_response_at,verified_at,cause_category\n"
        "T1,C1,2020-06-05 09:00,2020-06-05 10:00,2020-06-08 09:00,法\n"
        "T2,C1,2020-06-05 09:00,2020-06-07 10:00,,法\n",
        encoding="utf-8",
    )
    run_cli(db, "load", "complaints", str(own), check=True)
    before = query(db, "select * from v_complaint_service where period_grain = 'year'")
    loaded = run_cli(
        db, "load", "complaints", str(DATASETS / COMPLAINTS[0][1]), *CAR, "--history", check=True
    )
    assert last_json(loaded)["rows"] == 600
    after = query(db, "select * from v_complaint_service where period_grain = 'year'")
    assert after[0]["complaints"] == before[0]["complaints"] + 600
    for column in ("answered_24h_pct", "verified_3wd_pct", "overdue_complaints"):
        assert after[0][column] == before[0][column], column
    assert before[0]["answered_24h_pct"] == 50.0 and before[0]["overdue_complaints"] == 1
    other = tmp_path / "other" / "manyi.duckdb"
    run_cli(other, "load", "complaints", str(DATASETS / COMPLAINTS[0][1]), *CAR, check=True)
    plain = query(other, "select * from v_complaint_service where period_grain = 'year'")
    assert plain[0]["overdue_complaints"] == 600 and plain[0]["answered_24h_pct"] == 0.0
    refused = run_cli(db, "load", "sales", str(DATASETS / COMPLAINTS[0][1]), "--history")
    assert refused.returncode == 1 and "--history applies to complaints only" in refused.stderr


# Both CFPB exports: product, issue (the cause) and the date received; constants for the rest.
CFPB = [
    "--map",
    "Date received=received_at",
    "--map",
    "Product=product",
    "--map",
    "Issue=cause",
    "--set",
    "customer_id=consumer",
    "--set",
    "cause_category=method",
    "--ignore-extra",
]
CFPB_RECENT = [
    "--skip-rows",
    "2",
    "--map",
    "Complaint ID=complaint_id",
    "--map",
    "Consumer complaint narrative=description",
    *CFPB,
]
CFPB_LEGACY = ["--row-ids", *CFPB]
RECENT = "cfpb-complaints-2015-2020-sample/complaints_sample.csv"
LEGACY = "cfpb-complaints-2013-2016-sample/consumer_complaints.csv"


def test_cfpb_complaints_with_junk_lines_and_us_dates(db):
    recent = run_cli(db, "load", "complaints", str(DATASETS / RECENT), *CFPB_RECENT, check=True)
    assert last_json(recent)["rows"] == 6_623
    legacy = run_cli(db, "load", "complaints", str(DATASETS / LEGACY), *CFPB_LEGACY, check=True)
    assert last_json(legacy)["rows"] == 3_186
    years = query(db, "select count(*) as n from complaints where year(received_at) = 2013")
    assert years[0]["n"] > 0


# The same files and options through the Upload page, as an analyst without the CLI loads them.
PAGE_CASES = [("survey", qid, path, options, rows) for qid, path, options, rows in SURVEYS] + [
    ("complaints", None, COMPLAINTS[1][1], CAR, 600),
    ("complaints", None, RECENT, CFPB_RECENT, 6_623),
    ("complaints", None, LEGACY, CFPB_LEGACY, 3_186),
]


def page_choices(options: list[str]) -> dict:
    """The CLI's options as what the page asks for: mapped columns, constants, row ids, own, sheet, skip."""
    chosen = {"map": {}, "set": {}, "row_ids": False, "own": None, "sheet": None, "skip": 0}
    words = iter(options)
    for word in words:
        if word in ("--map", "--set"):
            name, _, value = next(words).partition("=")
            chosen[word[2:]][name] = value
        elif word == "--row-ids":
            chosen["row_ids"] = True
        elif word in ("--own", "--sheet"):
            chosen[word[2:]] = next(words)
        elif word == "--skip-rows":
            chosen["skip"] = int(next(words))
        else:  # --ignore-extra: the page ignores every column left unmapped
            assert word == "--ignore-extra", word
    return chosen


def upload_on_page(at, kind, qid, path, chosen):
    """Drive the Upload page: kind, questionnaire, file, sheet, lines to skip, mapping, options."""
    open_page(at, "upload")
    at.selectbox(key="upload_kind").set_value(kind).run()
    if qid:
        at.selectbox(key="upload_qid").set_value(qid).run()
    mime = (
        "text/csv"
        if path.suffix == ".csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    at.file_uploader(key="upload_file").set_value((path.name, path.read_bytes(), mime)).run()
    if chosen["sheet"]:
        at.selectbox(key="upload_sheet").set_value(chosen["sheet"]).run()
    if chosen["skip"]:
        at.number_input(key="upload_skip").set_value(chosen["skip"]).run()
    assert not at.exception, [e.value for e in at.exception]
    editor = next(
        e for e in at.data_editor if str(e.key).startswith("mapping_")
    )  # not the questionnaire editor
    columns = list(editor.value["column"])
    edits = {columns.index(c): {"target": target} for c, target in chosen["map"].items()}
    at.session_state[editor.key] = {"edited_rows": edits, "added_rows": [], "deleted_rows": []}
    at.run()
    if chosen["set"]:  # fields the file lacks, each with one value (a date picker, a list, a text box)
        at.multiselect(key=f"upload_constant_fields_{kind}_{qid}").set_value(list(chosen["set"])).run()
        for name, value in chosen["set"].items():
            key = f"upload_constant_{kind}_{qid}_{name}"
            if name.endswith("_date"):
                at.date_input(key=key).set_value(dt.date.fromisoformat(value)).run()
            elif name == "cause_category":
                at.selectbox(key=key).set_value(value).run()
            else:
                at.text_input(key=key).set_value(value).run()
    if chosen["row_ids"]:
        at.checkbox(key=f"upload_row_ids_{kind}_{qid}").check().run()
    if chosen["own"]:
        next(s for s in at.selectbox if str(s.key).startswith("upload_own_")).set_value(chosen["own"]).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize(
    ("kind", "qid", "path", "options", "rows"),
    PAGE_CASES,
    ids=[f"{c[0]}-{c[2].split('/')[0]}" for c in PAGE_CASES],
)
def test_public_dataset_loads_through_the_upload_page(
    demo_db, tmp_path, monkeypatch, kind, qid, path, options, rows
):
    at = private_app(demo_db, tmp_path, monkeypatch)
    if qid:
        con = open_warehouse(at.db)
        store.add_questionnaire(con, (EXAMPLES / f"{qid}.toml").read_text(encoding="utf-8"))
        con.close()
    login(at.run())
    upload_on_page(at, kind, qid, DATASETS / path, page_choices(options))
    assert any(f"{rows:,} 行" in s.value for s in at.success), [e.value for e in at.error] + [
        s.value for s in at.success
    ]
    at.button(key="do_load").click().run()
    loaded = [s.value for s in at.success if "已加载批次" in s.value]
    assert loaded and f"{rows:,} 行" in loaded[0], [e.value for e in at.error]
    batch = loaded[0].split("批次 ")[1].split("：")[0]
    table = "responses" if kind == "survey" else "complaints"
    assert query(at.db, f"select count(*) as n from {table} where batch_id = ?", [batch]) == [{"n": rows}]
    if qid == "skytrax":  # --own on the page: Singapore's overall mean as SOURCE.md has it
        own = query(
            at.db,
            "select round(avg(level_value), 2) as m from answers a join responses r "
            "using (batch_id, questionnaire_id, response_id) where item_id = 'overall' and subject = 'own'",
        )
        assert own == [{"m": 6.83}]


def test_the_page_keeps_constants_and_row_ids_for_next_month(demo_db, tmp_path, monkeypatch):
    qid, path, options, _ = SURVEYS[2]  # bank: --row-ids and two constants
    at = private_app(demo_db, tmp_path, monkeypatch)
    con = open_warehouse(at.db)
    store.add_questionnaire(con, (EXAMPLES / f"{qid}.toml").read_text(encoding="utf-8"))
    con.close()
    login(at.run())
    chosen = page_choices(options)
    upload_on_page(at, "survey", qid, DATASETS / path, chosen)
    at.button(key="do_load").click().run()
    assert any("已加载批次" in s.value for s in at.success)
    again = login(private_app_same(at, monkeypatch).run())  # a new session next month
    open_page(again, "upload")
    again.selectbox(key="upload_qid").set_value(qid).run()
    data = (DATASETS / path).read_bytes()
    again.file_uploader(key="upload_file").set_value(("next.csv", data + b"\n", "text/csv")).run()
    assert again.multiselect(key=f"upload_constant_fields_survey_{qid}").value == list(chosen["set"])
    for name, value in chosen["set"].items():
        key = f"upload_constant_survey_{qid}_{name}"
        shown = (
            again.date_input(key=key).value.isoformat()
            if name.endswith("_date")
            else again.text_input(key=key).value
        )
        assert shown == value
    assert again.checkbox(key=f"upload_row_ids_survey_{qid}").value is True
    assert any("已套用上次保存的映射" in c.value for c in again.caption)


def private_app_same(at, monkeypatch):
    """A second session on the same warehouse as `at`."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("MANYI_DB", str(at.db))
    fresh = AppTest.from_file(str(ROOT / "tests" / "app_entry.py"), default_timeout=TIMEOUT)
    fresh.db = at.db
    return fresh
