-- One row per sampled response x dimension: its dimension score without the overall item
-- ($overall_item, the outcome of the key-driver analysis: a dimension holding it would be
-- correlated with itself), its CSI and its overall-item score. At most 5,000 responses,
-- whatever the warehouse's size; only they are expanded to their answers.
with

sampled as (
    select * from {{filtered_responses}}
    using sample reservoir(5000 rows) repeatable (42)
),

ratings as (
    select
        sampled.response_id,
        sampled.csi,
        sampled.overall_score,
        answer_items.item_id,
        sets.level_values[answer_items.position] as level_value,
    from sampled
    inner join answer_sets as sets
        on sets.batch_id = sampled.batch_id
        and sets.response_id = sampled.response_id
    inner join answer_items on answer_items.batch_id = sets.batch_id
    where sets.level_values[answer_items.position] is not null
        and answer_items.item_id is distinct from $overall_item
),

final as (
    select
        ratings.response_id,
        any_value(ratings.csi) as csi,
        any_value(ratings.overall_score) as overall_score,
        item_levels.dimension_id,
        avg(item_levels.norm_score) as score,
    from ratings
    inner join item_levels
        on item_levels.questionnaire_id = $qid
        and item_levels.item_id = ratings.item_id
        and item_levels.level_value = ratings.level_value
    group by ratings.response_id, item_levels.dimension_id
)

select * from final
