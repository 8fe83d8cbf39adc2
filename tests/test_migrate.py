"""Schema migrations: an older warehouse file is upgraded when it is opened."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import DATA, load_file

from pipelines import store
from warehouse import open_warehouse
from warehouse.lake import LAKE, connect
from warehouse.migrate import SORT_ORDERS, current_version, migrations


def old_warehouse(db, version: int, insert: str, rows: list[tuple]) -> None:
    """A warehouse file at schema `version` holding `rows`, written by the `insert` statement."""
    old = connect(db)
    for number, name, sql in migrations()[:version]:
        old.execute(sql)
        old.execute("insert into schema_version values (?, ?, current_timestamp)", [number, name])
    if rows:
        old.executemany(insert, rows)
    old.close()


def test_version_1_warehouse_upgrades_and_keeps_its_data(db):
    old_warehouse(
        db,
        1,
        "insert into batches values (?, 'sales', 'f.csv', 'x', 1, null, current_timestamp, 'loaded', '{}')",
        [("b1",)],
    )

    con = open_warehouse(db)
    assert current_version(con) == len(migrations()) >= 3
    columns = {r[0] for r in con.execute("select column_name from (describe response_scores)").fetchall()}
    assert "overall_score" in columns
    assert con.execute("select count(*) from answer_sets").fetchall() == [(0,)]
    assert con.execute("select count(*) from answers").fetchall() == [(0,)]
    assert con.execute("select batch_id from batches").fetchall() == [("b1",)]
    versions = [r[0] for r in con.execute("select version from schema_version order by 1").fetchall()]
    assert versions == list(range(1, len(migrations()) + 1))
    con.close()


def test_version_3_answers_become_one_list_per_response(db):
    """Schema 4 turns the long answers table into answer_sets; the `answers` view reads the same rows."""
    long = [
        ("b1", "q", "R1", "a1", 5.0),
        ("b1", "q", "R1", "a3", 1.0),
        ("b1", "q", "R2", "a2", 4.0),
        ("b2", "q", "R1", "a1", 2.0),
    ]
    old_warehouse(db, 3, "insert into answers values (?, ?, ?, ?, ?)", long)

    con = open_warehouse(db)
    assert current_version(con) == len(migrations()) >= 4
    assert con.execute("select * from answers order by all").fetchall() == long
    # b1 rated a1, a2, a3: R2 answered only a2.
    lists = dict(
        con.execute(
            "select response_id, level_values from answer_sets where batch_id = 'b1' order by 1"
        ).fetchall()
    )
    assert lists == {"R1": [5.0, None, 1.0], "R2": [None, 4.0, None]}
    tables = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
    assert "customer_rating_counts" not in tables
    con.close()


def test_version_4_dimension_scores_become_one_list_per_response(db):
    """Schema 5 turns response_dimension_scores into dimension_score_sets, read back by a view."""
    long = [
        ("b1", "q", "R1", "A", 75.0, 2),
        ("b1", "q", "R1", "B", 0.0, 1),
        ("b1", "q", "R2", "B", 50.0, 1),
        ("b2", "q", "R1", "A", 100.0, 3),
    ]
    old_warehouse(db, 4, "insert into response_dimension_scores values (?, ?, ?, ?, ?, ?)", long)

    con = open_warehouse(db)
    assert current_version(con) == len(migrations()) >= 5
    assert con.execute("select * from response_dimension_scores order by all").fetchall() == long
    sets = con.execute(
        "select response_id, scores, ratings from dimension_score_sets where batch_id = 'b1' order by 1"
    ).fetchall()
    assert sets == [("R1", [75.0, 0.0], [2, 1]), ("R2", [None, 50.0], [0, 1])]
    con.close()


def test_overall_item_scores_and_answers_are_written_at_load(con):
    load_file(con, "survey", DATA / "survey_ok.csv", questionnaire_id="dealer-sales")
    overall = dict(con.execute("select response_id, overall_score from response_scores").fetchall())
    # dealer-sales: overall_item = q7 (总体满意): R1 5 -> 100, R2 3 -> 50, R4 5 -> 100.
    assert overall["R1"] == 100.0 and overall["R2"] == 50.0 and overall["R4"] == 100.0
    r1 = dict(con.execute("select item_id, level_value from answers where response_id = 'R1'").fetchall())
    assert r1["q7"] == 5.0
    answered = con.execute("select sum(ratings) from response_scores").fetchall()[0][0]
    assert con.execute("select count(*) from answers").fetchall() == [(answered,)] != [(0,)]
    # Each response's dimension scores equal the mean 0-100 score of its answered items there.
    from_answers = con.execute(
        "select a.response_id, l.dimension_id, avg(l.norm_score), count(*) from answers a "
        "join item_levels l on l.questionnaire_id = a.questionnaire_id and l.item_id = a.item_id "
        "and l.level_value = a.level_value group by all order by all"
    ).fetchall()
    stored = con.execute(
        "select response_id, dimension_id, score, ratings from response_dimension_scores order by all"
    ).fetchall()
    assert len(stored) == len(from_answers) > 0
    for (r1, d1, s1, n1), (r2, d2, s2, n2) in zip(stored, from_answers, strict=True):
        assert (r1, d1, n1) == (r2, d2, n2) and abs(s1 - s2) < 1e-9
    store.rollback(con, con.execute("select batch_id from batches").fetchall()[0][0])
    for table in ("answers", "answer_sets", "answer_items", "response_dimension_scores", "score_dimensions"):
        assert con.execute(f"select count(*) from {table}").fetchall() == [(0,)]


def test_a_new_warehouse_has_the_schema_the_migrations_give(db, tmp_path):
    """sql/raw/ is today's schema: a new warehouse equals a version-1 one upgraded."""
    old_warehouse(db, 1, "insert into settings values (?, ?)", [("key_account_threshold", "5000000")])
    upgraded = open_warehouse(db)
    fresh = open_warehouse(tmp_path / "fresh" / "manyi.duckdb")
    sql = (
        "select table_name, column_name, data_type from information_schema.columns "
        "where table_catalog = current_database() and table_name in "
        "(select table_name from information_schema.tables where table_catalog = current_database() "
        "and table_type = 'BASE TABLE') order by all"
    )
    assert upgraded.execute(sql).fetchall() == fresh.execute(sql).fetchall()
    assert current_version(fresh) == current_version(upgraded) == len(migrations())
    upgraded.close()
    fresh.close()


