-- One row per item x level of one customer's own ratings in the filtered dates (rollup).
with

counts as (
    select * from customer_rating_counts
    where questionnaire_id = $qid
        and customer_id = $customer_id
        and subject = 'own'
        and month_start between date_trunc('month', $date_from::date) and $date_to
        and ($scope::varchar is null or scope = $scope)
),

final as (
    select
        counts.item_id,
        counts.level_value,
        any_value(item_levels.level_label) as level_label,
        any_value(item_levels.dimension_id) as dimension_id,
        sum(counts.ratings) as ratings,
    from counts
    inner join item_levels
        on item_levels.questionnaire_id = counts.questionnaire_id
        and item_levels.item_id = counts.item_id
        and item_levels.level_value = counts.level_value
    group by all
)

select * from final order by item_id, level_value
