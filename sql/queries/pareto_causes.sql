-- One row per cause category x cause named by complaints of the filtered customers received
-- in the dates, most first; a complaint naming several causes counts once for each.
with

per_cause as (
    select cause_category, coalesce(cause, '-') as cause, count(*) as complaints,
    from complaint_cause_facts
    where received_at::date between $date_from and $date_to
        and chosen(segment, $segment::varchar[])
        and chosen(region, $region::varchar[])
        and in_regions(region, $regions::varchar[])
    group by all
),

ranked as (
    select
        *,
        pct(complaints, sum(complaints) over ()) as share_pct,
        row_number() over (order by complaints desc, cause_category, cause) as rank,
    from per_cause
)

select
    *,
    sum(share_pct) over (order by rank rows between unbounded preceding and current row)
    as cumulative_pct,
from ranked
order by rank