def test_version_6_questionnaires_get_their_cadence_and_an_actions_table(db):
    """Schema 7 reads each questionnaire's cadence from the TOML in force (month when absent)."""
    old_warehouse(
        db,
        6,
        "insert into questionnaires values (?, ?, 't', 'sales', ?, current_timestamp)",
        [
            ("q-a", 1, 'id = "q-a"\ntitle = "t"\n'),
            ("q-a", 2, 'id = "q-a"\ncadence = "quarter"  # 季度\ntitle = "t"\n'),
            ("q-b", 1, "id = 'q-b'\n[[dimensions]]\nid = 'x'\n"),
        ],
    )
    con = open_warehouse(db)
    found = dict(con.execute("select key, value from setting_values where key like 'cadence:%'").fetchall())
    assert found == {"cadence:q-a": "quarter", "cadence:q-b": "month"}
    assert con.execute("select count(*) from v_actions").fetchall() == [(0,)]
    assert con.execute("select count(*) from v_action_effect").fetchall() == [(0,)]
    con.close()


def test_every_table_has_statistics_even_before_its_first_row(db):
    """DuckLake 1.5.5 plans a table without statistics with one catalog query per column on
    every query (duckdb/ducklake#1313); a warehouse gives its empty tables empty statistics,
    and an older warehouse gets them when it is opened. Empty tables stay empty."""
    metadata = "__ducklake_metadata_lake"
    bare = (
        f"select t.table_name from {metadata}.ducklake_table as t where t.end_snapshot is null "
        f"and t.table_id not in (select table_id from {metadata}.ducklake_table_stats) order by 1"
    )
    con = open_warehouse(db)
    assert con.execute(bare).fetchall() == []
    assert con.execute("select count(*) from supersessions").fetchone()[0] == 0
    # as a warehouse made before: its never-used tables have no statistics
    con.execute(
        f"delete from {metadata}.ducklake_table_stats where table_id in "
        f"(select table_id from {metadata}.ducklake_table where table_name in ('supersessions', 'sales'))"
    )
    assert con.execute(bare).fetchall() == [("sales",), ("supersessions",)]
    con.close()
    con = open_warehouse(db)
    assert con.execute(bare).fetchall() == []
    load_file(con, "sales", DATA / "sales_ok.csv")
    stats = con.execute(
        f"select s.record_count from {metadata}.ducklake_table_stats as s "
        f"join {metadata}.ducklake_table as t using (table_id) where t.table_name = 'sales'"
    ).fetchall()
    assert stats == [(4,)] and con.execute("select count(*) from sales").fetchone()[0] == 4
    con.close()


