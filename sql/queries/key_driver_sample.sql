-- One row per sampled response x dimension: dimension score, CSI and overall-item score.
with

sampled as (
    select * from {{filtered_responses}}
    using sample reservoir(5000 rows) repeatable (42)
),

final as (
    select
        sampled.response_id,
        sampled.csi,
        sampled.overall_score,
        scores.dimension_id,
        scores.score,
    from sampled
    inner join response_dimension_scores as scores
        on scores.batch_id = sampled.batch_id
        and scores.questionnaire_id = sampled.questionnaire_id
        and scores.response_id = sampled.response_id
)

select * from final
