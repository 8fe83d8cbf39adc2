-- One row per sampled response x dimension: its dimension score without the overall item
-- ($overall_item, the outcome of the key-driver analysis: a dimension holding it would be
-- correlated with itself), its CSI and its overall-item score. At most 5,000 responses,
-- whatever the warehouse's size. The scores are those the load computed (the mean 0-100 score
-- of a dimension's answered items, dimension_score_sets): the overall item is taken out
-- of its dimension's mean by its own score, so no answer is read again.
with

sampled as (
    select * from {{filtered_responses}}
    using sample reservoir(5000 rows) repeatable (42)
),

overall_dimension as (
    select any_value(dimension_id) as dimension_id,
    from item_levels
    where questionnaire_id = $qid and item_id = $overall_item
),

sets as (
    select sampled.response_id, sampled.csi, sampled.overall_score, sets.batch_id, sets.scores, sets.ratings,
    from sampled
    inner join dimension_score_sets as sets
        on sets.batch_id = sampled.batch_id
        and sets.response_id = sampled.response_id
),

scores as (
    select
        sets.response_id,
        sets.csi,
        sets.overall_score,
        dims.dimension_id,
        sets.scores[dims.position] as score,
        sets.ratings[dims.position] as ratings,
    from sets
    inner join score_dimensions as dims on dims.batch_id = sets.batch_id
    where sets.ratings[dims.position] > 0
),

final as (
    select
        scores.* exclude (score, ratings),
        case
            when scores.dimension_id = overall_dimension.dimension_id and scores.overall_score is not null
                then (scores.score * scores.ratings - scores.overall_score) / nullif(scores.ratings - 1, 0)
            else scores.score
        end as score,
    from scores
    cross join overall_dimension
)

select * from final where score is not null
