-- One row per item x level of one customer's own ratings among the filtered responses
-- (with $customer_id set, filtered_levels counts that customer's answers).
select
    item_id,
    level_value,
    any_value(level_label) as level_label,
    any_value(dimension_id) as dimension_id,
    sum(ratings) as ratings,
from {{filtered_levels}}
where subject = 'own' and $customer_id::varchar is not null
group by item_id, level_value
order by item_id, level_value
