-- One row per filtered own response that rated the chosen item dissatisfied.
with

responses as (select * from {{filtered_responses}}),

final as (
    select
        responses.response_id,
        responses.survey_date,
        responses.customer_id,
        responses.customer_name,
        responses.staff_id,
        responses.channel,
        item_levels.level_label,
        responses.csi,
        raw.comment,
    from answers
    inner join responses
        on responses.batch_id = answers.batch_id
        and responses.questionnaire_id = answers.questionnaire_id
        and responses.response_id = answers.response_id
    inner join item_levels
        on item_levels.questionnaire_id = answers.questionnaire_id
        and item_levels.item_id = answers.item_id
        and item_levels.level_value = answers.level_value
    left join stg_responses as raw
        on raw.batch_id = responses.batch_id
        and raw.questionnaire_id = responses.questionnaire_id
        and raw.response_id = responses.response_id
    where answers.item_id = $item_id
        and item_levels.is_dissatisfied
)

select * from final order by survey_date desc, response_id limit 1000