def test_version_10_answer_sets_get_their_dates_and_the_response_tables_a_date_order(db):
    """Schema 11: answer sets written before it take their response's survey date and customer,
    and the answer sets, response scores and responses are kept sorted by date (issue 15)."""
    old = connect(db)
    for number, name, sql in migrations()[:10]:
        old.execute(sql)
        old.execute("insert into schema_version values (?, ?, current_timestamp)", [number, name])
    old.execute(
        "insert into responses values ('b1', 'q', 'R1', 'C1', date '2025-03-04', 's', null, 'own', null, null, 2), "
        "('b1', 'q', 'R2', 'C1', date '2024-12-31', 's', null, 'own', null, null, 3), "
        "('b2', 'q', 'R1', 'C2', date '2025-01-09', 's', null, 'own', null, null, 2)"
    )
    old.execute(
        "insert into answer_sets values ('b1', 'q', 'R1', [5.0]), ('b1', 'q', 'R2', [4.0]), ('b2', 'q', 'R1', [1.0])"
    )
    old.close()

    con = open_warehouse(db)
    assert current_version(con) == len(migrations()) >= 11
    dated = con.execute(
        "select batch_id, response_id, survey_date, customer_id from answer_sets order by 1, 2"
    ).fetchall()
    assert dated == [
        ("b1", "R1", dt.date(2025, 3, 4), "C1"),
        ("b1", "R2", dt.date(2024, 12, 31), "C1"),
        ("b2", "R1", dt.date(2025, 1, 9), "C2"),
    ]
    sorted_tables = dict(
        con.execute(
            f"""
            select t.table_name, string_agg(e.expression, ', ' order by e.sort_key_index)
            from __ducklake_metadata_{LAKE}.ducklake_sort_info as i
            join __ducklake_metadata_{LAKE}.ducklake_sort_expression as e using (sort_id)
            join __ducklake_metadata_{LAKE}.ducklake_table as t on t.table_id = i.table_id and t.end_snapshot is null
            where i.end_snapshot is null
            group by all
            """
        ).fetchall()
    )
    assert set(sorted_tables) == set(SORT_ORDERS)
    for table, (keys, _) in SORT_ORDERS.items():  # DuckLake stores the expressions normalised
        assert ("customer_id" in sorted_tables[table]) == ("customer_id" in keys), table
        assert ("month" in sorted_tables[table]) == ("month" in keys), table
    con.close()


