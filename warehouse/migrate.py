"""Create and upgrade the warehouse schema from the versioned SQL in sql/."""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from pathlib import Path

import duckdb

from warehouse import calendar, lake, settings, writers

SQL_DIR = Path(__file__).resolve().parent.parent / "sql"
VIEW_LAYERS = ("staging", "marts")
MACRO_DIR = "macros"
_VIEW_HASH_KEY = "views_sha256"
_MIGRATION_NAME = re.compile(r"^(\d{3})_([a-z0-9_]+)\.sql$")


def migrations() -> list[tuple[int, str, str]]:
    """Every schema migration as (version, name, sql), oldest first.

    Version 1 (sql/migrations/001_raw_tables.sql) is the raw tables as first created; a new
    warehouse is instead created from sql/raw/, today's schema (`raw_schema`).
    """
    found = []
    for path in sorted((SQL_DIR / "migrations").glob("*.sql")):
        match = _MIGRATION_NAME.match(path.name)
        if not match:
            raise RuntimeError(f"migration file {path.name} must be named NNN_name.sql")
        found.append((int(match.group(1)), match.group(2), path.read_text(encoding="utf-8")))
    versions = [v for v, _, _ in found]
    if versions != list(range(1, len(found) + 1)):
        raise RuntimeError(f"migration versions must run 1, 2, 3 … without gaps: {versions}")
    return found


def raw_schema() -> str:
    """The SQL creating today's raw tables (sql/raw/), for a new warehouse."""
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted((SQL_DIR / "raw").glob("*.sql")))


def macro_files() -> list[Path]:
    """The SQL files of the shared formulas (`create macro`), created before the views."""
    return sorted((SQL_DIR / MACRO_DIR).glob("*.sql"))


def view_files() -> list[Path]:
    """The SQL files of every view, staging before marts."""
    return [p for layer in VIEW_LAYERS for p in sorted((SQL_DIR / layer).glob("*.sql"))]


def _views_hash() -> str:
    digest = hashlib.sha256(calendar.source().encode())
    for path in [*macro_files(), *view_files()]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _has_table(con, name: str) -> bool:
    row = con.execute(
        "select count(*) from information_schema.tables "
        "where table_catalog = current_database() and table_name = ?",
        [name],
    ).fetchall()
    return row[0][0] > 0


def current_version(con) -> int:
    """The schema version of the open warehouse (0 when empty)."""
    if not _has_table(con, "schema_version"):
        return 0
    return int(con.execute("select coalesce(max(version), 0) from schema_version").fetchall()[0][0])


def migrate(con) -> int:
    """Bring the warehouse up to date; return the schema version. Writes nothing when current.
    Two processes opening a new warehouse at once: the one whose commit conflicts looks again."""
    import time

    for attempt in range(20):
        try:
            version = _migrate_once(con)
            # After the migration's commit (DuckLake sorts no table with rows written in the
            # same transaction), and on every open: a process may have died in between.
            if version >= _SORTED_SINCE and _unsorted(con):
                with writers.writing(con, lake.LAKE):
                    _sort_tables(con)
            _give_tables_statistics(con)
            return version
        except Exception as exc:
            if not lake.is_conflict(exc) or attempt == 19:
                raise
            time.sleep(0.1 * (attempt + 1))
    raise AssertionError("unreachable")


def _migrate_once(con) -> int:
    steps = migrations()
    version, stored_hash = _state(con)
    stale_views = version == 0 or stored_hash != _views_hash()
    if version >= len(steps) and not stale_views:
        return version
    with writers.writing(con, lake.LAKE):
        return _apply(con, steps, version, stale_views)


