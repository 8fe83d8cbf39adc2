-- One row per report subscription in force (CONTRACT §11): who gets which report, their e-mail,
-- role and regions (the report is made as them), and the newest period sent to them.
with

changes as (select * from subscriptions),

newest as (
    select * from changes
    qualify row_number() over (partition by subscription_id order by changed_at desc) = 1
),

sent as (
    select subscription_id, max(period_start) as last_sent, from report_sends
    where ok
    group by subscription_id
),

final as (
    select
        newest.subscription_id, newest.user_name, newest.questionnaire_id, newest.grain, newest.format,
        newest.lang, newest.changed_at as since, newest.changed_by, users.email, users.role,
        users.regions, coalesce(users.disabled, true) as disabled, sent.last_sent,
    from newest
    left join stg_users as users using (user_name)
    left join sent using (subscription_id)
    where newest.active
)

select * from final
order by user_name, subscription_id
