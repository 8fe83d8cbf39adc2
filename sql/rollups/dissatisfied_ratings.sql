-- The dissatisfied_ratings rows of the batches $batch_ids: each active response's ratings at a
-- dissatisfied level (from the answer sets and the questionnaire's raw items and levels), with
-- its response scores' columns and its comment. The migration to schema 17 fills the table
-- with it. Loads and
-- rebuilds write the same rows from the scored piece in polars (scoring._dissatisfied: a
-- batch-wide SQL cost a load of 1,000,000 responses 200-300 MiB more, growing with the file);
-- tests/test_migrate.py checks both against the answers and item levels. The
-- level lists are unnested (one narrow row per rating) and filtered before any join: joining
-- each list to its items copied it once per item (9.7 GiB for a batch of 1,000,000). No ORDER
-- BY: DuckLake sorts each insert by the table's order (SORT_ORDERS); the migration, which
-- writes before the order is set, orders its insert itself.
with

levels as (
    select items.batch_id, items.position, items.item_id, q_levels.level_value,
    from answer_items as items
    inner join q_items
        on q_items.questionnaire_id = items.questionnaire_id
        and q_items.item_id = items.item_id
    inner join q_levels
        on q_levels.questionnaire_id = q_items.questionnaire_id
        and q_levels.scale_id = q_items.scale_id
    where items.batch_id in (select unnest($batch_ids::varchar[]))
        and q_levels.is_dissatisfied
),

ratings as (
    select
        batch_id,
        questionnaire_id,
        response_id,
        unnest(level_values) as level_value,
        generate_subscripts(level_values, 1) as position,
    from answer_sets
    where batch_id in (select unnest($batch_ids::varchar[]))
),

dissatisfied as (
    select ratings.batch_id, ratings.questionnaire_id, ratings.response_id, levels.item_id, ratings.level_value,
    from ratings
    inner join levels
        on levels.batch_id = ratings.batch_id
        and levels.position = ratings.position
        and levels.level_value = ratings.level_value
)

select
    dissatisfied.batch_id,
    dissatisfied.questionnaire_id,
    dissatisfied.response_id,
    dissatisfied.item_id,
    dissatisfied.level_value,
    scores.survey_date,
    scores.customer_id,
    scores.scope,
    scores.subject,
    scores.channel,
    scores.staff_id,
    scores.csi,
    raw.comment,
from dissatisfied
inner join response_scores as scores
    on scores.batch_id = dissatisfied.batch_id
    and scores.questionnaire_id = dissatisfied.questionnaire_id
    and scores.response_id = dissatisfied.response_id
inner join responses as raw
    on raw.batch_id = dissatisfied.batch_id
    and raw.questionnaire_id = dissatisfied.questionnaire_id
    and raw.response_id = dissatisfied.response_id
where scores.batch_id in (select unnest($batch_ids::varchar[]))
    and raw.batch_id in (select unnest($batch_ids::varchar[]))
