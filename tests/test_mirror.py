"""The dashboard's in-memory copy of a small warehouse (warehouse.mirror, issue 15: fixed cost).

Every query of the query layer gives on the copy what it gives on the lake; the copy follows
loads, rollbacks, maintenance and a changed schema by copying what changed; a query for a
version the copy does not hold, and every query of the audit trail, reads the lake."""

from __future__ import annotations

import datetime as dt
import time

import polars as pl
import pytest
from conftest import DATA, load_file
from polars.testing import assert_frame_equal

from pipelines import store
from pipelines.demo import build_demo
from warehouse import maintain as maintenance
from warehouse import open_warehouse, settings
from warehouse.lake import LAKE
from warehouse.migrate import SQL_DIR
from warehouse.mirror import LAKE_ONLY, MIRROR, Mirror, limit_bytes, on_lake_only
from warehouse.reader import Reader
from warehouse.sql import query

QUERIES = sorted(p.stem for p in (SQL_DIR / "queries").glob("*.sql"))
# Queries that find nothing on the small demo under every variant below (checked on the lake).
EMPTY = {"customer_item_levels", "complaints_list"}


def _variants(reader) -> list[dict]:
    base = {
        "qid": "dealer-sales",
        "grain": "month",
        "date_from": dt.date(2024, 1, 1),
        "date_to": dt.date(2027, 12, 31),
        "item_id": "q3",
        "overall_item": "q7",
        "whole_range": False,
        "by": "region",
        "unmask": False,
        "limit": 200,
    }
    customer = reader.query("customers_surveyed", base)["customer_id"][0]
    return [
        base,
        base | {"scope": "sales", "whole_range": True, "by": "scope", "grain": "quarter"},
        base | {"customer_id": customer, "segment": ["key"], "regions": ["华东"]},
        base | {"qid": "after-sales", "item_id": "a1", "overall_item": None},
        base | {"key": "target:dealer-sales", "topic": "delivery-wait", "term": "准时", "min_count": 1},
    ]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("mirror") / "demo.duckdb"
    build_demo(path, scale=0.1, log=lambda m: None)
    reader = Reader(path, mirror=True)
    cur = reader.cursor()
    settings.replace(cur, "min_sample", "20")  # a setting in force (settings_in_force)
    cur.close()
    assert reader.mirror.refresh() == reader.version()
    yield reader


def _both(reader, name: str, params: dict) -> tuple[pl.DataFrame, pl.DataFrame]:
    lake, copy = reader.cursor(LAKE), reader.cursor(MIRROR)
    try:
        return query(lake, f"queries/{name}", params), query(copy, f"queries/{name}", params)
    finally:
        lake.close()
        copy.close()


def test_every_query_gives_on_the_copy_what_it_gives_on_the_lake(demo):
    variants = _variants(demo)
    actions = [r[0] for r in demo.cursor().execute("select action_id from v_actions order by 1").fetchall()]
    assert actions, "the demo has corrective actions"
    checked = []
    for name in QUERIES:
        if on_lake_only(name):
            continue
        rows = 0
        runs = [{"action_id": a} for a in actions] if name.startswith("action_") else variants
        for params in runs:
            if params.get("regions") and name == "action_effect":
                continue  # refused for a region-limited user (test_regions)
            lake, copy = _both(demo, name, params)
            # Rows tied in a query's order may come in either order on either engine.
            try:
                assert_frame_equal(copy, lake, check_row_order=False, check_exact=False, rel_tol=1e-12)
            except AssertionError as exc:
                raise AssertionError(f"{name} {params}: {exc}") from None
            rows += lake.height
        assert rows or name in EMPTY, f"{name} returned nothing: the comparison proves nothing"
        checked.append(name)
    assert len(checked) >= len(QUERIES) - 2, sorted(set(QUERIES) - set(checked))


def test_the_audit_trail_is_read_on_the_lake_with_its_newest_event(demo):
    assert on_lake_only("audit")
    assert LAKE_ONLY == ("audit_log",)
    assert not on_lake_only("csi_trend") and not on_lake_only("questionnaires")
    version = demo.version()
    assert demo.mirror.version == version
    cur = demo.cursor()  # a write of the dashboard's (a sign-in), on the lake
    store.audit(cur, "login", None, {"note": "mirror test"}, user="mirror-test")
    cur.close()
    assert demo.version() == version, "an audit event is not a data change"
    assert demo.mirror.serves("csi_trend", version)
    assert not demo.mirror.serves("audit", version)
    today = dt.date.today()
    events = demo.query(
        "audit",
        {"date_from": today - dt.timedelta(days=1), "date_to": today + dt.timedelta(days=1)},
        version=demo.version(audit=True),
    )
    assert "mirror-test" in events["user_name"].to_list()


def _wait_for(mirror: Mirror, version: int) -> None:
    deadline = time.monotonic() + 60
    while mirror.version != version:
        assert time.monotonic() < deadline, f"the copy never reached version {version}"
        time.sleep(0.05)


