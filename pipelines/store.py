"""Warehouse writes shared by the loaders: questionnaires, batches, supersession, rollups."""

from __future__ import annotations

import contextlib
import functools
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from pipelines import topics
from pipelines.errors import BatchError, QuestionnaireError
from pipelines.fields import KEYS
from pipelines.questionnaire import Questionnaire, check_change, parse
from pipelines.scoring import Scores, score
from warehouse import settings
from warehouse.audit import record as audit
from warehouse.lake import write
from warehouse.sql import sql_file

ROLLUPS = (
    "response_scores",
    "dimension_score_sets",
    "score_dimensions",
    "rating_counts",
    "dimension_response_counts",
    "response_counts",
    "customer_counts",
    "dissatisfied_ratings",
)
# The rollups written by SQL (sql/rollups/<name>.sql) from a batch's response scores.
COUNT_ROLLUPS = ("response_counts", "customer_counts")
# What dimension_score_sets keeps of its response besides the keys (schema 15): the key-driver
# sample is filtered and taken there, in sample-key order.
SCORE_SET_EXTRA = ("survey_date", "scope", "subject", "channel", "staff_id", "csi", "overall_score")
ANSWER_TABLES = ("answer_sets", "answer_items")
# What answer_sets keeps of its response besides the keys: reads by date and by customer.
ANSWER_EXTRA = ("survey_date", "customer_id")
KIND_TABLES = {
    "survey": "responses",
    "complaints": "complaints",
    "sales": "sales",
    "customers": "customers",
    "contacts": "contacts",
    "services": "services",
    "actions": "actions",
}


# --- questionnaires -------------------------------------------------------


def questionnaire_ids(con) -> list[str]:
    return [
        r[0]
        for r in con.execute("select distinct questionnaire_id from questionnaires order by 1").fetchall()
    ]


def get_questionnaire(con, questionnaire_id: str) -> Questionnaire | None:
    """The questionnaire in force (latest version), or None."""
    row = con.execute(
        "select toml from questionnaires where questionnaire_id = ? order by version desc limit 1",
        [questionnaire_id],
    ).fetchall()
    return parsed(row[0][0]) if row else None


@functools.lru_cache(maxsize=64)
def parsed(text: str) -> Questionnaire:
    """A stored questionnaire's TOML parsed once per process: its topics' keyword patterns take
    about half a second to build, and a call saved on the desk read it twice (issue 39)."""
    return parse(text)


def add_questionnaire(con, text: str, user: str | None = None) -> dict:
    """Validate and store questionnaire TOML; a change once answers exist may only add items."""
    new = parse(text)
    old = get_questionnaire(con, new.id)
    if old is not None and old.source == new.source:
        return {"questionnaire_id": new.id, "status": "unchanged"}
    if old is not None:
        answered = con.execute(
            "select count(*) from responses where questionnaire_id = ?", [new.id]
        ).fetchall()[0][0]
        problems = check_change(old, new) if answered else []
        if problems:
            raise QuestionnaireError(
                [f"questionnaire {new.id!r} already has {answered:,} responses: only new items may be added"]
                + problems
            )
    version = con.execute(
        "select coalesce(max(version), 0) + 1 from questionnaires where questionnaire_id = ?", [new.id]
    ).fetchall()[0][0]
    now = datetime.now(UTC)

    def body() -> None:
        con.execute(
            "insert into questionnaires values (?, ?, ?, ?, ?, ?)",
            [new.id, version, new.title, new.scope, new.source, now],
        )
        for table in ("q_items", "q_dimensions", "q_levels", "q_points"):
            con.execute(f"delete from {table} where questionnaire_id = ?", [new.id])
        con.executemany(
            "insert into q_items values (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                [new.id, i.id, i.column, i.label or i.column, i.dimension, i.scale, n, i.required]
                for n, i in enumerate(new.items)
            ],
        )
        con.executemany(
            "insert into q_dimensions values (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                [
                    new.id,
                    d.id,
                    d.label,
                    d.weight,
                    bool(d.points),
                    max(d.points.values()) if d.points else None,
                    n,
                    d.category,
                ]
                for n, d in enumerate(new.dimensions)
            ],
        )
        con.executemany(
            "insert into q_levels values (?, ?, ?, ?, ?, ?, ?)",
            [
                [new.id, s.id, lv.value, lv.label, lv.satisfied, lv.dissatisfied, s.norm(lv.value)]
                for s in new.scales
                for lv in s.levels
            ],
        )
        points = [[new.id, d.id, v, p] for d in new.dimensions for v, p in d.points.items()]
        if points:
            con.executemany("insert into q_points values (?, ?, ?, ?)", points)
        settings.put(con, f"target:{new.id}", str(new.target))
        settings.put(con, f"cadence:{new.id}", new.cadence)
        topics.replace(con, new.id, new.topics, user)
        audit(con, "questionnaire", None, {"questionnaire_id": new.id, "version": version}, now, user)

    write(con, body)
    return {"questionnaire_id": new.id, "status": "added" if version == 1 else "updated", "version": version}


