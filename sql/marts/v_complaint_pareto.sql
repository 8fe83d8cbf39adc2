-- One row per grain x period x cause category x cause: complaints naming it, most first. A
-- complaint naming several causes counts once for each; shares are of cause mentions.
with

causes as (select * from complaint_cause_facts),
grains as (select * from stg_grains),

per_cause as (
    select
        grains.period_grain,
        date_trunc(grains.period_grain, causes.received_at)::date as period_start,
        causes.cause_category,
        causes.cause,
        count(*) as complaints,
    from causes
    cross join grains
    group by all
),

ranked as (
    select
        *,
        pct(complaints, sum(complaints) over (partition by period_grain, period_start))
        as share_pct,
        row_number() over (
            partition by period_grain, period_start
            order by complaints desc, cause_category, cause nulls last
        ) as rank,
    from per_cause
),

final as (
    select
        period_grain,
        period_start,
        cause_category,
        cause,
        complaints,
        share_pct,
        sum(share_pct) over (
            partition by period_grain, period_start
            order by rank
            rows between unbounded preceding and current row
        ) as cumulative_pct,
        rank,
    from ranked
)

select * from final
