-- One row per alert the user may see (within their regions; company-wide alerts for all),
-- newest month first, with whether the user ($me) has read it.
select
    alerts.alert_id,
    alerts.rule,
    alerts.severity,
    alerts.period_start,
    alerts.questionnaire_id,
    alerts.scope,
    alerts.region,
    alerts.value,
    alerts.center,
    alerts.lower_limit,
    alerts.upper_limit,
    alerts.n,
    alerts.fired_at,
    list_contains(alerts.read_by, $me) as is_read,
from v_alerts as alerts
where alerts.region is null or in_regions(alerts.region, $regions::varchar[])
order by is_read, alerts.period_start desc, alerts.severity = 'medium', alerts.alert_id
limit 2000