# --- batches --------------------------------------------------------------


def find_duplicate(
    con, kind: str, sha256: str, questionnaire_id: str | None, sheet: str | None = None
) -> tuple[str, int] | None:
    """(batch_id, rows) of a loaded batch with the same bytes (and sheet), kind and questionnaire."""
    row = con.execute(
        "select batch_id, rows from batches where sha256 = ? and kind = ? and status = 'loaded' "
        "and coalesce(questionnaire_id, '') = coalesce(?, '') "
        "and coalesce(json_extract_string(options, '$.sheet'), '') = coalesce(?, '') "
        "order by loaded_at limit 1",
        [sha256, kind, questionnaire_id, sheet],
    ).fetchall()
    return (row[0][0], row[0][1]) if row else None


def list_batches(con):
    """Every batch, newest first, as a polars frame."""
    return con.execute(
        "select batch_id, kind, file_name, rows, questionnaire_id, loaded_at, status, sha256 "
        "from batches order by loaded_at desc, batch_id desc"
    ).pl()


def key_sql(kind: str, alias: str = "") -> str:
    """SQL text of the record key of `kind` over a table (or alias) with its columns."""
    prefix = f"{alias}." if alias else ""
    parts = [f"coalesce({prefix}{k}::varchar, '')" for k in KEYS[kind]]
    return parts[0] if len(parts) == 1 else "concat_ws('|', " + ", ".join(parts) + ")"


def record_key_sql(kind: str, alias: str) -> str:
    """Record key as stored in supersessions: survey keys carry the questionnaire id."""
    key = key_sql(kind, alias)
    if kind == "survey":
        return f"({alias}.questionnaire_id || '|' || {key})"
    return key


def matched_keys_sql(kind: str, staged: str = "typed") -> str:
    """SQL selecting (__row, key, record_key, batch_id) of every active (not superseded) record
    of `kind` whose key a row of the staged table `staged` carries.

    The staged rows are joined on the key columns themselves: the join's build side is the
    file (a month's few thousand rows), the stored ids are bounded by the file's lowest and
    highest id as constants (key_range's parameters), so DuckLake reads only the data files
    whose ids overlap them, and no key string is built for a record the file does not name.
    Only the matched records are then looked up in supersessions. Comparing
    `concat(questionnaire_id, '|', id)` over every stored response, as before, cost 8.5 CPU s
    per monthly file at 10 M responses.
    """
    table = KIND_TABLES[kind]
    on = " and ".join(f"r.{k} is not distinct from t.{k}" for k in KEYS[kind])
    where = "r.questionnaire_id = $qid and " if kind == "survey" else ""
    if len(KEYS[kind]) == 1:
        # The file's lowest and highest id as constants (key_range): DuckLake skips every
        # data file whose ids lie outside them by the catalog's statistics, before the join.
        where += f"r.{KEYS[kind][0]} between $key_low and $key_high and "
    record = record_key_sql(kind, "r")
    return f"""
        select t.__row, {key_sql(kind, "t")} as key, {record} as record_key, r.batch_id
        from {staged} as t
        inner join {table} as r on {where}{on}
        where not exists (
            select 1 from supersessions as s
            where s.kind = '{kind}' and s.old_batch_id = r.batch_id and s.record_key = {record}
        )
    """


