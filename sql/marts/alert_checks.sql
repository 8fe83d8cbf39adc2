-- One row per alert rule x group x month that the rule can judge (CONTRACT §11; `alerts run`
-- takes the whole months before its "now"): the month's value, the center and limits it is held against,
-- n, and whether it fires. Control limits (3 sigma) against the pooled baseline of the up to 12
-- calendar months before the month that have data for the group (at least 6, and n of at
-- least min_sample); thresholds against the targets in force (settings).
with

settings as (select * from stg_settings),

-- Own responses with ratings, per questionnaire x scope (x region when alerts_by_region) x month.
monthly as (
    select
        facts.questionnaire_id,
        facts.scope,
        case when settings.alerts_by_region then coalesce(facts.region, '') end as region,
        date_trunc('month', facts.survey_date)::date as period_start,
        count(*) as n,
        sum(facts.csi) as csi_sum,
        sum(facts.csi * facts.csi) as csi_sq,
        count(*) filter (where facts.dissatisfied > 0) as unhappy,
    from response_facts as facts
    cross join settings
    where facts.subject = 'own' and facts.ratings > 0 and facts.csi is not null
    group by all
),

baseline as (
    select
        month.questionnaire_id, month.scope, month.region, month.period_start, month.n,
        month.csi_sum / month.n as csi, month.unhappy / month.n as unhappy_share,
        count(*) as months, sum(base.n) as base_n, sum(base.csi_sum) as base_sum,
        sum(base.csi_sq) as base_sq, sum(base.unhappy) as base_unhappy,
    from monthly as month
    inner join monthly as base
        on base.questionnaire_id = month.questionnaire_id and base.scope = month.scope
        and base.region is not distinct from month.region
        and base.period_start < month.period_start
        and base.period_start >= month.period_start - interval 12 month
    group by all
    having count(*) >= 6
),

limits as (
    select
        baseline.*,
        base_sum / base_n as center,
        sqrt(greatest(base_sq - base_sum * base_sum / base_n, 0) / (base_n - 1)) as sd,
        base_unhappy / base_n as base_share,
    from baseline
),

csi_low as (
    select 'csi_low' as rule, questionnaire_id, scope, region, period_start, csi as value, center,
        center - 3 * sd / sqrt(n) as lower_limit, center + 3 * sd / sqrt(n) as upper_limit, n,
        csi < center - 3 * sd / sqrt(n) as fired,
    from limits cross join settings
    where n >= settings.min_sample
),

dissatisfied_high as (
    select 'dissatisfied_high' as rule, questionnaire_id, scope, region, period_start,
        100 * unhappy_share as value, 100 * base_share as center,
        100 * greatest(base_share - 3 * sqrt(base_share * (1 - base_share) / n), 0) as lower_limit,
        100 * (base_share + 3 * sqrt(base_share * (1 - base_share) / n)) as upper_limit, n,
        unhappy_share > base_share + 3 * sqrt(base_share * (1 - base_share) / n) as fired,
    from limits cross join settings
    where n >= settings.min_sample
),

-- Company-wide complaints per shipment, month by month (a u-chart).
rates as (
    select period_start, complaints, shipments,
    from v_complaint_rate
    where period_grain = 'month' and shipments > 0
),

complaint_rate_high as (
    select
        'complaint_rate_high' as rule, null::varchar as questionnaire_id, null::varchar as scope,
        null::varchar as region, month.period_start,
        100 * month.complaints / month.shipments as value,
        100 * sum(base.complaints) / sum(base.shipments) as center,
        100 * greatest(sum(base.complaints) / sum(base.shipments)
            - 3 * sqrt(sum(base.complaints) / sum(base.shipments) / month.shipments), 0) as lower_limit,
        100 * (sum(base.complaints) / sum(base.shipments)
            + 3 * sqrt(sum(base.complaints) / sum(base.shipments) / month.shipments)) as upper_limit,
        month.shipments as n,
        month.complaints / month.shipments
            > sum(base.complaints) / sum(base.shipments)
            + 3 * sqrt(sum(base.complaints) / sum(base.shipments) / month.shipments) as fired,
    from rates as month
    inner join rates as base
        on base.period_start < month.period_start and base.period_start >= month.period_start - interval 12 month
    cross join settings
    where month.shipments >= settings.min_sample
    group by month.period_start, month.complaints, month.shipments
    having count(*) >= 6
),

