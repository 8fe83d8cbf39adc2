"""The warehouse on shared services (CONTRACT §8): DuckLake's catalog in PostgreSQL and its
data files on S3, both started here on 127.0.0.1 (Debian's PostgreSQL, moto's S3 server).
The same CLI and the same numbers as on SQLite; loaders at the same moment all succeed, on
SQLite too; readers never see half a batch."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid

import pytest
from conftest import DATA, EXAMPLES, ROOT, last_json, run_cli
from services import bucket, keys, new_database, postgres, postgres_available, s3

from bench.synth import questionnaire, write_survey
from warehouse.maintain import data_files, listed_files

if not postgres_available():
    if os.environ.get("MANYI_REQUIRE_BROWSER"):  # make test installs it: a skip would hide that
        raise RuntimeError("PostgreSQL's server is required for these tests: run `make browser-deps`")
    pytest.skip("PostgreSQL (Debian postgresql) not installed", allow_module_level=True)


@pytest.fixture(scope="module")
def services():
    with postgres() as (_, port, _user), s3() as env:
        yield port, env


@pytest.fixture
def shared(services, monkeypatch, tmp_path):
    """A new PostgreSQL database and S3 bucket, set in the environment as a deployment would."""
    port, env = services
    name = "w" + uuid.uuid4().hex[:10]
    catalog = new_database(port, name)
    client = bucket(env, name)
    for key, value in {**env, "MANYI_CATALOG": catalog, "MANYI_DATA_PATH": f"s3://{name}/lake"}.items():
        monkeypatch.setenv(key, value)
    return tmp_path / "unused" / "manyi.duckdb", client, name


def _tiny(db):
    for toml in ("dealer-sales.toml",):
        run_cli(db, "questionnaire", "add", str(EXAMPLES / toml), check=True)
    run_cli(db, "questionnaire", "add", str(DATA / "tiny.toml"), check=True)
    run_cli(db, "load", "survey", str(DATA / "tiny_survey.csv"), "--questionnaire", "tiny", check=True)
    for kind, file in (
        ("sales", "sales_ok.csv"),
        ("complaints", "complaints_ok.csv"),
        ("contacts", "contacts_ok.csv"),
    ):
        run_cli(db, "load", kind, str(DATA / file), check=True)
    run_cli(db, "load", "customers", str(DATA / "customers_ok.csv"), check=True)


VIEWS = (
    "select period_grain, period_start, scope, segment, responses, round(csi, 9) as csi from v_csi_period "
    "where questionnaire_id = 'tiny' order by all",
    "select period_grain, period_start, complaints, shipments, round(complaint_rate_pct, 9) from v_complaint_rate "
    "order by all",
    "select period_grain, period_start, scope, planned, reached, completed from v_contact_kpis order by all",
)


def _views(db) -> list:
    return [last_json(run_cli(db, "query", sql, check=True)) for sql in VIEWS]


def test_the_same_warehouse_on_postgres_and_s3(shared, tmp_path, monkeypatch):
    db, client, name = shared
    _tiny(db)
    on_services = _views(db)
    assert not db.parent.exists(), "nothing is written beside MANYI_DB"
    # Small inserts may stay inlined in the PostgreSQL catalog until maintain flushes them.
    run_cli(db, "maintain", check=True)
    assert _views(db) == on_services
    files = keys(client, name)
    assert files and all(k.startswith("lake/") and k.endswith(".parquet") for k in files)
    # The same files on SQLite and a local folder give the same numbers.
    for key in ("MANYI_CATALOG", "MANYI_DATA_PATH"):
        monkeypatch.delenv(key)
    local = tmp_path / "local" / "manyi.duckdb"
    _tiny(local)
    assert _views(local) == on_services


def test_rollback_maintain_and_the_dashboard_reader_on_services(shared):
    db, _, _ = shared
    _tiny(db)
    batches = last_json(run_cli(db, "batches", check=True))
    survey = next(b for b in batches if b["kind"] == "survey")
    assert last_json(run_cli(db, "rollback", survey["batch_id"], check=True))["status"] == "rolled_back"
    assert (
        last_json(
            run_cli(db, "query", "select count(*) as n from v_csi_period where questionnaire_id = 'tiny'")
        )[0]["n"]
        == 0
    )
    # Every older snapshot expired too: then each file on S3 is one the newest snapshot lists.
    done = last_json(
        run_cli(db, "maintain", "--orphans-older-than", "0", "--snapshots-older-than", "0", check=True)
    )
    assert done["status"] == "maintained" and done["files_after"] >= 1 and done["snapshots_after"] == 1
    from warehouse import open_warehouse
    from warehouse.reader import Reader

    con = open_warehouse(db)
    try:
        assert data_files(db, con) == listed_files(con)  # no orphan left on S3
    finally:
        con.close()
    reader = Reader(db)
    assert reader.query("questionnaires").height >= 2 and reader.version() > 0


LOADER = [sys.executable, "-m", "pipelines", "load", "survey"]


def _loader(env: dict, csv, text: bool = True) -> subprocess.Popen:
    """A CLI load of a synthetic survey file, started and left running."""
    return subprocess.Popen(
        [*LOADER, str(csv), "--questionnaire", "bench", "--ignore-extra"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=text,
    )


def _concurrent(db, tmp_path, loaders: int, rows: int, readers: int = 0, read_seconds: float = 0):
    """`loaders` CLI loads of different files started at the same moment (and `readers` reader
    processes meanwhile); returns (load summaries, reader results)."""
    qfile = tmp_path / "bench.toml"
    qfile.write_text(questionnaire(items=20), encoding="utf-8")
    run_cli(db, "questionnaire", "add", str(qfile), check=True)
    csvs = [
        write_survey(tmp_path / f"part{n}.csv", rows, items=20, seed=n + 1, start=n * rows)
        for n in range(loaders)
    ]
    env = {**os.environ, "MANYI_DB": str(db), "PYTHONPATH": str(ROOT)}
    watchers = [
        subprocess.Popen(
            [sys.executable, "-c", READER, str(db), str(read_seconds)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(readers)
    ]
    if readers:
        time.sleep(3)
    procs = [_loader(env, csv) for csv in csvs]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err[-2000:]
        assert "Traceback" not in err
        results.append(json.loads(out.strip().splitlines()[-1]))
    seen = [json.loads(w.communicate(timeout=300)[0]) for w in watchers]
    return results, seen


READER = """
import sys, time, json
from warehouse import open_warehouse
con = open_warehouse(sys.argv[1])
seen, errors, t0 = [], [], time.time()
while time.time() - t0 < float(sys.argv[2]):
    try:
        r = con.execute(
            "select (select count(*) from responses), (select count(*) from response_scores), "
            "(select count(*) from batches where kind = 'survey')"
        ).fetchone()
        seen.append(list(r))
    except Exception as exc:
        errors.append(str(exc))
    time.sleep(0.1)
