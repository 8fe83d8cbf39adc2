-- One row per source response x answered dimension: mean 0-100 score of its items.
with

responses as (select * from src_responses),
rated as (select * from rated_answers),

final as (
    select
        rated.batch_id,
        rated.questionnaire_id,
        rated.response_id,
        rated.dimension_id,
        avg(rated.norm_score) as score,
        count(*) as ratings,
    from rated
    inner join responses
        on responses.batch_id = rated.batch_id
        and responses.questionnaire_id = rated.questionnaire_id
        and responses.response_id = rated.response_id
    group by all
)

select * from final
