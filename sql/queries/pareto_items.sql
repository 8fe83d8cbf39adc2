-- One row per item with dissatisfied own ratings in the filtered dates, most first.
with

levels as (select * from {{filtered_levels}} where subject = 'own'),

per_item as (
    select
        item_id,
        any_value(dimension_id) as dimension_id,
        sum(ratings) filter (where is_dissatisfied) as dissatisfied,
        sum(ratings) as ratings,
    from levels
    group by item_id
    having sum(ratings) filter (where is_dissatisfied) > 0
),

ranked as (
    select
        *,
        pct(dissatisfied, sum(dissatisfied) over ()) as share_pct,
        row_number() over (order by dissatisfied desc, item_id) as rank,
    from per_item
)

select
    *,
    sum(share_pct) over (order by rank rows between unbounded preceding and current row)
    as cumulative_pct,
from ranked
order by rank
