"""Schema migrations: an older warehouse file is upgraded when it is opened."""

from __future__ import annotations

from conftest import DATA, load_file

from pipelines import store
from warehouse import open_warehouse
from warehouse.lake import connect
from warehouse.migrate import current_version, migrations


def test_version_1_warehouse_upgrades_and_keeps_its_data(db):
    old = connect(db)
    number, name, sql = migrations()[0]
    old.execute(sql)
    old.execute("insert into schema_version values (?, ?, current_timestamp)", [number, name])
    old.execute(
        "insert into batches values ('b1', 'sales', 'f.csv', 'x', 1, null, current_timestamp, 'loaded', '{}')"
    )
    old.close()

    con = open_warehouse(db)
    assert current_version(con) == len(migrations()) >= 3
    columns = {r[0] for r in con.execute("select column_name from (describe response_scores)").fetchall()}
    assert "overall_score" in columns
    assert con.execute("select count(*) from customer_rating_counts").fetchall() == [(0,)]
    assert con.execute("select batch_id from batches").fetchall() == [("b1",)]
    versions = [r[0] for r in con.execute("select version from schema_version order by 1").fetchall()]
    assert versions == list(range(1, len(migrations()) + 1))
    con.close()


def test_overall_item_and_customer_rollups_are_written_at_load(con):
    load_file(con, "survey", DATA / "survey_ok.csv", questionnaire_id="dealer-sales")
    overall = dict(con.execute("select response_id, overall_score from response_scores").fetchall())
    # dealer-sales: overall_item = q7 (总体满意): R1 5 -> 100, R2 3 -> 50, R4 5 -> 100.
    assert overall["R1"] == 100.0 and overall["R2"] == 50.0 and overall["R4"] == 100.0
    from_rollup = con.execute(
        "select item_id, level_value, sum(ratings) from customer_rating_counts where customer_id = 'C2' "
        "group by all order by all"
    ).fetchall()
    from_answers = con.execute(
        "select a.item_id, a.level_value, count(*) from answers a join responses r "
        "using (batch_id, questionnaire_id, response_id) where r.customer_id = 'C2' group by all order by all"
    ).fetchall()
    assert from_rollup == from_answers and len(from_rollup) > 0
    store.rollback(con, con.execute("select batch_id from batches").fetchall()[0][0])
    assert con.execute("select count(*) from customer_rating_counts").fetchall() == [(0,)]