def _apply(con, steps, version: int, stale_views: bool) -> int:
    con.execute("begin transaction")
    try:
        if version == 0:
            con.execute(raw_schema())
        for number, name, sql in steps:
            if number <= version:
                continue
            if version > 0:
                if number == _RESORTED and version >= _SORTED_SINCE:
                    # The tables have sort orders, which DuckLake applies to the rewrite below
                    # over its ORDER BY: today's orders first, while no row is written yet.
                    _set_layout(con)
                con.execute(sql)
                if number in _BACKFILL:
                    _BACKFILL[number](con)
            con.execute("insert into schema_version values (?, ?, current_timestamp)", [number, name])
        if stale_views or version < len(steps):
            _create_views(con)
        con.execute("commit")
    except Exception:
        lake.rollback(con)
        raise
    return len(steps)


# table -> (its sort keys, whether DuckLake sorts each insert; else only compactions by
# `maintain`), issue 15. Response scores and answer sets by survey month, then customer: a range
# of recent dates (the Pareto drill-down) and one customer's responses (a customer's histogram)
# each read a few row groups. Dimension score sets by sample key: the key-driver sample reads
# the rows of the smallest keys. Dissatisfied ratings by item, then date: the Pareto drill-down
# reads one item's newest rows. `responses` is written whole by a load (the file at once):
# sorting it there would cost the memory a load must not use. Keys are constants of this module.
SORT_ORDERS = {
    "answer_sets": ("date_trunc('month', survey_date::date), customer_id", True),
    "response_scores": ("date_trunc('month', survey_date::date), customer_id", True),
    "dimension_score_sets": ("sample_key", True),
    "dissatisfied_ratings": ("questionnaire_id, item_id, survey_date", True),
    "responses": ("survey_date", False),
}
# table -> rows per Parquet row group (DuckLake's default: 122,880). One customer's responses
# are a few hundred rows of each month: smaller groups let the min/max of customer_id skip
# more of each month (a customer's histogram read 0.14 CPU s of answer sets at 10 M, 0.05
# with 32,768; issue 15).
# An item's dissatisfied ratings of one month are 27,000 rows at 10 M responses here: in groups
# of 32,768, one or two of them. Groups of 8,192 read fewer rows but made the compacted file's
# footer (1,630 groups) cost more than the rows: the drill-down's scan took 0.057 CPU s, 0.028
# with 32,768.
ROW_GROUP_ROWS = {"answer_sets": 32768, "response_scores": 32768, "dissatisfied_ratings": 32768}
# Tables whose rows are never inlined in the catalog (DuckLake keeps small inserts in catalog
# tables, which anything that opens the catalog file reads): the password hashes.
NOT_INLINED = ("passwords",)
_SORTED_SINCE = 11
_RESORTED = 14  # the migration that rewrites the tables in today's orders
_SORT_KEY = "sort_orders"


def _sort_orders() -> str:
    return json.dumps([SORT_ORDERS, ROW_GROUP_ROWS, NOT_INLINED], sort_keys=True)


def _sort_tables(con) -> None:
    """Set SORT_ORDERS and ROW_GROUP_ROWS, after the migration's transaction (DuckLake changes
    no sort order or option of a table holding rows written in the same transaction), then
    record them in settings. Rows of NOT_INLINED tables inlined before go to Parquet."""
    _set_layout(con)
    metadata = f"__ducklake_metadata_{lake.LAKE}"
    for table in NOT_INLINED:
        con.execute(f"call ducklake_flush_inlined_data('{lake.LAKE}', table_name => ?)", [table])
        # Rows inserted while inlined left their least and greatest values in the catalog's
        # statistics (nothing filters these tables by value: the statistics serve no query).
        for stats in ("ducklake_table_column_stats", "ducklake_file_column_stats"):
            con.execute(
                f"update {metadata}.{stats} set min_value = null, max_value = null where table_id = "
                f"(select table_id from {metadata}.ducklake_table where table_name = ? and end_snapshot is null)",
                [table],
            )
    settings.replace(con, _SORT_KEY, _sort_orders())


