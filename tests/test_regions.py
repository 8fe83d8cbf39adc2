"""Region-limited users (CONTRACT §7): every query of the dashboard's query layer, run for a
user limited to some regions on the whole demo warehouse, returns exactly what it returns to
an unlimited user on a warehouse holding only those regions' customers. Nothing of another
region comes back, not even inside an aggregate; a query that cannot honour the limit is
refused."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from pipelines.demo import REGIONS, build_demo, demo_files
from warehouse import open_warehouse, roles
from warehouse.migrate import SQL_DIR
from warehouse.sql import RegionLimitError, query

LIMIT = [REGIONS[0], REGIONS[2]]
QUERIES = sorted(p.stem for p in (SQL_DIR / "queries").glob("*.sql"))
# columns that name when a row was written, not what it says (a sample key hashes the batch id)
WRITTEN = {"updated_at", "changed_at", "loaded_at", "batch_id", "sample_key"}
VERDICTS = {"verdict", "improved", "not_improved", "too_few"}


def _only(files, customers: set[str]):
    """The demo files cut to the rows of `customers` (and rows naming no customer)."""
    kept = []
    for kind, name, frame, encoding, qid in files:
        col = pl.col("客户编号")
        frame = frame.filter(col.is_null() | (col == "") | col.is_in(sorted(customers)))
        kept.append((kind, name, frame, encoding, qid))
    return kept


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    """(the whole demo, the demo of LIMIT's customers only, LIMIT's customer ids)."""
    files = demo_files(0.1)
    customers = files[0][2]
    own = set(customers.filter(pl.col("区域").is_in(LIMIT))["客户编号"].to_list())
    root = tmp_path_factory.mktemp("regions")
    # Without the call desk's worked calls and the alerts: the calls worked (and their responses)
    # and the company-wide alerts depend on every customer, so the two would differ by design.
    build_demo(root / "whole.duckdb", files=files, log=lambda m: None, desk=False)
    build_demo(root / "part.duckdb", files=_only(files, own), log=lambda m: None, desk=False)
    whole, part = open_warehouse(root / "whole.duckdb"), open_warehouse(root / "part.duckdb")
    yield whole, part, own
    whole.close()
    part.close()


# The call desk's and the alerts' queries: no plan or alert in these warehouses (above), so they
# are compared empty; control_limits is never shown to a region-limited user.
DESK = ("alerts_inbox", "call_board", "call_progress", "call_customer", "call_cases", "control_limits")


def _params(**extra) -> dict:
    base = {
        "qid": "dealer-sales",
        "grain": "month",
        "date_from": dt.date(2024, 1, 1),
        "date_to": dt.date(2027, 12, 31),
        "scope": None,
        "segment": None,
        "region": None,
        "customer_id": None,
        "item_id": "q3",
        "topic": "delivery-wait",  # topic_terms (and term_comments, narrowed to it)
        "overall_item": "q7",
        "whole_range": False,
        "by": "region",
        "unmask": False,
    }
    return base | extra


def _action_ids(con) -> list[str]:
    return [r[0] for r in con.execute("select action_id from lake.v_actions order by 1").fetchall()]


def _case_params(con, name: str) -> list[dict]:
    """Parameters naming complaint cases of every region (the limit must hide the others')."""
    if name == "case_actions":
        rows = con.execute(
            "select distinct cause_category, cause from lake.v_actions where source = 'complaint'"
        ).fetchall()
        customers = [
            r[0] for r in con.execute("select customer_id from lake.v_customer_segment limit 3").fetchall()
        ]
        return [{"customer": c, "category": k, "cause": w} for c in customers for k, w in rows]
    rows = con.execute(
        "select complaint_id, customer_id, cause from lake.v_complaint_cases "
        "where status <> 'closed' order by complaint_id limit 12"
    ).fetchall()
    if name == "case_versions":
        return [{"complaint": cid} for cid, _, _ in rows]
    return [{"customer": c, "cause": w} for _, c, w in rows]


def _same(name, whole, part, params):
    limited = query(whole, f"queries/{name}", params | {"regions": LIMIT})
    alone = query(part, f"queries/{name}", params)
    drop = [c for c in limited.columns if c in WRITTEN]
    # Verdicts count every region's responses: a limited user gets none.
    verdicts = [c for c in limited.columns if c in VERDICTS]
    assert all(limited[c].null_count() == limited.height for c in verdicts), name
    drop += verdicts
    assert_frame_equal(
        limited.drop(drop), alone.drop(drop), check_row_order=False, check_dtypes=False, rel_tol=1e-9
    )
    return limited


@pytest.mark.parametrize("name", [n for n in QUERIES if not roles.region_free(n)])
def test_limited_user_sees_only_their_regions(pair, name):
    whole, part, own = pair
    if name == "action_effect":
        # The effect counts every region's responses: refused, never shown half-filtered.
        with pytest.raises(RegionLimitError):
            query(whole, "queries/action_effect", {"action_id": "x", "regions": LIMIT})
        return
    if name == "control_limits":  # the whole group's limits: never shown to a region-limited user
        assert query(
            whole, "queries/control_limits", _params(one_scope="sales", rule="csi_low", regions=LIMIT)
        ).is_empty()
        return
    variants = [_params(), _params(scope="sales", whole_range=True, by="scope")]
    variants.append(_params(customer_id=sorted(own)[0]))
    variants.append(_params(segment="key"))
    variants.append(_params(qid="after-sales", item_id="a1", overall_item=None))
    if name == "action_versions":
        variants = [{"action_id": a} for a in _action_ids(whole)]
    if name in ("case_versions", "open_cases_of", "case_actions"):
        variants = _case_params(whole, name)
    rows = 0
    for params in variants:
        limited = _same(name, whole, part, params)
        rows += limited.height
        if "customer_id" in limited.columns:
            assert set(limited["customer_id"].drop_nulls()) <= own
        if "region" in limited.columns:
            assert set(limited["region"].drop_nulls()) <= set(LIMIT)
    if name not in ("customer_item_levels", "complaints_list", *DESK) or rows:
        assert rows > 0, f"{name} returned nothing: the comparison proves nothing"


def test_the_unlimited_user_still_sees_every_region(pair):
    whole, _, own = pair
    everyone = query(whole, "queries/customers_surveyed", _params())
    assert set(everyone["customer_id"]) - own, "the demo has customers outside the limit"
    limited = query(whole, "queries/customers_surveyed", _params() | {"regions": LIMIT})
    assert 0 < limited.height < everyone.height
    # An empty list is a limit to no region: nothing, never everything.
    assert query(whole, "queries/customers_surveyed", _params() | {"regions": []}).is_empty()


def test_an_action_about_another_regions_customer_is_hidden(pair):
    whole, _, own = pair
    board = query(whole, "queries/actions_board", {"regions": LIMIT})
    everyone = query(whole, "queries/actions_board", {})
    outside = everyone.filter(pl.col("customer_id").is_not_null() & ~pl.col("customer_id").is_in(sorted(own)))
    assert outside.height > 0
    assert not set(outside["action_id"]) & set(board["action_id"])
    assert board.height == everyone.height - outside.height


def test_a_query_that_forgets_the_limit_is_refused(pair, monkeypatch):
    whole, _, _ = pair
    from warehouse import sql

    monkeypatch.setattr(sql, "sql_file", lambda name: "select customer_id from stg_customers")
    with pytest.raises(RegionLimitError):
        query(whole, "queries/new_page_query", {"regions": LIMIT})
    assert query(whole, "queries/new_page_query", {}).height > 0