def test_version_11_response_scores_fill_the_response_rollup(db):
    """Schema 12: response_counts is filled from the response scores an older warehouse holds,
    one row per batch x month x scope x subject x channel x staff member (issue 15)."""
    old = connect(db)
    for number, name, sql in migrations()[:11]:
        old.execute(sql)
        old.execute("insert into schema_version values (?, ?, current_timestamp)", [number, name])
    old.execute(
        "insert into response_scores values "
        "('b1', 'q', 'R1', 'C1', date '2025-03-04', 's', 'phone', 'own', 'S1', 80.0, 8.0, 10.0, 3, 2, 0, 80.0), "
        "('b1', 'q', 'R2', 'C2', date '2025-03-31', 's', 'phone', 'own', 'S1', 40.0, null, null, 2, 0, 1, 40.0), "
        "('b1', 'q', 'R3', 'C1', date '2025-03-05', 's', 'phone', 'own', 'S1', null, null, null, 0, 0, 0, null), "
        "('b1', 'q', 'R4', 'C3', date '2025-04-01', 's', null, 'own', null, 60.0, 5.0, 10.0, 1, 1, 0, 60.0)"
    )
    old.close()

    con = open_warehouse(db)
    assert current_version(con) == len(migrations()) >= 12
    rows = con.execute(
        "select month_start, channel, staff_id, responses, csi_n, csi_sum, csi_sq_sum, satisfied, dissatisfied, "
        "ratings, satisfied_sq, satisfied_ratings, ratings_sq, points_n, points, max_points "
        "from response_counts order by month_start"
    ).fetchall()
    assert rows == [
        # R1-R3: CSI 80 and 40 (R3 none); satisfied 2, 0, 0 of 3, 2, 0 ratings; points of R1 only
        (dt.date(2025, 3, 1), "phone", "S1", 3, 2, 120.0, 8000.0, 2, 1, 5, 4.0, 6.0, 13.0, 1, 8.0, 10.0),
        (dt.date(2025, 4, 1), None, None, 1, 1, 60.0, 3600.0, 1, 0, 1, 1.0, 1.0, 1.0, 1, 5.0, 10.0),
    ]
    con.close()


def test_version_12_gets_sample_keys_and_its_tables_rewritten_in_their_orders(db):
    """Schemas 13 and 14: response scores and dimension score sets take their sample keys, and the
    tables are rewritten in their new orders: answer sets and response scores by month, then
    customer; dimension score sets by sample key (issue 15)."""
    old = connect(db)
    for number, name, sql in migrations()[:12]:
        old.execute(sql)
        old.execute("insert into schema_version values (?, ?, current_timestamp)", [number, name])
    for table in ("answer_sets", "response_scores"):  # as schemas 11 and 12 sorted them
        old.execute(f"alter table {table} set sorted by (survey_date)")
    keys = [
        ("b1", "R1", "C2", "2025-03-04"),
        ("b1", "R2", "C1", "2025-04-02"),
        ("b2", "R3", "C1", "2025-03-28"),
    ]
    for batch, response, customer, day in keys:
        old.execute(
            "insert into response_scores values "
            "(?, 'q', ?, ?, ?::date, 's', null, 'own', null, 80.0, null, null, 1, 1, 0, null)",
            [batch, response, customer, day],
        )
        old.execute("insert into dimension_score_sets values (?, 'q', ?, [80.0], [1])", [batch, response])
        old.execute(
            "insert into answer_sets values (?, 'q', ?, [4.0], ?::date, ?)", [batch, response, day, customer]
        )
    old.close()

    con = open_warehouse(db)
    assert current_version(con) == len(migrations()) >= 14
    hashed = dict(
        con.execute("select response_id, hash(batch_id, response_id) from response_scores").fetchall()
    )
    # response scores and answer sets: March (C1 before C2), then April
    for table in ("response_scores", "answer_sets"):
        assert [r[0] for r in con.execute(f"select response_id from {table}").fetchall()] == [
            "R3",
            "R1",
            "R2",
        ]
    assert dict(con.execute("select response_id, sample_key from response_scores").fetchall()) == hashed
    sets = con.execute("select response_id, sample_key from dimension_score_sets").fetchall()
    assert sets == sorted(hashed.items(), key=lambda kv: kv[1])
    # the response rollup is written again, with each group's first and last survey dates
    rollup = con.execute(
        "select batch_id, month_start, responses, first_date, last_date from response_counts order by all"
    )
    assert rollup.fetchall() == [
        ("b1", dt.date(2025, 3, 1), 1, dt.date(2025, 3, 4), dt.date(2025, 3, 4)),
        ("b1", dt.date(2025, 4, 1), 1, dt.date(2025, 4, 2), dt.date(2025, 4, 2)),
        ("b2", dt.date(2025, 3, 1), 1, dt.date(2025, 3, 28), dt.date(2025, 3, 28)),
    ]
    con.close()


