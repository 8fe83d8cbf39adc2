-- One row per month x agent from $date_from to $date_to: follow-up calls, callback and survey
-- success (v_agent_kpis, the one definition); an agent sees their own ($agent).
select period_start, agent, planned, reached, completed, callback_success_pct, survey_success_pct,
from v_agent_kpis
where period_grain = 'month' and period_start between date_trunc('month', $date_from::date) and $date_to
    and ($agent::varchar is null or agent = $agent)
order by period_start desc, agent
