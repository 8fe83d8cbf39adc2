-- One row per cause category x cause of complaints received in the dates, most first.
with

per_cause as (
    select cause_category, coalesce(cause, '-') as cause, count(*) as complaints,
    from stg_complaints
    where received_at::date between $date_from and $date_to
    group by all
),

ranked as (
    select
        *,
        100.0 * complaints / sum(complaints) over () as share_pct,
        row_number() over (order by complaints desc, cause_category, cause) as rank,
    from per_cause
)

select
    *,
    sum(share_pct) over (order by rank rows between unbounded preceding and current row)
    as cumulative_pct,
from ranked
order by rank
