-- One row per alert (CONTRACT §11): the rule, its group and month, the value against its
-- centre and limits, n, when it fired, its severity, the channels it went to and who read it.
with

alerts as (select * from alerts),

delivered as (
    select alert_id, list(distinct channel order by channel) as channels,
    from alert_deliveries
    where ok
    group by alert_id
),

reads as (
    select alert_id, list(distinct user_name order by user_name) as read_by,
    from alert_reads
    group by alert_id
),

final as (
    select
        alerts.alert_id, alerts.rule, alerts.questionnaire_id, alerts.scope, alerts.region,
        alerts.period_start, alerts.value, alerts.center, alerts.lower_limit, alerts.upper_limit,
        alerts.n, alerts.fired_at, alerts.severity,
        list_concat(['inbox'], coalesce(delivered.channels, []::varchar[])) as delivered,
        coalesce(reads.read_by, []::varchar[]) as read_by,
    from alerts
    left join delivered using (alert_id)
    left join reads using (alert_id)
)

select * from final
