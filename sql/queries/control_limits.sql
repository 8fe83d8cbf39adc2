-- One row per month from $date_from to $date_to: the control limits of the alert rule $rule
-- (csi_low or dissatisfied_high; alert_checks, the one definition) of questionnaire $qid and
-- the picked scope (or its only one), drawn on the Overview's CSI trend and the Pareto page's
-- dissatisfied share. The limits are the whole group's: none for a user limited to regions.
with

groups as (
    select distinct scope,
    from alert_checks
    where rule = $rule and questionnaire_id = $qid and region is null
)

select period_start, center, lower_limit, upper_limit, value, n, fired,
from alert_checks
where rule = $rule and questionnaire_id = $qid and region is null
    and $regions::varchar[] is null
    and period_start between $date_from and $date_to
    and (scope = $one_scope or ($one_scope::varchar is null and (select count(*) from groups) = 1))
order by period_start
