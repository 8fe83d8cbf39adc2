-- One row per agent: the follow-up calls made in the months from $date_from to $date_to
-- (optionally of the chosen scopes), callback and survey success; an agent sees their own
-- ($agent). The counts are contact_counts', the one definition of the follow-up KPIs.
with

counts as (
    select agent, sum(planned) as planned, sum(reached) as reached, sum(completed) as completed,
    from contact_counts
    where period_grain = 'month' and agent is not null
        and period_start between date_trunc('month', $date_from::date) and $date_to
        and chosen(scope, $scope::varchar[])
        and ($agent::varchar is null or agent = $agent)
    group by agent
)

select
    agent, planned::bigint as planned, reached::bigint as reached, completed::bigint as completed,
    pct(reached, planned) as callback_success_pct,
    pct(completed, reached) as survey_success_pct,
from counts
order by agent