def key_range(con, kind: str, staged: str = "typed") -> dict:
    """The parameters of matched_keys_sql for the staged rows: their lowest and highest id."""
    if len(KEYS[kind]) != 1:
        return {}
    key = KEYS[kind][0]
    low, high = con.execute(f"select min({key}), max({key}) from {staged}").fetchall()[0]
    return {"key_low": low, "key_high": high}


def supersede(
    con, kind: str, new_batch_id: str, at: datetime, questionnaire_id: str | None = None
) -> list[str]:
    """Mark active records that `typed` reloads as superseded; return the old batch ids."""
    sql = f"""
        insert into supersessions
        select distinct '{kind}', m.record_key, m.batch_id, $new_batch, $at
        from ({matched_keys_sql(kind)}) as m
    """
    params = {"new_batch": new_batch_id, "at": at, **key_range(con, kind)}
    if kind == "survey":
        params["qid"] = questionnaire_id
    con.execute(sql, params)
    return [
        r[0]
        for r in con.execute(
            "select distinct old_batch_id from supersessions where new_batch_id = ?", [new_batch_id]
        ).fetchall()
    ]


# Frames of at least this many rows reach DuckDB through a Parquet file, not registered:
# inside a transaction DuckDB keeps every registered frame's data until the commit, so a
# load written piece by piece would hold all its pieces (measured: +25 MB per 140,000
# answer sets; through Parquet the memory stays flat).
PARQUET_ROWS = 10_000


@contextlib.contextmanager
def scanned(con, frame: pl.DataFrame, name: str):
    """SQL text that reads `frame` inside the block: a registered view `name`, or
    read_parquet of a temporary file for a large frame."""
    if frame.height < PARQUET_ROWS:
        con.register(name, frame)
        try:
            yield name
        finally:
            con.unregister(name)
        return
    folder = Path(tempfile.mkdtemp(prefix="manyi-insert-"))
    try:
        path = folder / "frame.parquet"
        frame.write_parquet(path, compression="lz4", statistics=False)
        yield "read_parquet('" + str(path).replace("'", "''") + "')"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def insert_frame(con, table: str, frame) -> None:
    """Append a polars frame to a warehouse table (columns in table order)."""
    with scanned(con, frame, "__insert_frame") as source:
        con.execute(f"insert into {table} select * from {source}")


# What the load adds to a response's scores and dimension score sets: its place in the
# warehouse's random order (sql/macros/sample_key.sql), which the key-driver sample reads.
SAMPLE_KEY = {"sample_key": "sample_key(batch_id, response_id)"}


def insert_response_scores(con, frame) -> None:
    """Append response scores (scoring.Scores.response_scores) with their sample keys."""
    with scanned(con, frame, "__response_scores") as source:
        con.execute(
            f"insert into response_scores by name select *, {SAMPLE_KEY['sample_key']} as sample_key from {source}"
        )


def _insert_sets(
    con,
    wide,
    order_table: str,
    ids: list[str],
    sets_table: str,
    lists,
    list_names: list[str],
    order: bool = True,
    extra: tuple[str, ...] = (),
    computed: dict[str, str] | None = None,
) -> None:
    """Append one row per response of `wide` to `sets_table`: its KEYS, one list per (columns,
    SQL type) of `lists` into the columns `list_names`, the columns `extra` as they are and the
    columns of `computed` (name -> SQL over the row); and each batch's order of `ids`
    (1-based) to `order_table`.

    Column names are item ids (checked against [A-Za-z0-9_-]+ when the questionnaire is
    parsed) or names we made; table names are constants of this module.
    """
    if wide.is_empty() or not ids:
        return
    with scanned(con, wide, "__sets_wide") as source:
        if order:
            con.execute(
                f"insert into {order_table} "
                "select b.batch_id, b.questionnaire_id, t.position::integer, t.id "
                f"from (select distinct batch_id, questionnaire_id from {source}) as b, "
                "unnest(?::varchar[]) with ordinality as t(id, position)",
                [ids],
            )
        computed = computed or {}
        names = ", ".join([*list_names, *extra, *computed])
        values = ", ".join(
            [
                *("[" + ", ".join(f'"{c}"' for c in cols) + f"]::{kind}[]" for cols, kind in lists),
                *extra,
                *computed.values(),
            ]
        )
        con.execute(
            f"insert into {sets_table} (batch_id, questionnaire_id, response_id, {names}) "
            f"select batch_id, questionnaire_id, response_id, {values} from {source}"
        )