def _set_layout(con) -> None:
    """Each table's row-group size, and its sort option before its order (so a table with its
    order has its option too). Tables a later migration creates are skipped: before schema 14's
    rewrite (`_RESORTED`) the later ones do not exist yet, and `_sort_tables` lays them out after
    the commit."""
    for table, rows in ROW_GROUP_ROWS.items():
        if not _has_table(con, table):
            continue
        con.execute(
            f"call {lake.LAKE}.set_option('parquet_row_group_size', ?, table_name => ?)", [rows, table]
        )
    for table in NOT_INLINED:
        if _has_table(con, table):
            con.execute(
                f"call {lake.LAKE}.set_option('data_inlining_row_limit', 0, table_name => ?)", [table]
            )
    for table, (keys, on_insert) in SORT_ORDERS.items():
        if not _has_table(con, table):
            continue
        con.execute(f"call {lake.LAKE}.set_option('sort_on_insert', ?, table_name => ?)", [on_insert, table])
        con.execute(f"alter table {table} set sorted by ({keys})")  # constants above


def _unsorted(con) -> bool:
    """Whether the tables lack the layout of SORT_ORDERS and ROW_GROUP_ROWS: the process that
    migrated the warehouse died between its commit and `_sort_tables`, or this code lays them
    out differently from the code that did (one settings lookup on every open)."""
    rows = con.execute("select value from settings where key = ?", [_SORT_KEY]).fetchall()
    return not rows or rows[0][0] != _sort_orders()


def _give_tables_statistics(con) -> None:
    """Record empty statistics for every table that never held a row, as DuckLake itself does
    at a table's first insert.

    DuckLake 1.5.5 caches a table's statistics for planning, but not their absence: each column
    of a table that never held a row costs a catalog query in every query that reads it (fixed
    upstream in duckdb/ducklake#1313, not in the PyPI extension). An unused `supersessions`
    alone made every dashboard query plan 0.1-0.2 s longer (README, "Fixed cost"). Two
    processes doing this at once leave two equal rows, which DuckLake updates together."""
    metadata = f"__ducklake_metadata_{lake.LAKE}"
    con.execute(
        f"""
        insert into {metadata}.ducklake_table_stats
            (table_id, record_count, next_row_id, file_size_bytes)
        select table_id, 0, 0, 0 from {metadata}.ducklake_table
        where end_snapshot is null
            and table_id not in (select table_id from {metadata}.ducklake_table_stats)
        """
    )


def _tokenise_comments(con) -> None:
    from pipelines.comments import backfill

    backfill(con)


def _scored_batches(con) -> list[str]:
    return [r[0] for r in con.execute("select distinct batch_id from response_scores order by 1").fetchall()]


def _counted(table: str):
    """The backfill of the SQL rollup `table` (pipelines.store.COUNT_ROLLUPS) from every scored
    batch."""

    def fill(con) -> None:
        from pipelines.store import write_counts

        write_counts(con, _scored_batches(con), (table,))

    return fill


def _list_dissatisfied(con) -> None:
    """Schema 16's table with schema 17's comments, listed anew from every scored batch, one
    batch at a time (bounded memory), each in the table's order: DuckLake sets it only after
    the migration's commit when schema 16 created the table in the same one."""
    from warehouse.sql import sql_file

    keys = SORT_ORDERS["dissatisfied_ratings"][0]
    con.execute("delete from dissatisfied_ratings")
    for batch in _scored_batches(con):
        con.execute(
            f"insert into dissatisfied_ratings by name select * from ({sql_file('rollups/dissatisfied_ratings')}) "
            f"order by {keys}",
            {"batch_ids": [batch]},
        )


def _passwords_apart(con) -> None:
    """Schema 18: the hashes in `users` go to `passwords`, and `users` is written anew without
    its password column (dropping a column leaves its values, and their statistics, in place)."""
    columns = {r[0] for r in con.execute("select column_name from (describe users)").fetchall()}
    if "password_hash" not in columns:
        return
    con.execute(
        "insert into passwords select user_name, encode(password_hash), changed_at from users "
        "where password_hash is not null"
    )
    con.execute(
        "create table users_without_passwords as select user_name, role, regions, email, disabled, "
        "changed_at, changed_by, from users"
    )
    con.execute("drop table users")
    con.execute("alter table users_without_passwords rename to users")


