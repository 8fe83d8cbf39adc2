-- One row per sampled response x dimension: dimension score, CSI and overall-item score.
with

sampled as (
    select * from {{filtered_responses}}
    using sample reservoir(5000 rows) repeatable (42)
),

overall as (
    select answers.batch_id, answers.response_id, item_levels.norm_score as overall_score,
    from answers
    inner join sampled
        on sampled.batch_id = answers.batch_id
        and sampled.questionnaire_id = answers.questionnaire_id
        and sampled.response_id = answers.response_id
    inner join item_levels
        on item_levels.questionnaire_id = answers.questionnaire_id
        and item_levels.item_id = answers.item_id
        and item_levels.level_value = answers.level_value
    where answers.item_id = $overall_item
),

final as (
    select
        sampled.response_id,
        sampled.csi,
        overall.overall_score,
        scores.dimension_id,
        scores.score,
    from sampled
    inner join response_dimension_scores as scores
        on scores.batch_id = sampled.batch_id
        and scores.questionnaire_id = sampled.questionnaire_id
        and scores.response_id = sampled.response_id
    left join overall
        on overall.batch_id = sampled.batch_id
        and overall.response_id = sampled.response_id
)

select * from final
