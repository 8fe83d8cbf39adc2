-- One row per item x level of own ratings over the filtered dates: the histogram.
select
    dimension_id,
    item_id,
    level_value,
    any_value(level_label) as level_label,
    bool_or(is_satisfied) as is_satisfied,
    bool_or(is_dissatisfied) as is_dissatisfied,
    any_value(norm_score) as norm_score,
    sum(ratings) as ratings,
from {{filtered_levels}}
where subject = 'own'
group by all
order by dimension_id, item_id, level_value
