-- One row per grain x period x agent: the follow-up calls an agent made (a call of the plan
-- counts once, in the month of its latest attempt), callback and survey success.
with

counts as (
    select period_grain, period_start, agent, sum(planned) as planned, sum(reached) as reached,
        sum(completed) as completed,
    from contact_counts
    where agent is not null
    group by all
),

final as (
    select
        period_grain, period_start, agent, planned::bigint as planned, reached::bigint as reached,
        completed::bigint as completed,
        pct(reached, planned) as callback_success_pct,
        pct(completed, reached) as survey_success_pct,
    from counts
)

select * from final
