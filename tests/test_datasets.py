"""The public datasets in ../shared/datasets load through the CLI, with the options real exports need."""

from __future__ import annotations

import pytest
from conftest import DATASETS, EXAMPLES, last_json, run_cli

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


def query(db, sql):
    """Rows of `sql` over the warehouse's tables as dicts (the CLI's query reads views only)."""
    con = open_warehouse(db)
    try:
        return con.execute(sql).pl().to_dicts()
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


def test_cfpb_complaints_with_junk_lines_and_us_dates(db):
    recent = run_cli(
        db,
        "load",
        "complaints",
        str(DATASETS / "cfpb-complaints-2015-2020-sample/complaints_sample.csv"),
        "--skip-rows",
        "2",
        "--map",
        "Complaint ID=complaint_id",
        "--map",
        "Date received=received_at",
        "--map",
        "Product=product",
        "--map",
        "Issue=cause",
        "--map",
        "Consumer complaint narrative=description",
        "--set",
        "customer_id=consumer",
        "--set",
        "cause_category=method",
        "--ignore-extra",
        check=True,
    )
    assert last_json(recent)["rows"] == 6_623
    legacy = run_cli(
        db,
        "load",
        "complaints",
        str(DATASETS / "cfpb-complaints-2013-2016-sample/consumer_complaints.csv"),
        "--row-ids",
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
        check=True,
    )
    assert last_json(legacy)["rows"] == 3_186
    years = query(db, "select count(*) as n from complaints where year(received_at) = 2013")
    assert years[0]["n"] > 0
