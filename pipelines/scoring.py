"""Score survey responses at load time: CSI, dimension scores, points, rating counts.

Scoring runs on the wide frame (one row per response, one column per item) with
polars' vectorised horizontal operations. The same computation over the long
answers table in SQL took three 4M-row joins and group-bys for 200,000 responses
(about 3 s here); wide it takes a few hundred milliseconds, which keeps a load
close to what DuckDB alone needs to read and unpivot the file (see bench/).
The public views in sql/marts/ aggregate these rollups; only v_customer_item_scores, the
dashboard's drill-downs and its rating charts under a segment, region or customer filter
read the answers themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from pipelines.questionnaire import Questionnaire

KEYS = ["batch_id", "questionnaire_id", "response_id"]


@dataclass
class Scores:
    response_scores: pl.DataFrame
    dimension_scores: pl.DataFrame  # wide: KEYS + s1.. (score) + n1.. (answered items) per dimension
    dimension_ids: list[str]  # the dimensions of s1, s2 …
    rating_counts: pl.DataFrame
    dimension_response_counts: pl.DataFrame
    answers: pl.DataFrame  # wide: KEYS + survey_date + customer_id + one level-value column per item
    # long: one row per rating at a dissatisfied level, the columns of dissatisfied_ratings
    dissatisfied_ratings: pl.DataFrame


def score(responses: pl.DataFrame, values: pl.DataFrame, q: Questionnaire) -> Scores:
    """Rollups of `responses` (batch_id, questionnaire_id, response_id, customer_id, survey_date,
    scope, channel, subject, staff_id, comment) whose answers are `values` (same rows, one
    Float64 column per item id, null = not answered)."""
    items = [i for i in q.items if i.id in values.columns]
    frame = pl.concat([responses, values.select([i.id for i in items])], how="horizontal")
    exprs: list[pl.Expr] = []
    dim_cols = []
    for dim in q.dimensions:
        members = [i for i in items if i.dimension == dim.id]
        if not members:
            continue
        norms = []
        for item in members:
            scale = q.scale(item.scale)
            norms.append((pl.col(item.id) - scale.min) / (scale.max - scale.min) * 100)
        answered = pl.sum_horizontal([pl.col(i.id).is_not_null().cast(pl.Int64) for i in members])
        exprs += [
            pl.mean_horizontal(norms, ignore_nulls=True).alias(f"__score_{dim.id}"),
            answered.alias(f"__n_{dim.id}"),
        ]
        dim_cols.append(dim)
    frame = frame.with_columns(exprs)

    weighted, weights = [], []
    for dim in dim_cols:
        has = pl.col(f"__n_{dim.id}") > 0
        weighted.append(pl.when(has).then(pl.col(f"__score_{dim.id}") * dim.weight))
        weights.append(pl.when(has).then(pl.lit(dim.weight)))
    satisfied, dissatisfied, points, max_points = [], [], [], []
    for item in items:
        scale = q.scale(item.scale)
        sat = [lv.value for lv in scale.levels if lv.satisfied]
        dis = [lv.value for lv in scale.levels if lv.dissatisfied]
        satisfied.append(pl.col(item.id).is_in(sat).fill_null(False).cast(pl.Int64))
        dissatisfied.append(pl.col(item.id).is_in(dis).fill_null(False).cast(pl.Int64))
        dim = next(d for d in q.dimensions if d.id == item.dimension)
        if dim.points:
            answered = pl.col(item.id).is_not_null()
            lookup = pl.col(item.id).replace_strict(dim.points, default=0.0, return_dtype=pl.Float64)
            points.append(pl.when(answered).then(lookup))
            max_points.append(pl.when(answered).then(pl.lit(max(dim.points.values()))))
    any_points = pl.any_horizontal([p.is_not_null() for p in points]) if points else pl.lit(False)
    ratings = pl.sum_horizontal([pl.col(i.id).is_not_null().cast(pl.Int64) for i in items])
    total_weight = pl.sum_horizontal(weights, ignore_nulls=True)
    scored = frame.with_columns(
        pl.when(total_weight > 0)
        .then(pl.sum_horizontal(weighted, ignore_nulls=True) / total_weight)
        .alias("csi"),
        pl.when(any_points)
        .then(pl.sum_horizontal(points, ignore_nulls=True) if points else None)
        .alias("points"),
        pl.when(any_points)
        .then(pl.sum_horizontal(max_points, ignore_nulls=True) if points else None)
        .alias("max_points"),
        ratings.alias("ratings"),
        pl.sum_horizontal(satisfied).alias("satisfied"),
        pl.sum_horizontal(dissatisfied).alias("dissatisfied"),
        _overall(q, items),
    )
    response_scores = scored.select(
        *[c for c in responses.columns if c != "comment"],  # the comment stays in responses
        pl.col("csi").cast(pl.Float64),
        pl.col("points").cast(pl.Float64),
        pl.col("max_points").cast(pl.Float64),
        pl.col("ratings").cast(pl.Int64),
        pl.col("satisfied").cast(pl.Int64),
        pl.col("dissatisfied").cast(pl.Int64),
        pl.col("overall_score").cast(pl.Float64),
    )
    # Wide: KEYS + the score (s1, s2 …) and answered-item count (n1, n2 …) of each dimension in
    # `dimension_ids` order, and what the key-driver sample filters on and reads (the response's
    # date, scope, subject, channel, staff member, CSI and overall-item score);
    # store.insert_dimension_scores writes the scores as one list per response.
    dimension_scores = scored.select(
        *KEYS,
        "survey_date",
        "scope",
        "subject",
        "channel",
        "staff_id",
        pl.col("csi").cast(pl.Float64),
        pl.col("overall_score").cast(pl.Float64),
        *[pl.col(f"__score_{d.id}").cast(pl.Float64).alias(f"s{n}") for n, d in enumerate(dim_cols, 1)],
        *[pl.col(f"__n_{d.id}").cast(pl.Int32).alias(f"n{n}") for n, d in enumerate(dim_cols, 1)],
    )
    group = ["batch_id", "questionnaire_id", "month_start", "scope", "subject"]
    months = frame.select(
        *group[:2], pl.col("survey_date").dt.truncate("1mo").alias("month_start"), *group[3:]
    )
    rating_counts = _level_counts(months, frame, items)
    # The answers are written as one list per response (store.insert_answers): a long frame
    # of 20M rows would cost seconds and gigabytes at 1,000,000 responses.
    answers = frame.select(*KEYS, "survey_date", "customer_id", *[i.id for i in items])
    with_months = scored.with_columns(months["month_start"])
    dimension_counts = pl.concat(
        [
            with_months.filter(pl.col(f"__n_{d.id}") > 0)
            .group_by(group)
            .agg(
                pl.len().cast(pl.Int64).alias("responses"),
                pl.col(f"__score_{d.id}").sum().cast(pl.Float64).alias("score_sum"),
                (pl.col(f"__score_{d.id}") ** 2).sum().cast(pl.Float64).alias("score_sq_sum"),
            )
            .select(*group, pl.lit(d.id).alias("dimension_id"), "responses", "score_sum", "score_sq_sum")
            for d in dim_cols
        ]
    )
    return Scores(
        response_scores,
        dimension_scores,
        [d.id for d in dim_cols],
        rating_counts,
        dimension_counts,
        answers,
        _dissatisfied(scored, items, q),
    )


def _dissatisfied(scored: pl.DataFrame, items, q: Questionnaire) -> pl.DataFrame:
    """One row per rating at a dissatisfied level of its item's scale, with the response's
    date, customer, scope, subject, channel, staff member, CSI and comment (the table
    dissatisfied_ratings; the migration to schema 17 writes the same rows in SQL,
    sql/rollups/dissatisfied_ratings.sql, and tests/test_migrate.py checks both)."""
    columns = ["survey_date", "customer_id", "scope", "subject", "channel", "staff_id"]
    parts = []
    for item in items:
        dissatisfied = [lv.value for lv in q.scale(item.scale).levels if lv.dissatisfied]
        if not dissatisfied:
            continue
        parts.append(
            scored.filter(pl.col(item.id).is_in(dissatisfied)).select(
                *KEYS,
                pl.lit(item.id, pl.String).alias("item_id"),
                pl.col(item.id).cast(pl.Float64).alias("level_value"),
                *columns,
                pl.col("csi").cast(pl.Float64),
                pl.col("comment").cast(pl.String),
            )
        )
    if parts:
        return pl.concat(parts)
    return scored.select(
        *KEYS, pl.lit(None, pl.String).alias("item_id"), pl.lit(None, pl.Float64).alias("level_value"), *columns,
        pl.col("csi").cast(pl.Float64), pl.col("comment").cast(pl.String),
    ).clear()  # fmt: skip


def _level_counts(keys: pl.DataFrame, frame: pl.DataFrame, items) -> pl.DataFrame:
    """Ratings per `keys` columns x item x level, one group-by per item column (no long frame).

    The distinct key tuples are numbered once, so each item's count groups two numbers instead
    of the key strings, and the items are counted in parallel.
    """
    group = keys.columns
    distinct = keys.unique(group).with_row_index("__g")
    numbered = keys.join(distinct, on=group, how="left", nulls_equal=True, maintain_order="left")
    counts = pl.collect_all(
        [
            pl.LazyFrame({"__g": numbered["__g"], "level_value": frame[i.id]})
            .drop_nulls("level_value")
            .group_by("__g", "level_value")
            .agg(pl.len().cast(pl.Int64).alias("ratings"))
            .with_columns(pl.lit(i.id).alias("item_id"))
            for i in items
        ]
    )
    schema = {"__g": pl.UInt32, "level_value": pl.Float64, "ratings": pl.Int64, "item_id": pl.Utf8}
    return (
        pl.concat([c.cast(schema) for c in counts] or [pl.DataFrame(schema=schema)])
        .join(distinct, on="__g")
        .select(*group, "item_id", "level_value", "ratings")
    )


def _overall(q: Questionnaire, items) -> pl.Expr:
    """The 0-100 score of the questionnaire's overall-satisfaction item, if it has one."""
    item = next((i for i in items if i.id == q.overall_item), None)
    if item is None:
        return pl.lit(None, pl.Float64).alias("overall_score")
    scale = q.scale(item.scale)
    return ((pl.col(item.id) - scale.min) / (scale.max - scale.min) * 100).alias("overall_score")