def test_version_14_fills_the_customer_rollup_and_the_sample_columns(db):
    """Schema 15: customer_counts is filled from the response scores an older warehouse holds (one
    row per batch x month x scope x subject x channel x customer), and each dimension score set
    gets its response's date, scope, subject, channel, staff member, CSI and overall-item score,
    still in sample-key order (issue 15)."""
    old = connect(db)
    for number, name, sql in migrations()[:14]:
        old.execute(sql)
        old.execute("insert into schema_version values (?, ?, current_timestamp)", [number, name])
    rows = [  # batch, response, customer, day, channel, staff, csi, overall
        ("b1", "R1", "C1", "2025-03-04", "phone", "S1", 80.0, 75.0),
        ("b1", "R2", "C1", "2025-03-20", "phone", "S2", 40.0, None),
        ("b1", "R3", "C1", "2025-04-02", "phone", "S1", 60.0, 50.0),
        ("b2", "R4", "C2", "2025-03-28", None, None, None, None),
    ]
    for batch, response, customer, day, channel, staff, csi, overall in rows:
        old.execute(
            "insert into response_scores values (?, 'q', ?, ?, ?::date, 's', ?, 'own', ?, ?, null, null, 1, 1, 0, "
            "?, hash(?, ?))",
            [batch, response, customer, day, channel, staff, csi, overall, batch, response],
        )
        old.execute(
            "insert into dimension_score_sets values (?, 'q', ?, [?], [1], hash(?, ?))",
            [batch, response, csi, batch, response],
        )
    old.close()

    con = open_warehouse(db)
    assert current_version(con) == len(migrations()) >= 15
    assert con.execute(
        "select batch_id, month_start, channel, customer_id, responses from customer_counts order by all"
    ).fetchall() == [
        ("b1", dt.date(2025, 3, 1), "phone", "C1", 2),  # R1 and R2: two staff members, one row
        ("b1", dt.date(2025, 4, 1), "phone", "C1", 1),
        ("b2", dt.date(2025, 3, 1), None, "C2", 1),
    ]
    sets = con.execute(
        "select response_id, survey_date::varchar, channel, staff_id, csi, overall_score, subject, scope, "
        "sample_key from dimension_score_sets"
    ).fetchall()
    keys = [s[-1] for s in sets]
    assert keys == sorted(keys) and len(sets) == 4
    assert {s[:-1] for s in sets} == {
        (response, day, channel, staff, csi, overall, "own", "s")
        for _, response, _, day, channel, staff, csi, overall in rows
    }
    con.close()


def test_a_process_that_dies_before_sorting_leaves_the_next_open_to_sort(db, monkeypatch):
    """The sort order can only be set after the migration's commit: a process that dies between
    the two leaves the tables unsorted, and the next open sorts them (issue 15)."""
    import sys

    migrate_module = sys.modules["warehouse.migrate"]  # warehouse.migrate is also a function's name

    old = connect(db)
    for number, name, sql in migrations()[:10]:
        old.execute(sql)
        old.execute("insert into schema_version values (?, ?, current_timestamp)", [number, name])
    old.close()

    def dies(con):
        raise KeyboardInterrupt("killed after the commit")

    monkeypatch.setattr(migrate_module, "_sort_tables", dies)
    with pytest.raises(KeyboardInterrupt):
        open_warehouse(db)
    monkeypatch.undo()
    check = connect(db)
    assert current_version(check) == len(migrations())  # the migration itself committed
    assert migrate_module._unsorted(check)
    check.close()
    con = open_warehouse(db)
    assert not migrate_module._unsorted(con)
    options = con.execute(
        f"""
        select t.table_name, m.value
        from __ducklake_metadata_{LAKE}.ducklake_metadata as m
        join __ducklake_metadata_{LAKE}.ducklake_table as t on t.table_id = m.scope_id and t.end_snapshot is null
        where m.key = 'sort_on_insert' and m.scope = 'table'
        """
    ).fetchall()
    # responses: sorted only by maintain
    assert dict(options) == {table: str(on_insert).lower() for table, (_, on_insert) in SORT_ORDERS.items()}
    con.close()


