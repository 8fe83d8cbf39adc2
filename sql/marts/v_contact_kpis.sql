-- One row per grain x period x scope: follow-up callback and survey success.
with

counts as (
    select period_grain, period_start, scope, sum(planned) as planned, sum(reached) as reached,
        sum(completed) as completed,
    from contact_counts
    group by all
),

final as (
    select
        period_grain, period_start, scope, planned::bigint as planned, reached::bigint as reached,
        completed::bigint as completed,
        pct(reached, planned) as callback_success_pct,
        pct(completed, reached) as survey_success_pct,
    from counts
)

select * from final