def insert_answers(con, wide, order: bool = True) -> None:
    """Append answers from a wide frame (KEYS + ANSWER_EXTRA + one level-value column per item
    id, null = not answered): the batch's item order to answer_items (unless `order` is false: a
    later piece of the same batch), one list of level values, the survey date and the customer
    per response to answer_sets. The view `answers` reads them back one row per answered item."""
    items = [
        c for c in wide.columns if c not in ("batch_id", "questionnaire_id", "response_id", *ANSWER_EXTRA)
    ]
    sets = [(items, "double")]
    _insert_sets(con, wide, "answer_items", items, "answer_sets", sets, ["level_values"], order, ANSWER_EXTRA)


def insert_dimension_scores(con, wide, dimension_ids: list[str], order: bool = True) -> None:
    """Append dimension scores from a wide frame (KEYS + s1.. scores + n1.. answered items, in
    `dimension_ids` order): each batch's dimension order to score_dimensions, one list of scores
    and one of counts per response, with its sample key, to dimension_score_sets (view:
    response_dimension_scores)."""
    positions = range(1, len(dimension_ids) + 1)
    lists = [([f"s{n}" for n in positions], "double"), ([f"n{n}" for n in positions], "integer")]
    _insert_sets(
        con,
        wide,
        "score_dimensions",
        dimension_ids,
        "dimension_score_sets",
        lists,
        ["scores", "ratings"],
        order,
        SCORE_SET_EXTRA,
        computed=SAMPLE_KEY,
    )


def insert_survey_scores(con, scores: Scores) -> None:
    insert_response_scores(con, scores.response_scores)
    insert_dimension_scores(con, scores.dimension_scores, scores.dimension_ids)
    insert_frame(con, "rating_counts", scores.rating_counts)
    insert_frame(con, "dissatisfied_ratings", scores.dissatisfied_ratings)
    insert_frame(con, "dimension_response_counts", scores.dimension_response_counts)
    write_counts(con, scores.response_scores["batch_id"].unique().to_list())


def write_counts(con, batch_ids: list[str], tables: tuple[str, ...] = COUNT_ROLLUPS) -> None:
    """Insert the rows of the rollups `tables` (COUNT_ROLLUPS) of these batches from their
    response scores (written before, in the same transaction): sql/rollups/<table>.sql, the one
    definition of each. Table names are constants of this module."""
    if not batch_ids:
        return
    for table in tables:
        con.execute(f"insert into {table} by name " + sql_file(f"rollups/{table}"), {"batch_ids": batch_ids})


def rebuild_survey_rollups(con, batch_ids: list[str]) -> None:
    """Recompute the rollups of these batches from their active responses."""
    if not batch_ids:
        return
    for table in ROLLUPS:
        con.execute(f"delete from {table} where batch_id in (select unnest(?::varchar[]))", [batch_ids])
    record = record_key_sql("survey", "r")
    responses = con.execute(
        f"""
        select r.batch_id, r.questionnaire_id, r.response_id, r.customer_id, r.survey_date, r.scope,
            r.channel, r.subject, r.staff_id, r.comment
        from responses as r
        where r.batch_id in (select unnest(?::varchar[]))
        and not exists (
            select 1 from supersessions as s
            where s.kind = 'survey' and s.record_key = {record} and s.old_batch_id = r.batch_id
        )
        order by r.batch_id, r.response_id
        """,
        [batch_ids],
    ).pl()
    answers = con.execute(
        "select batch_id, response_id, item_id, level_value from answers "
        "where batch_id in (select unnest(?::varchar[]))",
        [batch_ids],
    ).pl()
    for (qid,), part in responses.group_by("questionnaire_id"):
        questionnaire = get_questionnaire(con, qid)
        wide = answers.pivot(on="item_id", index=["batch_id", "response_id"], values="level_value")
        aligned = part.select("batch_id", "response_id").join(
            wide, on=["batch_id", "response_id"], how="left"
        )
        values = aligned.select(
            [
                pl.col(i.id) if i.id in aligned.columns else pl.lit(None, pl.Float64).alias(i.id)
                for i in questionnaire.items
            ]
        )
        insert_survey_scores(con, score(part, values, questionnaire))


