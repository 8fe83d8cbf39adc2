-- One row per sampled response x dimension: dimension score, CSI and overall-item score.
-- Reads dimension_score_sets rather than the response_dimension_scores view so that only the
-- sampled responses are expanded to one row per dimension.
with

sampled as (
    select * from {{filtered_responses}}
    using sample reservoir(5000 rows) repeatable (42)
),

sets as (
    select
        sampled.response_id,
        sampled.csi,
        sampled.overall_score,
        dimension_score_sets.batch_id,
        dimension_score_sets.scores,
        dimension_score_sets.ratings,
    from sampled
    inner join dimension_score_sets
        on dimension_score_sets.batch_id = sampled.batch_id
        and dimension_score_sets.questionnaire_id = sampled.questionnaire_id
        and dimension_score_sets.response_id = sampled.response_id
),

final as (
    select
        sets.response_id,
        sets.csi,
        sets.overall_score,
        score_dimensions.dimension_id,
        sets.scores[score_dimensions.position] as score,
    from sets
    inner join score_dimensions on score_dimensions.batch_id = sets.batch_id
    where sets.ratings[score_dimensions.position] > 0
)

select * from final
