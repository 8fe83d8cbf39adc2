-- One row per item x level of one customer's own ratings in the filtered dates.
with

responses as (select * from {{filtered_responses}} where customer_id = $customer_id),

final as (
    select
        answers.item_id,
        answers.level_value,
        any_value(item_levels.level_label) as level_label,
        any_value(item_levels.dimension_id) as dimension_id,
        count(*) as ratings,
    from answers
    inner join responses
        on responses.batch_id = answers.batch_id
        and responses.questionnaire_id = answers.questionnaire_id
        and responses.response_id = answers.response_id
    inner join item_levels
        on item_levels.questionnaire_id = answers.questionnaire_id
        and item_levels.item_id = answers.item_id
        and item_levels.level_value = answers.level_value
    group by all
)

select * from final order by item_id, level_value
