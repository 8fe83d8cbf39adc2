-- One row per item x level of one customer's own ratings among the filtered responses. Only
-- that customer's answer sets are read (answer_sets.customer_id, schema 11): a customer's
-- histogram costs the same in a warehouse of ten thousand responses or ten million.
with

picked as (
    select batch_id, response_id,
    from {{filtered_scores}}
    where $customer_id::varchar is not null and customer_id = $customer_id
),

sets as (
    select batch_id, response_id, level_values,
    from answer_sets
    where customer_id = $customer_id
        and questionnaire_id = $qid
        and survey_date between $date_from and $date_to
),

ratings as (
    select
        answer_items.item_id,
        sets.level_values[answer_items.position] as level_value,
        count(*) as ratings,
    from sets
    semi join picked
        on picked.batch_id = sets.batch_id
        and picked.response_id = sets.response_id
    inner join answer_items on answer_items.batch_id = sets.batch_id
    where sets.level_values[answer_items.position] is not null
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