PLAIN_DISSATISFIED = """
    select a.batch_id, a.questionnaire_id, a.response_id, a.item_id, a.level_value, s.survey_date,
        s.customer_id, s.scope, s.subject, s.channel, s.staff_id, s.csi, r.comment
    from answers as a
    join item_levels as l using (questionnaire_id, item_id, level_value)
    join response_scores as s using (batch_id, questionnaire_id, response_id)
    join responses as r using (batch_id, questionnaire_id, response_id)
    where l.is_dissatisfied
    order by all
"""


def test_dissatisfied_ratings_follow_loads_replacements_rollbacks_and_the_migration(db):
    """dissatisfied_ratings (schema 16, comments since 17) holds every active response's ratings
    at a dissatisfied level with its comment, as the answers, item levels and responses give
    them: after loads, a --replace, a rollback, and after the migration fills it in an older
    warehouse (schema 15, or 16 without comments), in item and date order (issue 15)."""
    con = open_warehouse(db)
    store.add_questionnaire(con, (DATA / "tiny.toml").read_text(encoding="utf-8"))
    header = "response_id,customer_id,survey_date,subject,staff_id,a1,a2,b1,comment\n"
    rows = [f"R{n},C{n % 7},2025-{1 + n % 3:02d}-{1 + n % 27:02d},own,S{n % 2},{1 + n % 5},{1 + n % 4},{1 + n % 3},"
            + ("" if n % 3 else f"交车慢 {n}") for n in range(60)]  # fmt: skip
    from conftest import load_text

    first = load_text(con, "survey", header + "\n".join(rows[:40]) + "\n", questionnaire_id="tiny")
    load_text(con, "survey", header + "\n".join(rows[40:]) + "\n", questionnaire_id="tiny")
    # R0-R9 answered again, all dissatisfied: their first answers leave the table
    again = [f"R{n},C{n % 7},2025-03-28,own,S1,1,1,1,again {n}" for n in range(10)]
    third = load_text(con, "survey", header + "\n".join(again) + "\n", questionnaire_id="tiny", replace=True)

    def listed():
        return con.execute("select * from dissatisfied_ratings order by all").fetchall()

    plain = con.execute(PLAIN_DISSATISFIED).fetchall()
    assert listed() == plain and len(plain) > 30
    assert {r[-1] for r in plain} >= {None, "交车慢 45", "again 3"}
    assert sum(r[2] in {f"R{n}" for n in range(10)} for r in plain) == 30  # 3 items x 10, the new ones
    store.rollback(con, third.batch_id)
    assert listed() == con.execute(PLAIN_DISSATISFIED).fetchall() != plain
    store.rollback(con, first.batch_id)
    after = con.execute(PLAIN_DISSATISFIED).fetchall()
    assert listed() == after and {r[2] for r in after} <= {f"R{n}" for n in range(40, 60)}

    # An older warehouse: schema 15, the table empty; opening it fills it, in its order.
    con.execute("delete from dissatisfied_ratings")
    con.execute("delete from schema_version where version >= 16")
    con.close()
    con = open_warehouse(db)
    assert current_version(con) == len(migrations()) >= 17
    assert listed() == after
    # Schema 16: the rows without their comments; the migration lists them anew with them.
    con.execute("update dissatisfied_ratings set comment = null")
    con.execute("delete from schema_version where version >= 17")
    con.close()
    con = open_warehouse(db)
    assert listed() == after and any(r[-1] for r in after)
    stored = con.execute("select questionnaire_id, item_id, survey_date from dissatisfied_ratings").fetchall()
    assert stored == sorted(stored)
    con.close()