def _unlink_supersessions(con, batch_id: str) -> tuple[list[str], list[str]]:
    """Take `batch_id` out of the supersession chains, as if it had never been loaded.

    A record that this batch superseded and that a later batch superseded again (A, then B
    --replace, then C --replace; roll back B) stays superseded, now by the later batch: without
    B, C would have replaced A's row directly. Returns (every batch this batch superseded,
    the batches with rows active again).
    """
    touched = [
        r[0]
        for r in con.execute(
            "select distinct old_batch_id from supersessions where new_batch_id = ? order by 1", [batch_id]
        ).fetchall()
    ]
    restored = [
        r[0]
        for r in con.execute(
            "select distinct s.old_batch_id from supersessions as s where s.new_batch_id = ? "
            "and not exists (select 1 from supersessions as later where later.kind = s.kind "
            "and later.record_key = s.record_key and later.old_batch_id = s.new_batch_id) order by 1",
            [batch_id],
        ).fetchall()
    ]
    con.execute(
        "insert into supersessions "
        "select s.kind, s.record_key, s.old_batch_id, later.new_batch_id, later.superseded_at "
        "from supersessions as s inner join supersessions as later on later.kind = s.kind "
        "and later.record_key = s.record_key and later.old_batch_id = s.new_batch_id "
        "where s.new_batch_id = ?",
        [batch_id],
    )
    con.execute("delete from supersessions where new_batch_id = ? or old_batch_id = ?", [batch_id, batch_id])
    return touched, restored


def change_setting(con, name: str, value: str, via: str = "cli", user: str | None = None) -> str:
    """Validate and record a user setting in its own audited transaction; returns the value
    stored. settings.SettingError says why a value is refused (nothing written)."""

    def body() -> str:
        stored = settings.set_setting(con, name, value)
        audit(con, "setting", None, {"name": name, "value": stored, "via": via}, user=user)
        return stored

    return write(con, body)


def rollback(con, batch_id: str, user: str | None = None) -> dict:
    """Remove one loaded batch and restore the records it superseded."""
    found = con.execute("select kind, status, rows from batches where batch_id = ?", [batch_id]).fetchall()
    if not found:
        raise BatchError(f"no batch {batch_id!r}")
    kind, status, rows = found[0]
    if status != "loaded":
        raise BatchError(f"batch {batch_id} is already {status}")

    def body() -> list:
        touched, restored = _unlink_supersessions(con, batch_id)
        con.execute(f"delete from {KIND_TABLES[kind]} where batch_id = ?", [batch_id])
        for table in ("comment_tokens", "comment_texts"):
            con.execute(f"delete from {table} where batch_id = ?", [batch_id])
        if kind == "survey":
            for table in (*ANSWER_TABLES, *ROLLUPS):
                con.execute(f"delete from {table} where batch_id = ?", [batch_id])
            rebuild_survey_rollups(con, touched)
        con.execute("update batches set status = 'rolled_back' where batch_id = ?", [batch_id])
        audit(
            con, "rollback", batch_id, {"kind": kind, "rows": rows, "restored_batches": restored}, user=user
        )
        return restored

    restored = write(con, body)
    return {"batch_id": batch_id, "kind": kind, "rows": rows, "status": "rolled_back", "restored": restored}
