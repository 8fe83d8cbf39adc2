-- One row per item x level of one customer's own ratings among the filtered responses.
with

picked as (
    select batch_id, response_id from {{filtered_responses}} where customer_id = $customer_id
),

ratings as (
    select answers.item_id, answers.level_value, count(*) as ratings,
    from answers
    inner join picked
        on picked.batch_id = answers.batch_id
        and picked.response_id = answers.response_id
    where answers.questionnaire_id = $qid
    group by all
),

final as (
    select
        ratings.item_id,
        ratings.level_value,
        item_levels.level_label,
        item_levels.dimension_id,
        ratings.ratings,
    from ratings
    inner join item_levels
        on item_levels.questionnaire_id = $qid
        and item_levels.item_id = ratings.item_id
        and item_levels.level_value = ratings.level_value
)

select * from final order by item_id, level_value
