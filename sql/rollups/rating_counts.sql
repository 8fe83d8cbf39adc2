-- One row per batch x month x questionnaire x scope x subject x item x level.
with

responses as (select * from src_responses),
answers as (select * from src_answers),

final as (
    select
        responses.batch_id,
        responses.questionnaire_id,
        date_trunc('month', responses.survey_date)::date as month_start,
        responses.scope,
        responses.subject,
        answers.item_id,
        answers.level_value,
        count(*) as ratings,
    from answers
    inner join responses
        on responses.batch_id = answers.batch_id
        and responses.questionnaire_id = answers.questionnaire_id
        and responses.response_id = answers.response_id
    group by all
)

select * from final