csi_below_target as (
    select 'csi_below_target' as rule, monthly.questionnaire_id, monthly.scope, monthly.region,
        monthly.period_start, monthly.csi_sum / monthly.n as value, targets.target as center,
        targets.target as lower_limit, null::double as upper_limit, monthly.n,
        monthly.csi_sum / monthly.n < targets.target as fired,
    from monthly
    inner join questionnaire_targets as targets using (questionnaire_id)
    cross join settings
    where monthly.n >= settings.min_sample
),

contacts as (
    select scope, period_start, sum(planned) as planned, sum(reached) as reached, sum(completed) as completed,
    from contact_counts
    where period_grain = 'month'
    group by all
),

contact_rules as (
    select 'callback_below_target' as rule, null::varchar as questionnaire_id, scope, null::varchar as region,
        period_start, pct(reached, planned) as value, settings.target_callback_pct as center,
        settings.target_callback_pct as lower_limit, null::double as upper_limit, planned as n,
        pct(reached, planned) < settings.target_callback_pct as fired,
    from contacts cross join settings
    where planned > 0
    union all
    select 'survey_below_target', null, scope, null, period_start, pct(completed, reached),
        settings.target_survey_pct, settings.target_survey_pct, null, reached,
        pct(completed, reached) < settings.target_survey_pct,
    from contacts cross join settings
    where reached > 0
),

coverage_below_target as (
    select 'coverage_below_target' as rule, coverage.questionnaire_id, null::varchar as scope,
        null::varchar as region, coverage.period_start, coverage.coverage_pct as value,
        settings.target_coverage_pct as center, settings.target_coverage_pct as lower_limit,
        null::double as upper_limit, null::bigint as n,
        coverage.coverage_pct < settings.target_coverage_pct as fired,
    from v_sample_coverage as coverage
    cross join settings
    where coverage.period_grain = 'month' and coverage.coverage_pct is not null
),

-- One alert per complaint case late on a deadline and still open (not history), and per
-- corrective action past its due date and not done.
complaint_overdue as (
    select 'complaint_overdue' as rule, null::varchar as questionnaire_id, null::varchar as scope,
        cases.region, date_trunc('month', cases.received_at)::date as period_start,
        null::double as value, null::double as center, null::double as lower_limit,
        null::double as upper_limit, 1::bigint as n, true as fired, cases.complaint_id as item_key,
    from complaint_service as cases
    where cases.status <> 'closed' and not cases.is_history
        and (cases.is_respond_late or cases.is_verify_late or cases.is_promise_broken)
),

-- A serious complaint (high or critical) is escalated to the managers at registration
-- (issue 38), one alert per open case.
complaint_serious as (
    select 'complaint_serious' as rule, null::varchar as questionnaire_id, null::varchar as scope,
        cases.region, date_trunc('month', cases.received_at)::date as period_start,
        null::double as value, null::double as center, null::double as lower_limit,
        null::double as upper_limit, 1::bigint as n, true as fired, cases.complaint_id as item_key,
    from complaint_service as cases
    where cases.severity in ('high', 'critical') and cases.status <> 'closed' and not cases.is_history
),

action_overdue as (
    select 'action_overdue' as rule, actions.questionnaire_id, actions.scope, null::varchar as region,
        date_trunc('month', actions.due_date)::date as period_start, null::double as value,
        null::double as center, null::double as lower_limit, null::double as upper_limit,
        1::bigint as n, true as fired, actions.action_id as item_key,
    from v_actions as actions
    where actions.is_overdue
),

groups as (
    select *, null::varchar as item_key, from csi_low
    union all select *, null from dissatisfied_high
    union all select *, null from complaint_rate_high
    union all select *, null from csi_below_target
    union all select *, null from contact_rules
    union all select *, null from coverage_below_target
),

final as (
    select * from groups
    union all select * from complaint_overdue
    union all select * from complaint_serious
    union all select * from action_overdue
)

select
    rule || ':' || coalesce(item_key, concat_ws('|', coalesce(questionnaire_id, '*'), coalesce(scope, '*'),
        coalesce(region, '*'))) || ':' || strftime(period_start, '%Y-%m') as alert_id,
    *,
    case when rule in ('csi_low', 'dissatisfied_high', 'complaint_rate_high', 'complaint_serious') then 'high'
        else 'medium' end
        as severity,
from final