print(json.dumps({"seen": seen, "errors": errors}))
"""


def _check(db, results, seen, rows):
    batches = last_json(run_cli(db, "batches", check=True))
    surveys = [b for b in batches if b["kind"] == "survey" and b["status"] == "loaded"]
    assert sorted(b["batch_id"] for b in surveys) == sorted(r["batch_id"] for r in results)  # each once
    total = last_json(
        run_cli(db, "query", "select sum(responses) as n from v_csi_period where period_grain = 'year'")
    )
    assert total[0]["n"] == rows * len(results)
    for reader in seen:
        assert reader["errors"] == []
        for responses, scores, loaded in reader["seen"]:
            assert responses == scores == rows * loaded, (responses, scores, loaded)  # never half a batch


def test_three_loaders_at_once_on_sqlite_all_succeed(db, tmp_path):
    results, seen = _concurrent(db, tmp_path, 3, 20_000, readers=2, read_seconds=20)
    _check(db, results, seen, 20_000)


def test_three_loaders_and_five_readers_at_once_on_postgres_and_s3(shared, tmp_path):
    db, client, name = shared
    results, seen = _concurrent(db, tmp_path, 3, 20_000, readers=5, read_seconds=25)
    _check(db, results, seen, 20_000)
    assert all(k.startswith("lake/") for k in keys(client, name))


def test_migrate_catalog_moves_every_row_and_export_writes_parquet(services, tmp_path, monkeypatch):
    """A SQLite warehouse with a rollback, a supersession, settings and audit rows moves to
    PostgreSQL + S3 with every table's rows; the public views read the same; export writes
    them as Parquet partitioned by period that reads back equal."""
    import polars as pl

    port, env = services
    for key in ("MANYI_CATALOG", "MANYI_DATA_PATH"):
        monkeypatch.delenv(key, raising=False)
    db = tmp_path / "local" / "manyi.duckdb"
    _tiny(db)
    run_cli(db, "load", "sales", str(DATA / "sales_ok.csv"), "--replace", check=True)  # a supersession
    first = next(b for b in last_json(run_cli(db, "batches", check=True)) if b["kind"] == "contacts")
    run_cli(db, "rollback", first["batch_id"], check=True)
    run_cli(db, "setting", "set", "min_sample", "20", check=True)
    before = _views(db)
    tables = (
        "batches",
        "supersessions",
        "questionnaires",
        "settings",
        "audit_log",
        "responses",
        "answer_sets",
    )
    name = "m" + uuid.uuid4().hex[:8]
    catalog = new_database(port, name)
    bucket(env, name)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    moved = last_json(
        run_cli(db, "migrate-catalog", "--to", catalog, "--data", f"s3://{name}/lake", check=True)
    )
    assert moved["status"] == "migrated" and moved["tables"]["batches"] == len(
        last_json(run_cli(db, "batches"))
    )
    again = run_cli(db, "migrate-catalog", "--to", catalog, "--data", f"s3://{name}/lake")
    assert again.returncode == 1 and "already holds a warehouse" in again.stderr
    from warehouse import lake

    source = lake.connect(db, catalog="", data="")
    try:
        expected = {t: source.execute(f"select count(*) from {t}").fetchone()[0] for t in tables}
    finally:
        source.close()
    for t in tables:
        assert moved["tables"][t] == expected[t], t
    monkeypatch.setenv("MANYI_CATALOG", catalog)
    monkeypatch.setenv("MANYI_DATA_PATH", f"s3://{name}/lake")
    assert _views(db) == before
    assert last_json(run_cli(db, "setting", "list", check=True))
    out = tmp_path / "export"
    done = last_json(run_cli(db, "export", "--format", "parquet", str(out), check=True))
    assert done["views"]["v_csi_period"] > 0
    back = pl.read_parquet(out / "v_csi_period", hive_partitioning=True)
    assert back.height == done["views"]["v_csi_period"]
    assert sorted(back["period_grain"].unique()) == ["month", "quarter", "year"]


def test_two_dashboards_serve_one_warehouse_on_services(shared, monkeypatch):
    """Two dashboard sessions (AppTest) log in and draw the Overview from the PostgreSQL + S3
    warehouse while a loader writes to it."""
    from streamlit.testing.v1 import AppTest

    db, _, _ = shared
    _tiny(db)
    added = subprocess.run(
        [sys.executable, "-m", "pipelines", "user", "add", "boss", "--role", "admin"],
        cwd=ROOT,
        env={**os.environ, "MANYI_DB": str(db)},
        input="pw-boss\n",
        capture_output=True,
        text=True,
    )
    assert added.returncode == 0, added.stderr
    monkeypatch.setenv("MANYI_DB", str(db))
    monkeypatch.chdir(ROOT)
    loader = subprocess.Popen(
        [sys.executable, "-m", "pipelines", "load", "sales", str(DATA / "sales_ok.csv"), "--replace"],
        cwd=ROOT,
        env={**os.environ, "MANYI_DB": str(db)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    for _ in range(2):
        at = AppTest.from_file(str(ROOT / "tests" / "app_entry.py"), default_timeout=120)
        at.run()
        at.text_input(key="login_name").set_value("boss")
        at.text_input(key="login_password").set_value("pw-boss")
        next(b for b in at.button if b.label in ("登录", "Sign in")).click().run()
        assert not at.exception, [e.value for e in at.exception]
        csi = next(m for m in at.metric if m.label.startswith("CSI"))
        assert csi.value not in ("", "—", "无数据"), csi.value
    assert loader.wait(timeout=120) == 0


def test_a_killed_loader_leaves_nothing_on_services(shared, tmp_path):
    import select
    import signal

    db, _, _ = shared
    qfile = tmp_path / "bench.toml"
    qfile.write_text(questionnaire(items=20), encoding="utf-8")
    run_cli(db, "questionnaire", "add", str(qfile), check=True)
    csv = write_survey(tmp_path / "big.csv", 150_000, items=20)
    proc = _loader({**os.environ, "MANYI_DB": str(db)}, csv, text=False)
    seen, deadline = b"", time.time() + 240
    while b"writing" not in seen and time.time() < deadline and proc.poll() is None:
        ready, _, _ = select.select([proc.stderr], [], [], 1)
        if ready:
            seen += os.read(proc.stderr.fileno(), 4096)
    assert b"writing" in seen, seen
    time.sleep(0.5)  # inside the write transaction
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    counts = last_json(
        run_cli(db, "query", "select (select count(*) from v_csi_response) as responses", check=True)
    )
    assert counts == [{"responses": 0}]
    assert last_json(run_cli(db, "batches", check=True)) == []
    run_cli(db, "maintain", "--orphans-older-than", "0", check=True)
    from warehouse import open_warehouse

    con = open_warehouse(db)
    try:
        assert data_files(db, con) - listed_files(con) == set()
    finally:
        con.close()


@pytest.mark.parametrize("where", ["sqlite", "services"])
def test_the_same_ids_loaded_twice_at_once_give_one_batch(where, db, request, tmp_path):
    """Two analysts load files with the same response ids at the same moment: one batch, and
    the other is refused with 'already loaded', never the same responses twice."""
    if where == "services":
        db = request.getfixturevalue("shared")[0]
    qfile = tmp_path / "bench.toml"
    qfile.write_text(questionnaire(items=20), encoding="utf-8")
    run_cli(db, "questionnaire", "add", str(qfile), check=True)
    files = [write_survey(tmp_path / f"same{n}.csv", 30_000, items=20, seed=n + 1) for n in range(2)]
    env = {**os.environ, "MANYI_DB": str(db)}
    procs = [_loader(env, f) for f in files]
    outcomes = []
    for proc in procs:
        out, err = proc.communicate(timeout=600)
        outcomes.append((proc.returncode, out, err))
    assert sorted(code for code, _, _ in outcomes) == [0, 1], [e[-500:] for _, _, e in outcomes]
    refused = next(err for code, _, err in outcomes if code == 1)
    assert "already loaded by batch" in refused and "Traceback" not in refused
    total = last_json(run_cli(db, "query", "select count(*) as n from v_csi_response", check=True))
    assert total == [{"n": 30_000}]