# schema version -> what fills its new tables from the rows an older warehouse already holds.
# response_counts (schema 12) is filled at 14, whose columns today's rollup SQL writes, and
# dissatisfied_ratings (schema 16) at 17, which gives it its comments.
def _required_items(con) -> None:
    """Schema 24: the `required` flag of the stored questionnaires' items, read from their
    TOML in force (the TOML is unchanged, so adding it again would not rewrite the items)."""
    rows = con.execute(
        "select questionnaire_id, arg_max(toml, version) from questionnaires group by 1"
    ).fetchall()
    for questionnaire_id, text in rows:
        try:
            items = tomllib.loads(text).get("items") or []
        except tomllib.TOMLDecodeError:
            continue
        required = [i["id"] for i in items if isinstance(i, dict) and i.get("required") is True]
        con.execute(
            "update q_items set required = list_contains(?::varchar[], item_id) where questionnaire_id = ?",
            [required, questionnaire_id],
        )


_BACKFILL = {
    10: _tokenise_comments,
    14: _counted("response_counts"),
    15: _counted("customer_counts"),
    17: _list_dissatisfied,
    18: _passwords_apart,
    24: _required_items,
}


def _state(con) -> tuple[int, str | None]:
    """(schema version, stored views hash) of the open warehouse in one catalog query.

    Every command runs this; the information_schema lookups are only needed on a warehouse
    without the tables yet (about 50 ms saved on each command).
    """
    try:
        row = con.execute(
            "select (select coalesce(max(version), 0) from schema_version), "
            "(select value from settings where key = ?)",
            [_VIEW_HASH_KEY],
        ).fetchall()[0]
    except duckdb.CatalogException:
        return current_version(con), _stored_views_hash(con)
    return int(row[0]), row[1]


def _stored_views_hash(con) -> str | None:
    if not _has_table(con, "settings"):
        return None
    rows = con.execute("select value from settings where key = ?", [_VIEW_HASH_KEY]).fetchall()
    return rows[0][0] if rows else None


def _object_bodies() -> dict[str, tuple[str, bool]]:
    bodies = {p.stem: (p.read_text(encoding="utf-8"), True) for p in macro_files()}
    return bodies | {p.stem: (p.read_text(encoding="utf-8"), False) for p in view_files()}


def mentions(sql: str, name: str) -> bool:
    """Whether the SQL text names the object `name` (as a whole word)."""
    return re.search(rf"\b{re.escape(name)}\b", sql) is not None


def readers_of(tables) -> set[str]:
    """The macros and views that read any of `tables`, directly or through one another."""
    bodies = _object_bodies()
    found: set[str] = set()
    wanted = set(tables)
    while wanted:
        found |= wanted
        wanted = {
            name
            for name, (body, _) in bodies.items()
            if name not in found and any(mentions(body, other) for other in found)
        }
    return found - set(tables)


def object_order() -> list[tuple[str, str, bool]]:
    """Macros and views as (name, body, is_macro), each after the objects it reads from."""
    bodies = _object_bodies()
    needs = {
        name: {other for other in bodies if other != name and mentions(body, other)}
        for name, (body, _) in bodies.items()
    }
    ordered: list[str] = []
    while needs:
        ready = sorted(name for name, deps in needs.items() if deps <= set(ordered))
        if not ready:
            raise RuntimeError(f"views depend on each other in a cycle: {sorted(needs)}")
        ordered.extend(ready)
        for name in ready:
            del needs[name]
    return [(name, *bodies[name]) for name in ordered]


def _create_views(con) -> None:
    for name, body, is_macro in object_order():
        con.execute(body if is_macro else f"create or replace view {name} as\n{body}")
    calendar.write(con)
    settings.replace(con, _VIEW_HASH_KEY, _views_hash())