def test_the_copy_follows_loads_rollbacks_and_maintenance(tiny, db):
    reader = Reader(db, mirror=True)
    mirror = reader.mirror
    first = reader.version()
    assert mirror.refresh() == first
    assert "responses" in mirror.last_copied and "audit_log" not in mirror.last_copied
    params = {
        "qid": "tiny",
        "grain": "month",
        "date_from": dt.date(2025, 1, 1),
        "date_to": dt.date(2025, 12, 31),
    }
    before = reader.query("customers_surveyed", params, version=first)

    # A customers file: the query for the new version reads the lake at once, and the copy
    # catches up in the background with the tables that changed only.
    result = load_file(tiny, "customers", DATA / "customers_ok.csv")
    second = reader.version()
    assert second > first
    now = reader.query("customers_surveyed", params, version=second)
    assert (
        now.sort("customer_id")["customer_name"].to_list()
        != before.sort("customer_id")["customer_name"].to_list()
    )
    _wait_for(mirror, second)
    assert "customers" in mirror.last_copied
    assert "responses" not in mirror.last_copied and "answer_sets" not in mirror.last_copied
    assert_frame_equal(reader.query("customers_surveyed", params, version=second), now)

    # A rollback deletes rows: copied again, and the copy gives the old names back.
    store.rollback(tiny, result.batch_id)
    third = reader.version()
    assert mirror.refresh() == third
    assert "customers" in mirror.last_copied and "responses" not in mirror.last_copied
    assert_frame_equal(reader.query("customers_surveyed", params, version=third), before)

    # Maintenance expires the snapshots the copy counted its changes from: copied whole.
    maintenance.maintain(tiny, db, snapshots_older_than=dt.timedelta(0))
    fourth = reader.version()
    assert mirror.refresh() == fourth
    assert set(mirror.last_copied) >= {"responses", "customers", "answer_sets", "settings"}
    assert_frame_equal(reader.query("customers_surveyed", params, version=fourth), before)


def test_a_stale_or_older_version_reads_the_lake(tiny, db):
    reader = Reader(db, mirror=True)
    first = reader.version()
    assert reader.mirror.refresh() == first
    store.add_questionnaire(
        tiny, (DATA / "tiny.toml").read_text(encoding="utf-8").replace("tiny", "tiny2", 1)
    )
    second = reader.version()
    # A run that began before the change keeps its older key: the copy is newer by then.
    assert reader.mirror.refresh() == second
    assert not reader.mirror.serves("questionnaires", first)
    names = reader.query("questionnaires", {}, version=second)["questionnaire_id"].to_list()
    assert "tiny2" in names


def test_a_schema_change_copies_every_table_and_view_again(tiny, db):
    reader = Reader(db, mirror=True)
    assert reader.mirror.refresh() is not None
    tiny.execute("create table extra_notes (note varchar)")
    tiny.execute("insert into extra_notes values ('x')")
    assert reader.mirror.refresh() == reader.version()
    assert "extra_notes" in reader.mirror.last_copied and "responses" in reader.mirror.last_copied
    cur = reader.cursor(MIRROR)
    assert cur.execute("select note from extra_notes").fetchall() == [("x",)]
    cur.close()


def test_too_large_a_warehouse_is_not_copied(tiny, db, monkeypatch):
    monkeypatch.setenv("MANYI_MIRROR_MB", "0")
    assert limit_bytes() == 0
    reader = Reader(db, mirror=True)
    assert not reader.mirror.serves("csi_trend", reader.version())
    monkeypatch.setenv("MANYI_MIRROR_MB", "ten")
    with pytest.raises(RuntimeError, match="MANYI_MIRROR_MB"):
        limit_bytes()
    monkeypatch.delenv("MANYI_MIRROR_MB")
    # A copy that the warehouse outgrows is dropped, and queries read the lake.
    maintenance.maintain(tiny, db)  # the rows in data files (a tiny load is kept in the catalog)
    mirror = Mirror(open_warehouse(db))
    assert mirror.refresh() is not None
    monkeypatch.setattr(mirror, "_limit", 1)
    assert mirror.refresh() is None and mirror.version is None
    assert not mirror.serves("csi_trend", 1)


def test_a_query_that_fails_on_the_copy_reads_the_lake_and_the_copy_is_taken_anew(tiny, db, caplog):
    reader = Reader(db, mirror=True)
    version = reader.version()
    assert reader.mirror.refresh() == version
    params = {
        "qid": "tiny",
        "grain": "month",
        "date_from": dt.date(2025, 1, 1),
        "date_to": dt.date(2025, 12, 31),
    }
    expected = reader.query("csi_trend", params)
    cur = reader.cursor(MIRROR)
    cur.execute("drop table response_counts")  # a copy gone wrong
    cur.close()
    assert_frame_equal(reader.query("csi_trend", params, version=version), expected)
    assert "failed on the in-memory copy" in caplog.text
    assert reader.mirror.version is None
    reader.query("csi_trend", params, version=version)  # starts the copy again
    _wait_for(reader.mirror, version)
    assert "response_counts" in reader.mirror.last_copied
    assert_frame_equal(reader.query("csi_trend", params, version=version), expected)
